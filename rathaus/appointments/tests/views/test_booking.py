"""Citizen pages with the Django test client: the whole booking flow without a browser."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.services import booking
from rathaus.appointments.tests.helpers import altcha_payload, make_office

pytestmark = pytest.mark.django_db(transaction=True)


def first_slot(location, demand):
    slot = availability.earliest(location, demand, timezone.now())
    assert slot is not None
    return slot


def test_booking_flow_with_double_opt_in(client, town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    start = client.get(reverse("appointments:start"))
    assert location.name in start.content.decode()
    page = client.get(reverse("appointments:location", args=[location.id]))
    assert "Leistungen wählen" in page.content.decode()
    response = client.get(
        reverse("appointments:location", args=[location.id]), {f"leistung_{ausweis.id}": "2"}
    )
    assert response.status_code == 302
    calendar = client.get(response["Location"])
    html = calendar.content.decode()
    assert "Freie Termine im" in html and "Frühester Termin an allen Standorten" in html
    slot = first_slot(location, {ausweis.id: 2})
    day_url = reverse(
        "appointments:day",
        args=[location.id, slot.start.astimezone(catalogue.local_tz(location)).date().isoformat()],
    )
    day = client.get(day_url, {f"leistung_{ausweis.id}": "2"})
    assert slot.start.isoformat() in day.content.decode()
    held = client.post(
        reverse("appointments:hold", args=[location.id]),
        {
            "start": slot.start.isoformat(),
            f"leistung_{ausweis.id}": "2",
            "altcha": altcha_payload(),
        },
    )
    assert held["Location"] == reverse("appointments:details")
    details = client.get(held["Location"])
    text = details.content.decode()
    assert "für Sie reserviert" in text and "JavaScript" in text
    # missing consent and no proof of work: German messages at the fields
    bad = client.post(held["Location"], {"name": "", "email": "kaputt"})
    text = bad.content.decode()
    assert "Bitte geben Sie Ihren Namen an." in text
    assert "gültige E-Mail-Adresse" in text
    assert "Bitte stimmen Sie der Verarbeitung" in text
    no_pow = client.post(
        held["Location"], {"name": "Erika", "email": "erika@example.org", "consent": "on"}
    )
    assert "Sicherheitsprüfung fehlt" in no_pow.content.decode()
    done = client.post(
        held["Location"],
        {
            "name": "Erika Mustermann",
            "email": "erika@example.org",
            "consent": "on",
            "altcha": altcha_payload(),
        },
    )
    assert done["Location"] == reverse("appointments:sent")
    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.PENDING
    assert appointment.end - appointment.start == slot.end - slot.start
    link = re.search(r"http://testserver(/termine/t/[^/]+/bestaetigen/)", mail.outbox[0].body)
    confirm_page = client.get(link.group(1))
    assert "Termin jetzt bestätigen" in confirm_page.content.decode()
    confirmed = client.post(link.group(1))
    personal_url = confirmed["Location"]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    personal = client.get(personal_url).content.decode()
    assert "bestätigt" in personal and "Erika" not in personal  # no personal data on the page
    assert mail.outbox[1].attachments[0][0] == "termin.ics"
    cancelled = client.post(reverse("appointments:cancel", args=[personal_url.split("/")[-2]]))
    assert cancelled.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_reschedule_via_personal_link(client, town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    slots = availability.slots_on(
        location,
        {ausweis.id: 1},
        availability.next_days(location, {ausweis.id: 1}, 1)[0],
    )
    hold, token = booking.appointment_hold(
        location=location, demand={ausweis.id: 1}, start=slots[0].start
    )
    appointment, token = booking.appointment_book(
        hold_token=token, name="Max", email="max@example.org"
    )
    booking.appointment_confirm(token=token)
    target = slots[-1].start
    day = target.astimezone(catalogue.local_tz(location)).date().isoformat()
    page = client.get(reverse("appointments:reschedule", args=[token]))
    assert "Termin verschieben" in page.content.decode()
    response = client.post(
        reverse("appointments:reschedule_day", args=[token, day]), {"start": target.isoformat()}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == target
    assert mail.outbox[-1].subject == "Ihr Termin wurde verschoben"


def test_ip_limit_answers_429_in_german(client, town):
    location, counters, ausweis, kfz = make_office(town, counters=3, max_requests_per_ip_hour=2)
    slot = first_slot(location, {ausweis.id: 1})
    data = {"start": slot.start.isoformat(), f"leistung_{ausweis.id}": "1"}
    url = reverse("appointments:hold", args=[location.id])
    assert client.post(url, {**data, "altcha": altcha_payload()}).status_code == 302
    assert client.post(url, {**data, "altcha": altcha_payload()}).status_code == 302
    third = client.post(url, {**data, "altcha": altcha_payload()})
    assert third.status_code == 429
    assert "Zu viele Anfragen" in third.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/termine/standort/999999/",
        "/termine/standort/1/tag/kein-datum/",
        "/termine/t/unbekannt/",
        "/termine/t/unbekannt/bestaetigen/",
        "/termine/e/unbekannt/kommen/",
        "/termine/terminagent/unbekannt/",
        "/termine/angebot/unbekannt/",
        "/termine/terminagent/neu/999999/",
    ],
)
def test_bad_links_are_404_not_500(client, town, path):
    make_office(town)
    assert client.get(path).status_code == 404


def test_garbage_input_never_500(client, town):
    location, counters, ausweis, kfz = make_office(town)
    url = reverse("appointments:hold", args=[location.id])
    for data in (
        {},
        {"start": "gestern"},
        {"start": "2027-01-01T10:00", f"leistung_{ausweis.id}": "x"},
        {"start": "2027-01-01T10:00", "leistung_99999999999999999999": "1"},
    ):
        assert client.post(url, data).status_code in (302, 429)
    cal = reverse("appointments:calendar", args=[location.id])
    assert client.get(cal, {f"leistung_{ausweis.id}": "1", "monat": "2027-13"}).status_code == 200
    assert client.get(reverse("appointments:details")).status_code == 302


def test_a_hold_without_proof_of_work_takes_no_slot(client, town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    slot = first_slot(location, {ausweis.id: 1})
    data = {"start": slot.start.isoformat(), f"leistung_{ausweis.id}": "1"}
    refused = client.post(reverse("appointments:hold", args=[location.id]), data, follow=True)
    assert "Sicherheitsprüfung fehlt" in refused.content.decode()
    assert not Appointment.objects.filter(status=Appointment.Status.HELD).exists()
