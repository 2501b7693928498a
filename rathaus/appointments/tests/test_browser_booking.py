"""Browser: a citizen books (solving ALTCHA in the page), confirms from the e-mail and
reschedules via the personal link. axe-core runs on every page visited."""

import re
from datetime import datetime

import pytest
from django.core import mail

from rathaus.appointments.models import Appointment
from rathaus.appointments.tests.helpers import make_office


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_books_confirms_and_reschedules(page, live_server, axe_check, town, settings):
    settings.SITE_URL = live_server.url
    location, counters, ausweis, kfz = make_office(town, counters=2)

    page.goto(f"{live_server.url}/termine/")
    axe_check(page)
    page.get_by_role("link", name=location.name).click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_label(ausweis.name).select_option("2")
    page.get_by_role("button", name="Weiter zu freien Terminen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Termin wählen").is_visible()
    axe_check(page)

    page.locator("h2:has-text('Die nächsten Tage') + ul a").first.click()
    page.wait_for_load_state()
    axe_check(page)
    first_time = page.locator("input[name=start]").first
    first_time.check()
    chosen = first_time.get_attribute("value")
    page.get_by_role("button", name="Uhrzeit reservieren").click()
    page.wait_for_load_state()
    assert page.get_by_text("für Sie reserviert").is_visible()
    axe_check(page)

    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_text("Sicherheitsprüfung abgeschlossen.").wait_for(timeout=120_000)
    page.get_by_role("button", name="Termin verbindlich anfragen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Bitte bestätigen Sie per E-Mail").is_visible()
    axe_check(page)

    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.PENDING
    assert appointment.start == datetime.fromisoformat(chosen)
    link = re.search(r"(http://\S+/termine/t/\S+/bestaetigen/)", mail.outbox[0].body).group(1)
    page.goto(link)
    axe_check(page)
    page.get_by_role("button", name="Termin jetzt bestätigen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Ihr Termin ist bestätigt").is_visible()
    axe_check(page)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert mail.outbox[-1].attachments[0][0] == "termin.ics"
    old_start = appointment.start

    page.get_by_role("link", name="Termin verschieben").click()
    page.wait_for_load_state()
    axe_check(page)
    page.locator("h2:has-text('Die nächsten Tage') + ul a").last.click()
    page.wait_for_load_state()
    axe_check(page)
    page.locator("input[name=start]").last.check()
    page.get_by_role("button", name="Auf diese Uhrzeit verschieben").click()
    page.wait_for_load_state()
    assert page.get_by_text("Ihr Termin wurde verschoben").is_visible()
    axe_check(page)
    appointment.refresh_from_db()
    assert appointment.start != old_start
    assert appointment.status == Appointment.Status.CONFIRMED
    assert mail.outbox[-1].subject == "Ihr Termin wurde verschoben"
