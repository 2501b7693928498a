"""Issue 11 on the citizen pages and e-mails: links that work on any port (8), a Terminagent
form that asks for a name and has defaults (9), the appointment number, .ics download and
"book again" (10), past periods refused (13), English words and dates (22)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from rathaus.appointments import mails
from rathaus.appointments.models import Appointment, WaitingListEntry
from rathaus.appointments.selectors import availability
from rathaus.appointments.services import booking
from rathaus.appointments.tests.helpers import altcha_payload, make_office, waiting

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/v1/appointments"
HOST = "127.0.0.1:8100"  # `make run PORT=8100`


@pytest.fixture
def office(town):
    return make_office(town, counters=2)


def _book_via_api(client, location, service, **extra):
    slot = availability.earliest(location, {service.id: 1}, timezone.now())
    response = client.post(
        f"{API}/bookings",
        {
            "location_id": location.id,
            "start": slot.start.isoformat(),
            "services": [{"service_id": service.id, "count": 1}],
            "name": "Erika Mustermann",
            "email": "erika@example.org",
            "privacy_consent": True,
            "altcha": altcha_payload(),
        },
        content_type="application/json",
        **extra,
    )
    assert response.status_code == 201, response.content
    return Appointment.objects.order_by("-pk").first()


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


# --------------------------------------------------------------------------- point 8


def test_mail_links_use_the_host_the_citizen_used(client, office, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"  # the unconfigured default
    location, counters, ausweis, kfz = office
    _book_via_api(client, location, ausweis, HTTP_HOST=HOST)
    opt_in = mail.outbox[-1].body
    assert _links(opt_in) and all(u.startswith(f"http://{HOST}/") for u in _links(opt_in))
    token = re.search(r"/termine/t/([^/\s]+)/bestaetigen/", opt_in).group(1)
    client.post(f"{API}/confirm", {"token": token}, content_type="application/json", HTTP_HOST=HOST)
    confirmation = mail.outbox[-1]
    assert f"http://{HOST}/termine/t/{token}/" in confirmation.body
    ics = confirmation.attachments[0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert f"http://{HOST}/termine/t/" in ics.replace("\r\n ", "")
    assert "127.0.0.1:8000" not in confirmation.body + ics


def test_a_configured_site_url_wins_and_jobs_without_a_request_use_it(client, office, settings):
    location, counters, ausweis, kfz = office
    settings.SITE_URL = "https://termine.musterstadt.example"
    appointment = _book_via_api(client, location, ausweis, HTTP_HOST=HOST)
    assert "https://termine.musterstadt.example/termine/t/" in mail.outbox[-1].body
    mail.outbox.clear()
    mails.send_appointment_mail("reminder", appointment.pk, "erinnerung")  # e.g. from beat
    assert "https://termine.musterstadt.example/termine/e/erinnerung/" in mail.outbox[-1].body


# --------------------------------------------------------------------------- point 9


def test_waiting_list_form_asks_for_a_name_and_has_defaults(client, office, town):
    location, counters, ausweis, kfz = office
    url = reverse("appointments:waiting_new", args=[town.id])
    html = client.get(url).content.decode()
    today = timezone.localdate()
    assert 'name="name"' in html and "Vor- und Nachname" in html
    assert f'name="date_from" value="{today.isoformat()}"' in html
    assert f'name="date_to" value="{(today + timedelta(weeks=4)).isoformat()}"' in html
    assert 'name="time_from" value="08:00"' in html and 'name="time_to" value="18:00"' in html
    weekdays = re.findall(r'<input[^>]*name="weekdays"[^>]*>', html)
    assert len(weekdays) == 6 and sum("checked" in w for w in weekdays) == 5
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', html)
    assert boxes and all("kern-form-check__checkbox" in b for b in boxes)
    # the only location is preselected
    assert all("checked" in b for b in re.findall(r'<input[^>]*name="locations"[^>]*>', html))

    form = {
        "locations": [location.id],
        f"leistung_{ausweis.id}": "1",
        "date_from": today.isoformat(),
        "date_to": (today + timedelta(days=14)).isoformat(),
        "weekdays": ["0", "1", "2", "3", "4"],
        "time_from": "08:00",
        "time_to": "18:00",
        "email": "wanda@example.org",
        "consent": "on",
        "altcha": altcha_payload(),
    }
    nameless = client.post(url, form).content.decode()
    assert "Bitte geben Sie Ihren Namen an." in nameless
    assert not WaitingListEntry.objects.exists()
    done = client.post(url, {**form, "name": "Wanda Warte", "altcha": altcha_payload()})
    assert "Bitte bestätigen Sie per E-Mail" in done.content.decode()
    assert WaitingListEntry.objects.get().citizen_name == "Wanda Warte"
    assert mail.outbox[-1].body.startswith("Guten Tag Wanda Warte,")


def test_waiting_list_form_refuses_a_period_in_the_past(client, office, town):
    location, counters, ausweis, kfz = office
    today = timezone.localdate()
    response = client.post(
        reverse("appointments:waiting_new", args=[town.id]),
        {
            "locations": [location.id],
            f"leistung_{ausweis.id}": "1",
            "date_from": (today - timedelta(days=10)).isoformat(),
            "date_to": (today - timedelta(days=3)).isoformat(),
            "weekdays": ["0", "1", "2", "3", "4"],
            "time_from": "08:00",
            "time_to": "12:00",
            "name": "Wanda Warte",
            "email": "wanda@example.org",
            "consent": "on",
            "altcha": altcha_payload(),
        },
    )
    assert "Der Zeitraum liegt in der Vergangenheit" in response.content.decode()
    assert not WaitingListEntry.objects.exists() and not mail.outbox


# --------------------------------------------------------------------------- point 10


def test_citizen_sees_the_appointment_number_everywhere(client, office):
    location, counters, ausweis, kfz = office
    appointment = _book_via_api(client, location, ausweis)
    assert f"Ihre Terminnummer: {appointment.pk}" in mail.outbox[-1].body
    token = re.search(r"/termine/t/([^/\s]+)/bestaetigen/", mail.outbox[-1].body).group(1)
    confirm_page = client.get(reverse("appointments:confirm", args=[token])).content.decode()
    assert "Terminnummer" in confirm_page and f">{appointment.pk}<" in confirm_page
    booking.appointment_confirm(token=token)
    assert f"Ihre Terminnummer: {appointment.pk}" in mail.outbox[-1].body
    page = client.get(reverse("appointments:personal", args=[token])).content.decode()
    assert f'data-testid="appointment-number">{appointment.pk}<' in page


def test_sent_page_shows_the_number(client, office):
    location, counters, ausweis, kfz = office
    slot = availability.earliest(location, {ausweis.id: 1}, timezone.now())
    client.post(
        reverse("appointments:hold", args=[location.id]),
        {
            "start": slot.start.isoformat(),
            f"leistung_{ausweis.id}": "1",
            "altcha": altcha_payload(),
        },
    )
    done = client.post(
        reverse("appointments:details"),
        {
            "name": "Erika Mustermann",
            "email": "erika@example.org",
            "consent": "on",
            "altcha": altcha_payload(),
        },
    )
    sent = client.get(done["Location"]).content.decode()
    assert f'data-testid="appointment-number">{Appointment.objects.get().pk}<' in sent


def test_personal_page_offers_ics_and_after_cancelling_book_again(client, office):
    location, counters, ausweis, kfz = office
    appointment = _book_via_api(client, location, ausweis)
    token = re.search(r"/termine/t/([^/\s]+)/bestaetigen/", mail.outbox[-1].body).group(1)
    booking.appointment_confirm(token=token)
    personal = reverse("appointments:personal", args=[token])
    page = client.get(personal).content.decode()
    ics_url = reverse("appointments:personal_ics", args=[token])
    assert ics_url in page
    ics = client.get(ics_url)
    assert ics["Content-Type"].startswith("text/calendar")
    assert 'filename="termin.ics"' in ics["Content-Disposition"]
    body = ics.content.decode()
    assert "BEGIN:VEVENT" in body and f"termin-{appointment.pk}@rathaus" in body
    assert "STATUS:CONFIRMED" in body

    client.post(reverse("appointments:cancel", args=[token]))
    page = client.get(personal).content.decode()
    assert "Dieser Termin ist abgesagt." in page
    assert "Termin verschieben" not in page and "verschieben oder absagen" not in page
    assert reverse("appointments:reschedule", args=[token]) not in page
    again = re.search(r'href="([^"]+)"[^>]*><span class="kern-label">Erneut einen Termin', page)
    assert again, page
    follow = client.get(again.group(1).replace("&amp;", "&"))
    # straight to the calendar with the same services
    assert follow.status_code == 302
    assert follow["Location"].startswith(reverse("appointments:calendar", args=[location.id]))
    assert f"leistung_{ausweis.id}=1" in follow["Location"]


def test_ics_of_an_unknown_or_held_token_is_404(client, office):
    location, counters, ausweis, kfz = office
    assert client.get(reverse("appointments:personal_ics", args=["unbekannt"])).status_code == 404
    slot = availability.earliest(location, {ausweis.id: 1}, timezone.now())
    hold, token = booking.appointment_hold(
        location=location, demand={ausweis.id: 1}, start=slot.start
    )
    assert client.get(reverse("appointments:personal_ics", args=[token])).status_code == 404


# --------------------------------------------------------------------------- point 22


@pytest.fixture
def german_afterwards():
    # the locale middleware leaves the request's language active in this thread; later tests
    # call services directly and expect German
    with translation.override("de"):
        yield


def test_english_pages_say_location_and_use_one_date_format(
    client, office, town, german_afterwards
):
    location, counters, ausweis, kfz = office
    _book_via_api(client, location, ausweis)
    token = re.search(r"/termine/t/([^/\s]+)/bestaetigen/", mail.outbox[-1].body).group(1)
    page = client.get(
        reverse("appointments:personal", args=[token]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert ">Location<" in page and ">Town<" not in page
    assert "Appointment number" in page

    entry, entry_token = waiting(town, location, ausweis, "wanda@example.org", now=timezone.now())
    WaitingListEntry.objects.filter(pk=entry.pk).update(
        date_from=timezone.localdate(), date_to=timezone.localdate() + timedelta(days=3)
    )
    english = client.get(
        reverse("appointments:waiting_manage", args=[entry_token]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    with translation.override("en"):
        expected = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    assert expected in english and " bis " not in english and " Uhr" not in english
