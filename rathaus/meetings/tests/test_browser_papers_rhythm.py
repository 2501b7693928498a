"""The new meetings pages in the browser, each with an axe check: council papers (create with
an error at the field, consultation refused for a missed deadline, result), the rhythm that
follows the indicators (a person takes the proposal), a proposal from another module, and a
calendar reply uploaded on the personal page.

``RATHAUS_SCREENSHOT_DIR=/tmp/x`` saves a full-page screenshot of every page visited."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from rathaus.core.tests.factories import OrgUnitFactory
from rathaus.meetings import ical
from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.tests.factories import crisis_staff, meeting_at, office_user


def _look(page, axe_check, name: str) -> None:
    page.wait_for_load_state()
    axe_check(page)
    folder = os.environ.get("RATHAUS_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _in_days(n: int):
    return timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0) + timedelta(
        days=n
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_council_papers_from_draft_to_decision(page, live_server, login, axe_check, town):
    council, _ = crisis_staff(town, name="Rat der Stadt", kind="council", public=True)
    too_soon = meeting_at(council, _in_days(7), title="Ratssitzung")
    in_time = meeting_at(council, _in_days(35), title="Ratssitzung")
    office = office_user(town)
    login(page, office.username)
    page.goto(f"{live_server.url}/gremien/vorlagen/")
    _look(page, axe_check, "papers-empty")
    page.get_by_role("link", name="Neue Vorlage").click()
    page.fill("#id_reference", "V/2026/101")
    page.fill("#id_title", "Zeile eins")
    page.fill("#id_origin", "Handlungsfeld\u0007Technologiepark")
    page.fill("#id_date", timezone.localdate().isoformat())
    page.get_by_role("button", name="Vorlage speichern").click()
    _look(page, axe_check, "paper-form-error")
    assert "Steuerzeichen" in page.locator("#id_origin_error").inner_text()
    page.fill("#id_origin", "Handlungsfeld Technologiepark")
    page.fill("#id_title", "Bebauungsplan Technologiepark Nord")
    page.get_by_role("button", name="Vorlage speichern").click()
    page.wait_for_load_state()
    assert "Vorlage V/2026/101 angelegt" in page.content()
    _look(page, axe_check, "paper-detail")

    page.select_option("#id_c-meeting", str(too_soon.pk))
    page.select_option("#id_c-role", "decide")
    page.get_by_role("button", name="In den Beratungsweg").click()
    _look(page, axe_check, "paper-deadline-error")
    assert "Einreichungsfrist" in page.locator("#id_c-meeting_error").inner_text()
    page.select_option("#id_c-meeting", str(in_time.pk))
    page.select_option("#id_c-role", "decide")
    page.get_by_role("button", name="In den Beratungsweg").click()
    page.wait_for_load_state()
    assert "Beratung in den Weg aufgenommen" in page.content()
    page.get_by_label("Ergebnis").fill("einstimmig beschlossen")
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.wait_for_load_state()
    assert "beschlossen" in page.content()
    page.goto(f"{live_server.url}/gremien/vorlagen/")
    _look(page, axe_check, "papers-list")
    assert "V/2026/101" in page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_rhythm_follows_a_red_indicator_and_the_office_decides(
    page, live_server, login, axe_check, town
):
    body, people = crisis_staff(town)
    series = meeting_services.series_create(
        actor=None,
        body=body,
        title="Lagebesprechung",
        rule="FREQ=WEEKLY;BYDAY=MO,WE,FR",
        first_start=_in_days(-14).replace(hour=8),
    )
    apps.get_model("steering", "Indicator").objects.create(
        municipality=town,
        name="Angezeigte Kurzarbeit",
        unit="Personen",
        polarity="down",
        responsible_unit=OrgUnitFactory(municipality=town),
        status="red",
        analysis={"explanation": "+350 % in drei Monaten"},
    )
    office = office_user(town)
    login(page, office.username)
    page.goto(f"{live_server.url}/gremien/{body.pk}/")
    page.get_by_role("link", name="Rhythmus nach Lage").click()
    _look(page, axe_check, "rhythm-untied")
    page.get_by_label("Angezeigte Kurzarbeit (Gesamtstadt)").check()
    page.get_by_role("button", name="Kennzahlen speichern").click()
    _look(page, axe_check, "rhythm-proposal")
    assert "+350 % in drei Monaten" in page.content()
    page.get_by_role("button", name="Übernehmen (ab morgen)").click()
    _look(page, axe_check, "rhythm-accepted")
    assert "Neuer Rhythmus ab morgen übernommen" in page.content()
    series.refresh_from_db()
    assert series.rule == "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"

    # a proposal from another module lands in the backlog with its source
    page.goto(
        f"{live_server.url}/gremien/vorschlag/?titel=Kurzarbeit+steigt&quelle=steering"
        "&link=/steuerung/faelle/1/"
    )
    _look(page, axe_check, "proposal-form")
    page.get_by_label("Gremium").select_option(str(body.pk))
    page.get_by_role("button", name="Vorschlagen").click()
    _look(page, axe_check, "body-with-proposal")
    assert "Vorschlag im Themenspeicher" in page.content()
    assert page.get_by_role("link", name="Steuerungsfall").count() == 1

    # an external member uploads their calendar's reply on the personal page
    external = people["external"][1]
    meeting = series.meetings.filter(start__gt=timezone.now()).order_by("start").first()
    reply = ical.invitation(meeting, external).decode()
    reply = reply.replace("METHOD:REQUEST", "METHOD:REPLY").replace(
        "PARTSTAT=NEEDS-ACTION", "PARTSTAT=DECLINED"
    )
    page.goto(f"{live_server.url}/gremien/p/{external.token}/")
    page.set_input_files(
        "#ics",
        files=[{"name": "antwort.ics", "mimeType": "text/calendar", "buffer": reply.encode()}],
    )
    page.get_by_role("button", name="Antwort übernehmen").click()
    _look(page, axe_check, "personal-reply")
    assert "Ihre Antwort aus dem Kalender ist gespeichert: abgesagt" in page.content()
