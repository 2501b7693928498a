"""The demo clerk ``buergerbuero`` serves callers and the counter (issue 11): books for a
caller, finds the appointment by name, moves and cancels it; sees a check-in made at
reception without reloading; calls, calls again, marks done and undoes it; closes a
counter only after the preview. axe-core on every page."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from rathaus.appointments import demo as appointments_demo
from rathaus.appointments.models import Appointment, Counter, DateException, Service
from rathaus.appointments.services import caller as caller_services
from rathaus.appointments.services import counter as counter_services
from rathaus.appointments.tests.helpers import BERLIN
from rathaus.core.demo import DEMO_PASSWORD, load_core
from rathaus.core.models import User
from rathaus.core.testing import shot

TUESDAY_10 = datetime(2027, 3, 2, 10, 0, tzinfo=BERLIN)  # a working day; demo rows from Mar 3


@pytest.fixture
def demo_town():
    with time_machine.travel(TUESDAY_10, tick=True):
        town = load_core()
        appointments_demo.load(town)
        yield town


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clerk_serves_callers_and_the_counter(page, live_server, login, axe_check, demo_town):
    clerk = User.objects.get(username="buergerbuero")
    town_hall = Counter.objects.filter(municipality=demo_town, location__name="Rathaus")[0].location
    base = live_server.url
    login(page, "buergerbuero", DEMO_PASSWORD)

    # --- book for a caller (tomorrow), find by name, move, cancel
    page.goto(f"{base}{reverse('appointments:staff_day')}?standort={town_hall.pk}")
    axe_check(page)
    page.get_by_role("link", name="Termin für Anrufende buchen").click()
    page.get_by_label("Personalausweis beantragen").select_option("1")
    page.get_by_label("Tag", exact=True).fill("2027-03-03")
    page.get_by_role("button", name="Freie Zeiten anzeigen").click()
    expect(page.get_by_role("heading", name=re.compile("2. Uhrzeit"))).to_be_visible()
    axe_check(page)
    shot(page, "caller-book")
    page.locator("input[name='start']").first.check()
    page.get_by_label("Name", exact=True).fill("Hanna Anruferin")
    page.get_by_label("Telefon").fill("0201 55 66")
    page.get_by_role("button", name="Termin buchen").click()
    expect(page.get_by_text("Termin gebucht für Hanna Anruferin")).to_be_visible()
    hanna = Appointment.objects.get(citizen_name="Hanna Anruferin")
    assert hanna.source == "staff" and hanna.status == "confirmed"

    page.get_by_label("Name oder Nummer").fill("anruferin")
    page.get_by_role("button", name="Suchen").click()
    row = page.locator(f"#gefunden-{hanna.pk}")
    expect(row).to_contain_text("Hanna Anruferin")
    axe_check(page)
    shot(page, "caller-find")
    row.get_by_role("link", name=re.compile("^Verschieben")).click()
    page.get_by_label("Tag", exact=True).fill("2027-03-04")
    page.get_by_role("button", name="Freie Zeiten anzeigen").click()
    page.locator("input[name='start']").last.check()
    axe_check(page)
    shot(page, "caller-move")
    page.get_by_role("button", name="Auf diese Uhrzeit verschieben").click()
    expect(page.get_by_text(re.compile("Termin verschoben auf 04.03.2027"))).to_be_visible()
    page.locator(f"#gefunden-{hanna.pk}").get_by_role("link", name=re.compile("^Absagen")).click()
    axe_check(page)
    shot(page, "caller-cancel")
    page.get_by_role("button", name="Ja, Termin absagen").click()
    expect(page.get_by_text("Der Termin wurde abgesagt.")).to_be_visible()
    hanna.refresh_from_db()
    assert hanna.status == "cancelled"

    # --- the day view shows a check-in made at reception, without a reload
    otto = caller_services.appointment_book_for_caller(
        actor=clerk,
        location=town_hall,
        demand={
            Service.objects.get(municipality=demo_town, name="Personalausweis beantragen").pk: 1
        },
        start=datetime(2027, 3, 2, 13, 0, tzinfo=BERLIN),
        name="Otto Heute",
    )
    page.goto(f"{base}{reverse('appointments:staff_day')}?standort={town_hall.pk}")
    row = page.locator(f"#termin-{otto.pk}")
    expect(row).to_contain_text("bestätigt")
    counter_services.appointment_check_in(appointment=otto, actor=clerk)  # at reception
    expect(row).to_contain_text("angemeldet", timeout=90_000)
    expect(page.locator("#day-announce")).to_contain_text("Neu angemeldet: A001")
    axe_check(page)
    shot(page, "day-view")

    # --- call, call again, done, undo
    expect(row.get_by_role("button", name=re.compile("^Erledigt"))).to_have_count(0)
    row.get_by_label("Schalter für A001").select_option(label="Schalter 2")
    row.get_by_role("button", name=re.compile("^Aufrufen")).click()
    expect(page.get_by_text("A001 wurde zu „Schalter 2“ aufgerufen.")).to_be_visible()
    row = page.locator(f"#termin-{otto.pk}")
    row.get_by_role("button", name=re.compile("^Erneut aufrufen")).click()
    expect(page.get_by_text("A001 wurde erneut zu „Schalter 2“ aufgerufen.")).to_be_visible()
    page.locator(f"#termin-{otto.pk}").get_by_role("button", name=re.compile("^Erledigt")).click()
    expect(page.get_by_text("A001: erledigt.")).to_be_visible()
    page.locator(f"#termin-{otto.pk}").get_by_role("button", name=re.compile("^Rückgängig")).click()
    expect(
        page.get_by_text("A001: rückgängig gemacht – jetzt wieder „aufgerufen“.")
    ).to_be_visible()
    axe_check(page)

    # --- close a counter: preview first, then confirm
    page.get_by_role("link", name="Schalter oder Tag schließen").click()
    page.get_by_label("Datum", exact=True).fill("2027-03-03")
    page.locator("#id_counter").select_option(label="Rathaus: Schalter 1")
    page.get_by_role("button", name="Folgen anzeigen").click()
    expect(page.get_by_role("heading", name="Bitte prüfen: Folgen der Schließung")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Gleiche Uhrzeit an einem anderen Schalter"))
    ).to_be_visible()
    axe_check(page)
    shot(page, "closure-preview")
    closed = DateException.objects.filter(location=town_hall, date=date(2027, 3, 3))
    assert not closed.exists()  # nothing closed yet
    page.get_by_role("button", name="Ja, jetzt schließen").click()
    expect(page.get_by_role("heading", name="Schließung am 03.03.2027")).to_be_visible()
    axe_check(page)
