"""Browser: the mayor sees the cockpit, follows a warning to its steering case and records a
decision that moves a project's milestone; every page passes axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rathaus.core.tests.waiting import wait_for
from rathaus.steering.models import Milestone, Programme, Project, SteeringCase
from rathaus.steering.services.indicators import indicator_analyse, indicator_value_record
from rathaus.steering.services.projects import status_report_submit
from rathaus.steering.tests.conftest import build_world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_mayor_follows_a_warning_to_its_case_and_moves_a_milestone(
    page, live_server, login, axe_check, town, make_user
):
    world = build_world(town, make_user)
    today = timezone.localdate()
    owner, mayor = world["users"]["owner"], world["users"]["mayor"]
    for months_ago, value in ((2, 700), (1, 1000)):
        indicator_value_record(
            actor=mayor,
            indicator=world["indicator"],
            ref_date=world["months"][-months_ago],
            value=value,
            analyse=False,
        )
    indicator_analyse(indicator=world["indicator"])
    status_report_submit(
        actor=owner,
        project=world["project"],
        period=today,
        time="red",
        budget="green",
        scope="green",
        risk="red",
        summary="Lärmgutachten fehlt.",
    )
    later = world["later"]
    later.due = today + timedelta(days=60)
    later.save()

    login(page, mayor.username)
    expect(page.get_by_role("heading", name="Cockpit der Verwaltungsleitung")).to_be_visible()
    axe_check(page)
    expect(page.get_by_text("seit", exact=False).first).to_be_visible()
    page.get_by_role("link", name="Angezeigte Kurzarbeit").first.click()
    expect(page.get_by_role("heading", name="Angezeigte Kurzarbeit")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Cockpit").click()
    page.get_by_role("link", name="Bebauungsplan Güterbahnhof ist rot").click()
    expect(page.get_by_role("heading", name="Bebauungsplan Güterbahnhof ist rot")).to_be_visible()
    axe_check(page)

    new_due = later.due + timedelta(days=91)
    page.get_by_label("anpassen").check()
    page.get_by_label("Begründung", exact=True).fill("Offenlage ein Quartal später.")
    page.get_by_label("Neuer Termin: Satzungsbeschluss").fill(new_due.isoformat())
    page.get_by_role("button", name="Entscheidung festhalten").click()
    expect(page.get_by_role("heading", name="Entscheidung: anpassen")).to_be_visible()
    axe_check(page)
    wait_for(lambda: Milestone.objects.get(pk=later.pk).due == new_due, "the milestone moved")
    assert SteeringCase.objects.get(project=world["project"]).status == "decided"

    page.get_by_role("link", name="Bebauungsplan Güterbahnhof", exact=True).click()
    expect(page.get_by_text("Offenlage ein Quartal später.").first).to_be_visible()
    axe_check(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_strategy_cases_import_and_public_pages_pass_axe(
    page, live_server, login, axe_check, town, make_user
):
    world = build_world(town, make_user)
    indicator_analyse(indicator=world["indicator"])
    smart = Programme.objects.create(municipality=town, plan=world["plan"], title="Smart City")
    Project.objects.filter(pk=world["project"].pk).update(programme=smart)
    login(page, world["users"]["mayor"].username)
    for path, heading in (
        ("/steuerung/strategie/", "Strategie 2030"),
        (f"/steuerung/programme/{smart.pk}/", "Programm: Smart City"),
        ("/steuerung/faelle/?status=decided", "Steuerungsfälle"),
        ("/steuerung/import/", "Kennzahlen importieren"),
        ("/steuerung/klausur/", "Ziele aus der Klausur übernehmen"),
        ("/steuerung/kennzahlen/", "Kennzahlen"),
        (f"/steuerung/projekte/{world['project'].pk}/", "Bebauungsplan Güterbahnhof"),
        (f"/steuerung/oeffentlich/{town.slug}/", "Musterstadt: Strategie und Kennzahlen"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        axe_check(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_owner_edits_a_project_a_milestone_and_a_budget_line(
    page, live_server, login, axe_check, town, make_user
):
    world = build_world(town, make_user)
    project = world["project"]
    login(page, world["users"]["owner"].username)
    page.goto(f"{live_server.url}/steuerung/projekte/{project.pk}/")
    page.get_by_role("link", name="Projekt bearbeiten").click()
    expect(page.get_by_role("heading", name="Projekt bearbeiten")).to_be_visible()
    axe_check(page)
    page.get_by_label("Ende").fill("2029-01-01")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Das Ende liegt vor dem Beginn.").first).to_be_visible()
    axe_check(page)
    page.get_by_label("Ende").fill("2033-06-30")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Das Projekt ist gespeichert.")).to_be_visible()

    page.get_by_role("link", name="Meilenstein hinzufügen").click()
    expect(page.get_by_role("heading", name="Neuer Meilenstein")).to_be_visible()
    axe_check(page)
    page.get_by_label("Titel").fill("Bürgerinformation")
    page.get_by_label("fällig am").fill("2031-06-15")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("cell", name="15.06.2031")).to_be_visible()

    page.get_by_role("link", name="Budgetposition hinzufügen").click()
    expect(page.get_by_role("heading", name="Neue Budgetposition")).to_be_visible()
    axe_check(page)
    page.get_by_label("Jahr").fill("2031")
    page.get_by_label("Plan (€)").fill("25000")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Budgetposition ist gespeichert.")).to_be_visible()
    wait_for(lambda: project.budget_lines.count() == 2, "the budget line is stored")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_mayor_previews_and_confirms_an_open_sdg_file(
    page, live_server, login, axe_check, town, make_user, tmp_path
):
    world = build_world(town, make_user)
    csv = tmp_path / "indicator_8-5-2.csv"
    csv.write_text(
        "Year,Sex,Units,Value\n2019,,Personen,410\n2019,female,Personen,200\n2020,,,415\n"
    )
    login(page, world["users"]["mayor"].username)
    page.get_by_role("link", name="Kennzahl im Open-SDG-Format importieren").click()
    expect(
        page.get_by_role("heading", name="Kennzahl im Open-SDG-Format importieren")
    ).to_be_visible()
    axe_check(page)
    page.get_by_label("Kennzahl", exact=True).select_option(
        label="Angezeigte Kurzarbeit (Gesamtstadt)"
    )
    page.get_by_label("Datei (CSV im Open-SDG-Format)").set_input_files(str(csv))
    page.get_by_role("button", name="Prüfen").click()
    expect(page.get_by_role("heading", name="Vorschau: Angezeigte Kurzarbeit")).to_be_visible()
    expect(page.get_by_text("2 Werte der Gesamtreihe werden übernommen")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Werte übernehmen").click()
    expect(
        page.get_by_text("Open-SDG-Import abgeschlossen: 2 neue Werte, 0 unverändert.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Angezeigte Kurzarbeit")).to_be_visible()
    axe_check(page)
