"""Browser (issue 11, citizen side): a citizen books on a phone and on a desktop, sees the
appointment number, downloads the .ics from the personal page, cancels and is offered
"book again" (not "reschedule"); the Terminagent form asks for a name and has defaults.
axe-core runs on every page visited; screenshots go to $RATHAUS_SCREENSHOTS (if set) for review."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from rathaus.appointments.models import Appointment
from rathaus.appointments.tests.helpers import make_office
from rathaus.core.testing import shot

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_citizen_books_sees_number_downloads_ics_cancels_and_books_again(
    page, live_server, axe_check, town, settings, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    settings.SITE_URL = "http://127.0.0.1:8000"  # not configured, like `make run PORT=…`
    location, counters, ausweis, kfz = make_office(town, counters=2)

    page.goto(f"{live_server.url}/termine/")
    axe_check(page)
    page.get_by_role("link", name=location.name).click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_label(ausweis.name).select_option("1")
    page.get_by_role("button", name="Weiter zu freien Terminen").click()
    page.wait_for_load_state()
    axe_check(page)
    page.locator("h2:has-text('Die nächsten Tage') + ul a").first.click()
    page.wait_for_load_state()
    axe_check(page)
    page.locator("input[name=start]").first.check()
    page.get_by_role("button", name="Uhrzeit reservieren").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_text("Sicherheitsprüfung abgeschlossen.").wait_for(timeout=120_000)
    page.get_by_role("button", name="Termin verbindlich anfragen").click()
    page.wait_for_load_state()
    appointment = Appointment.objects.get()
    number = page.get_by_test_id("appointment-number")
    assert number.inner_text() == str(appointment.pk)
    assert number.is_visible()
    axe_check(page)
    shot(page, f"sent-{viewport}", current_only=True)

    # the link in the e-mail points at the server the citizen used (live_server's port)
    link = re.search(r"(http://\S+/termine/t/\S+/bestaetigen/)", mail.outbox[-1].body).group(1)
    assert link.startswith(live_server.url)
    assert f"Ihre Terminnummer: {appointment.pk}" in mail.outbox[-1].body
    page.goto(link)
    axe_check(page)
    page.get_by_role("button", name="Termin jetzt bestätigen").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("appointment-number").inner_text() == str(appointment.pk)
    axe_check(page)
    shot(page, f"personal-{viewport}", current_only=True)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Kalender übernehmen")).click()
    assert download.value.suggested_filename == "termin.ics"
    ics = Path(download.value.path()).read_text()
    assert "BEGIN:VEVENT" in ics and f"termin-{appointment.pk}@rathaus" in ics

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Termin absagen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Dieser Termin ist abgesagt.").is_visible()
    assert page.get_by_role("link", name="Termin verschieben").count() == 0
    again = page.get_by_role("link", name="Erneut einen Termin buchen")
    assert again.is_visible()
    axe_check(page)
    shot(page, f"cancelled-{viewport}", current_only=True)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    again.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Termin wählen").is_visible()
    axe_check(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_waiting_list_form_asks_for_a_name_with_defaults(
    page, live_server, axe_check, town, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    make_office(town, counters=1)
    page.goto(f"{live_server.url}/termine/terminagent/neu/{town.id}/")
    axe_check(page)
    shot(page, f"waiting-{viewport}", current_only=True)
    today = timezone.localdate()
    assert page.get_by_label("Vor- und Nachname").is_visible()
    assert page.get_by_label("Frühestens am").input_value() == today.isoformat()
    assert (
        page.get_by_label("Spätestens am").input_value() == (today + timedelta(weeks=4)).isoformat()
    )
    assert page.get_by_label("Uhrzeit ab").input_value() == "08:00"
    assert page.get_by_label("Uhrzeit bis").input_value() == "18:00"
    assert page.get_by_label("Montag").is_checked() and page.get_by_label("Freitag").is_checked()
    assert not page.get_by_label("Samstag").is_checked()
    box = page.get_by_label("Montag").bounding_box()
    assert box and box["width"] >= 20 and box["height"] >= 20  # KERN-sized, not tiny
