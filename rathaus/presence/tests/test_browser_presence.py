"""Browser: a planner plans a small demo-like town for 4 weeks, publishes, an employee looks."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rathaus.core.models import KitStockChange
from rathaus.core.tests.waiting import wait_for
from rathaus.presence.models import PlanningPeriod, SolverJob
from rathaus.presence.services import solving
from rathaus.presence.tests.conftest import build_town, make_period

# Steps that run a solve inline get a generous ceiling: a busy machine is slow, not wrong.
SOLVE_MS = 180_000


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_planner_plans_publishes_and_employee_sees_plan(
    page, live_server, login, axe_check, town, make_user
):
    world = build_town(town, make_user=make_user)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    KitStockChange.objects.create(pool=world["pool"], valid_from=date(2020, 1, 1), delta=3)
    planner = world["users"]["planner"]

    login(page, planner.username)
    page.goto(f"{live_server.url}/planung/")
    axe_check(page)
    page.get_by_role("link", name="Neuen Planungszeitraum anlegen").click()
    axe_check(page)
    page.get_by_label("Bezeichnung").fill("Präsenzplan Test")
    page.get_by_label("Organisationseinheiten").select_option(
        [str(world["office"].pk), str(world["citizen"].pk), str(world["social"].pk)]
    )
    page.get_by_label("Beginn").fill(monday.isoformat())
    page.get_by_label("Dauer in Wochen").fill("4")
    page.get_by_label("Schichtteams trennen").select_option("shift")
    page.get_by_role("button", name="Anlegen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Präsenzplan Test")).to_be_visible()
    axe_check(page)
    period = PlanningPeriod.objects.get(name="Präsenzplan Test")

    # Rules: early and late shift, coverage, two shift teams (citizen office).
    page.get_by_role("link", name="Regeln", exact=True).click()
    axe_check(page)
    for code, name, start, end in (
        ("F", "Frühschicht", "07:00", "12:30"),
        ("S", "Spätschicht", "13:00", "18:30"),
    ):
        page.locator("#id_shift-code").fill(code)
        page.locator("#id_shift-name").fill(name)
        page.locator("#id_shift-start_time").fill(start)
        page.locator("#id_shift-end_time").fill(end)
        page.get_by_role("button", name="Schichtart hinzufügen").click()
        page.wait_for_load_state()
    for shift in period.shift_types.all():
        for weekday in range(5):
            page.locator("#id_coverage-shift_type").select_option(str(shift.pk))
            page.locator("#id_coverage-weekday").select_option(str(weekday))
            page.locator("#id_coverage-required").fill("1")
            page.get_by_role("button", name="Besetzungsvorgabe hinzufügen").click()
            page.wait_for_load_state()
    for name, members in (("Team A", world["clerks"][0::2]), ("Team B", world["clerks"][1::2])):
        page.locator("#id_cohort-name").fill(name)
        page.locator("#id_cohort-members").select_option([str(e.pk) for e in members])
        page.get_by_role("button", name="Schichtteam hinzufügen").click()
        page.wait_for_load_state()
    wait_for(
        lambda: period.coverage.count() == 10 and period.cohorts.count() == 2, "the rules saved"
    )
    axe_check(page)

    # Solve (inline without a broker), watch the job, see the grid.
    page.get_by_role("link", name="Übersicht", exact=True).click()
    page.get_by_role("button", name="Plan berechnen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("fertig").first).to_be_visible(timeout=SOLVE_MS)
    axe_check(page)
    page.get_by_role("link", name="Zum Plan").click()
    page.wait_for_load_state()
    grid = page.locator("table.plan-grid")
    expect(grid).to_be_visible()
    expect(grid.locator("tbody tr")).to_have_count(11)
    assert grid.get_by_text("H", exact=True).count() > 0  # letter codes, not just colours
    axe_check(page)
    # A manual edit that breaks a hard rule: a clerk (no home-office kit) to home office.
    clerk = world["clerks"][0]
    page.locator(f"#e{clerk.pk} td a").first.click()
    page.wait_for_load_state()
    axe_check(page)
    # The form opens inside the grid page (htmx); the refusal is shown there.
    page.get_by_label("Tätigkeit").select_option("home")
    page.get_by_role("button", name="Prüfen und speichern").click()
    expect(page.get_by_text("Änderung abgelehnt")).to_be_visible()
    expect(page.get_by_text("keinen Homeoffice-Arbeitsplatz").first).to_be_visible()
    expect(grid).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Raumbelegung").click()
    axe_check(page)
    page.get_by_role("link", name="Abwesenheiten").click()
    axe_check(page)
    page.get_by_role("link", name="Flächenbedarf").click()
    axe_check(page)

    page.get_by_role("link", name="Übersicht", exact=True).click()
    page.get_by_role("link", name="Veröffentlichen und Beschäftigte benachrichtigen …").click()
    expect(page.get_by_text("Der Plan geht an 11 Personen.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Jetzt veröffentlichen und 11 Personen benachrichtigen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Plan veröffentlicht (Version 1)")).to_be_visible(timeout=SOLVE_MS)
    axe_check(page)
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state()

    employee = world["users"]["employee"]
    login(page, employee.username)
    page.goto(f"{live_server.url}/planung/mein-plan/")
    table = page.locator("table").first
    assert table.locator("tbody tr").count() >= 20  # 4 weeks of published days
    assert page.get_by_text("Noch kein veröffentlichter Plan").count() == 0
    axe_check(page)
    page.goto(f"{live_server.url}/planung/heute/")
    expect(page.get_by_role("heading", name="Wer ist heute vor Ort?")).to_be_visible()
    axe_check(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_running_job_and_space_result_pages_are_accessible(
    page, live_server, login, axe_check, town, make_user
):
    world = build_town(town, make_user=make_user)
    period = make_period(town, world)
    running = SolverJob.objects.create(
        municipality=town, period=period, status="running", progress=42, objective=120, bound=80
    )
    SolverJob.objects.create(
        municipality=town,
        period=period,
        kind="space",
        status="done",
        progress=100,
        message="Kleinste Zahl an Arbeitsplätzen, für die ein Plan existiert: 4 (bewiesen).",
        result={
            "min_onsite": 2,
            "office_staff": 7,
            "current_seats": 8,
            "min_seats": 4,
            "proven": True,
            "lower_bound": 4,
            "curve": [
                {"seats": s, "fairness": f, "wishes": 0, "team_days": t, "peak": s, "home_share": h}
                for s, f, t, h in ((4, 40, 6, 55), (6, 20, 2, 40), (8, 10, 0, 30))
            ],
        },
    )
    login(page, world["users"]["planner"].username)
    page.goto(f"{live_server.url}/planung/auftraege/{running.pk}/")
    expect(page.get_by_role("button", name="Berechnung abbrechen")).to_be_visible()
    expect(page.get_by_text("42 %").first).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Berechnung abbrechen").click()
    page.wait_for_load_state()
    wait_for(lambda: SolverJob.objects.get(pk=running.pk).cancel_requested, "the cancel flag")
    page.goto(f"{live_server.url}/planung/zeitraeume/{period.pk}/flaechenbedarf/")
    expect(page.locator("svg.space-chart")).to_be_visible()
    expect(page.get_by_text("Kleinste Zahl an Arbeitsplätzen: 4")).to_be_visible()
    expect(page.get_by_text("Nachweislich minimal:")).to_be_visible()
    axe_check(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lost_job_page_says_what_happened_and_runs_again(
    page, live_server, login, axe_check, town, make_user, tmp_path
):
    world = build_town(town, make_user=make_user)
    planner = world["users"]["planner"]
    period = make_period(town, world)
    first = solving.job_start(actor=planner, period=period)  # inline: the previous plan
    first.refresh_from_db()
    assert first.status == "done", first.message
    long_ago = timezone.now() - timedelta(minutes=30)
    lost = SolverJob.objects.create(
        municipality=town,
        period=period,
        status="running",
        progress=61,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    PlanningPeriod.objects.filter(pk=period.pk).update(status="solving")

    login(page, planner.username)
    page.goto(f"{live_server.url}/planung/auftraege/{lost.pk}/")
    expect(page.get_by_text("Der Rechenknoten hat nicht mehr geantwortet")).to_be_visible()
    expect(page.get_by_text("Der bisherige Plan bleibt unverändert.")).to_be_visible()
    expect(page.get_by_role("button", name="Berechnung abbrechen")).to_have_count(0)
    axe_check(page)
    page.screenshot(path=str(tmp_path / "job-lost.png"), full_page=True)
    page.get_by_role("button", name="Erneut berechnen").click()
    expect(page.get_by_text("fertig").first).to_be_visible(timeout=SOLVE_MS)
    expect(page.get_by_role("link", name="Zum Plan")).to_be_visible()
    axe_check(page)
    page.screenshot(path=str(tmp_path / "job-again.png"), full_page=True)
    page.goto(f"{live_server.url}/planung/zeitraeume/{period.pk}/")
    expect(page.get_by_text("berechnet", exact=True)).to_be_visible()
    axe_check(page)
