"""Browser (issue 11): the demo planner `planung` creates a new period, copies the rules of an
earlier one, computes the plan while the page shows the progress, publishes after a
confirmation that says how many people will be notified; an employee's leave entered after
publishing shows up as a conflict on the planner's page, and resolving it changes the plan."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from rathaus.core.models import Employee, OrgUnit
from rathaus.core.tests.waiting import CEILING
from rathaus.presence.models import Activity, PlanAssignment, PlanningPeriod
from rathaus.presence.services import solving

SOLVE_MS = 300_000
DEMO_PASSWORD = "rathaus-demo"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_planner_copies_rules_watches_progress_confirms_publishing_and_sees_a_conflict(
    page, live_server, login, axe_check, settings, monkeypatch, tmp_path
):
    settings.RATHAUS_PRESENCE_DEMO_SOLVE_SECONDS = 2
    settings.RATHAUS_PRESENCE_BACKGROUND_WITHOUT_BROKER = True  # as in `make run`
    call_command("load_demo")
    anna = Employee.objects.get(user__username="mitarbeiterin")
    town = anna.municipality
    source = PlanningPeriod.objects.filter(municipality=town, name__startswith="Präsenzplan ab")
    source = source.get()
    start = source.end + timedelta(days=1)  # the Monday after the demo's 4-week period
    units = OrgUnit.objects.filter(municipality=town, code__in=["33", anna.org_unit.code])

    # The job waits at a gate until the page has shown it queued with its progress bar.
    gate = threading.Event()
    real_run = solving.job_run

    def gated_run(*, job_id):
        gate.wait(CEILING)
        real_run(job_id=job_id)

    monkeypatch.setattr(solving, "job_run", gated_run)

    login(page, "planung", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/planung/")
    axe_check(page)
    page.get_by_role("link", name="Neuen Planungszeitraum anlegen").click()
    page.get_by_label("Bezeichnung").fill("Folgeplan")
    page.get_by_label("Organisationseinheiten").select_option([str(u.pk) for u in units])
    page.get_by_label("Beginn").fill(start.isoformat())
    page.get_by_label("Dauer in Wochen").fill("1")
    page.get_by_label("Schichtteams trennen").select_option("shift")  # as the demo's period
    page.get_by_label("Rechenzeit höchstens (Sekunden)").fill("5")
    axe_check(page)
    page.get_by_role("button", name="Anlegen").click()
    expect(page.get_by_role("heading", name="Folgeplan")).to_be_visible()
    expect(page.get_by_text("Dieser Zeitraum hat noch keine Schichtarten.")).to_be_visible()
    axe_check(page)
    period = PlanningPeriod.objects.get(name="Folgeplan")

    page.get_by_role("link", name="Regeln aus einem früheren Zeitraum übernehmen").click()
    page.get_by_label("Regeln übernehmen aus").select_option(str(source.pk))
    axe_check(page)
    page.get_by_role("button", name="Regeln übernehmen", exact=True).click()
    copied = source.shift_types.count()  # the demo's shift types, however many it has
    expect(page.get_by_text(f"Regeln übernommen: {copied} Schichtarten")).to_be_visible()
    assert period.shift_types.count() == copied
    expect(page.get_by_text("Frühschicht").first).to_be_visible()
    axe_check(page)
    page.screenshot(path=str(tmp_path / "rules-copied.png"), full_page=True)

    page.get_by_role("link", name="Übersicht", exact=True).click()
    page.get_by_role("button", name="Plan berechnen").click()
    # The request answered at once: the job page polls and shows the progress bar.
    expect(page.get_by_role("heading", name="Berechnung: Folgeplan")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    expect(page.get_by_role("button", name="Berechnung abbrechen")).to_be_visible()
    axe_check(page)
    page.screenshot(path=str(tmp_path / "job-progress.png"), full_page=True)
    gate.set()
    expect(page.get_by_text("fertig").first).to_be_visible(timeout=SOLVE_MS)
    job = period.jobs.get()
    assert job.status == "done" and not job.result.get("infeasible"), job.message
    expect(page.get_by_role("link", name="Zum Plan")).to_be_visible()
    axe_check(page)

    people = PlanAssignment.objects.filter(period=period).values("employee").distinct().count()
    assert people > 0
    page.get_by_role("link", name="Übersicht", exact=True).click()
    page.get_by_role("link", name="Veröffentlichen und Beschäftigte benachrichtigen …").click()
    expect(page.get_by_text(f"Der Plan geht an {people} Personen.")).to_be_visible()
    axe_check(page)
    page.screenshot(path=str(tmp_path / "publish-confirm.png"), full_page=True)
    page.get_by_role(
        "button", name=f"Jetzt veröffentlichen und {people} Personen benachrichtigen"
    ).click()
    expect(page.get_by_text("Plan veröffentlicht (Version 1)")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state()

    # Anna enters leave for a day she is planned to work.
    work = (
        PlanAssignment.objects.filter(
            period=period, employee=anna, activity__in=(Activity.OFFICE, Activity.HOME)
        )
        .order_by("day")
        .first()
    )
    assert work is not None
    login(page, "mitarbeiterin", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/planung/mein-plan/")
    page.locator("#id_absence-start").fill(work.day.isoformat())
    page.locator("#id_absence-end").fill(work.day.isoformat())
    page.get_by_role("button", name="Abwesenheit eintragen").click()
    expect(page.get_by_text("Abwesenheit eingetragen")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state()

    login(page, "planung", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/planung/zeitraeume/{period.pk}/")
    expect(page.get_by_text("1 Konflikt mit einer Abwesenheit")).to_be_visible()
    axe_check(page)
    page.screenshot(path=str(tmp_path / "conflict.png"), full_page=True)
    page.get_by_role(
        "button", name=f"Als abwesend einplanen: {anna.first_name} {anna.last_name}"
    ).click()
    expect(
        page.get_by_text("Konflikt gelöst: 1 Tag ist jetzt als abwesend eingeplant.")
    ).to_be_visible()
    axe_check(page)
    work.refresh_from_db()
    assert work.activity == Activity.ABSENT
