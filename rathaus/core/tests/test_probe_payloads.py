"""The outside probe's payloads (issue 9): each answers a clear 4xx, never a server error."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from rathaus.appointments.forms.booking import BookingForm
from rathaus.appointments.selectors import availability
from rathaus.appointments.services import booking, maintenance
from rathaus.appointments.tests.helpers import NOW, altcha_payload, at, make_office
from rathaus.core.models import Role
from rathaus.core.problems import DomainError

pytestmark = pytest.mark.django_db
API = "/api/v1/appointments"
INJECTED = "Max Muster\n\nWICHTIG: Bitte Gebühr vorab überweisen: http://example.invalid/pay"


@pytest.fixture
def office(town):
    return make_office(town, counters=1)


@pytest.fixture
def staff(make_user, town):
    return make_user(Role.CLERK, Role.PLANNER, Role.EMPLOYEE, Role.LEADERSHIP, municipality=town)


def _status(client, url):
    client.raise_request_exception = False
    return client.get(url).status_code


def test_nul_bytes_in_query_path_and_json_are_400(client, office, town):
    location, counters, ausweis, kfz = office
    assert _status(client, f"{API}/locations?municipality=a%00b") == 400
    response = client.get("/planung/kalender/%00.ics")
    assert response.status_code == 400
    body = {
        "location_id": location.id,
        "start": at(2, 9).isoformat(),
        "services": [{"service_id": ausweis.id, "count": 1}],
        "name": "a\u0000b",
        "email": "a@example.org",
        "privacy_consent": True,
        "altcha": "x",
    }
    booked = client.post(f"{API}/bookings", body, content_type="application/json")
    assert booked.status_code == 400
    assert booked["Content-Type"] == "application/problem+json"
    assert booked.json()["code"] == "nul_character"


@pytest.mark.parametrize("services_param", ["{id}:0", "{id}:-5", "1:0", "99999999999999999999:1"])
def test_earliest_slot_refuses_zero_and_negative_counts(client, office, town, services_param):
    location, counters, ausweis, kfz = office
    param = services_param.format(id=ausweis.id)
    response = client.get(
        f"{API}/availability/earliest", {"municipality_id": town.id, "services": param}
    )
    assert response.status_code == 422
    assert response.json()["code"] in ("invalid_services", "validation_error")


def test_far_future_dates_in_staff_day_and_statistics_are_400(client, office, staff):
    client.force_login(staff)
    assert _status(client, "/termine/schalter/?tag=9999-12-31") == 400
    assert _status(client, "/termine/statistik/?von=9999-12-31&bis=9999-12-31") == 400
    assert _status(client, "/termine/statistik/export.csv?von=9999-12-31&bis=9999-12-31") == 400
    assert _status(client, "/api/v1/presence/my-plan?start=9999-12-31") in (200, 422)


def test_a_name_with_line_breaks_never_reaches_an_official_email(client, office):
    location, counters, ausweis, kfz = office
    slot = availability.earliest(location, {ausweis.id: 1}, timezone.now())
    body = {
        "location_id": location.id,
        "start": slot.start.isoformat(),
        "services": [{"service_id": ausweis.id, "count": 1}],
        "name": INJECTED,
        "email": "erika@example.org",
        "privacy_consent": True,
        "altcha": altcha_payload(),
    }
    response = client.post(f"{API}/bookings", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert not mail.outbox


@pytest.mark.parametrize("name", [INJECTED, "Max\rMuster", "Max\tMuster", "Max\u2028Muster"])
def test_the_booking_service_refuses_control_characters_in_names(office, name):
    location, counters, ausweis, kfz = office
    with pytest.raises(DomainError) as exc:
        booking.appointment_book_direct(
            location=location,
            demand={ausweis.id: 1},
            start=at(2, 9),
            name=name,
            email="erika@example.org",
            now=NOW,
        )
    assert exc.value.status == 422 and exc.value.errors[0]["field"] == "name"


def test_the_booking_form_says_so_at_the_field():

    form = BookingForm(
        data={"name": INJECTED, "email": "e@example.org", "phone": "0251\n1", "consent": "on"}
    )
    form.is_valid()
    assert "Zeilenumbrüche" in " ".join(form.errors["name"])
    assert "Zeilenumbrüche" in " ".join(form.errors["phone"])


def test_service_documents_and_fees_are_plain_text(client, office):
    location, counters, ausweis, kfz = office
    ausweis.documents = '<a href="https://example.invalid">Formular</a><img src=x>'
    ausweis.fee_note = "<b>37 €</b>"
    ausweis.save()
    html = client.get(f"/termine/standort/{location.id}/").content.decode()
    assert "&lt;a href=" in html and "&lt;b&gt;37 €&lt;/b&gt;" in html
    assert '<a href="https://example.invalid">' not in html and "<img src=x>" not in html


def _confirmed(location, ausweis, start, now):
    appointment, token = booking.appointment_book_direct(
        location=location,
        demand={ausweis.id: 1},
        start=start,
        name="Erika Muster",
        email="erika@example.org",
        now=now,
    )
    return appointment, token


def test_a_personal_link_cannot_cancel_or_move_a_past_appointment(office):

    location, counters, ausweis, kfz = office
    appointment, _token = _confirmed(location, ausweis, at(2, 9), NOW)
    three_days_later = appointment.end + timedelta(days=3)
    with pytest.raises(DomainError) as exc:
        booking.appointment_cancel(appointment=appointment, now=three_days_later)
    assert exc.value.status == 409
    with pytest.raises(DomainError):
        booking.appointment_reschedule(
            appointment=appointment, start=at(12, 9), now=three_days_later
        )


def test_a_personal_link_is_gone_after_the_retention(client, office):

    location, counters, ausweis, kfz = office
    appointment, token = _confirmed(location, ausweis, at(2, 9), NOW)
    maintenance.personal_data_purge(now=appointment.end + timedelta(days=400))
    response = client.get(f"{API}/appointments/{token}")
    assert response.status_code == 410 and response.json()["code"] == "link_expired"
    assert client.post(f"{API}/appointments/{token}/cancel").status_code == 410


def test_dates_out_of_range_in_the_apis_are_422(client, office, staff):
    location, counters, ausweis, kfz = office
    client.force_login(staff)
    for url in (
        "/api/v1/appointments/staff/statistics?date_from=0001-01-01&date_to=0001-01-01",
        "/api/v1/appointments/staff/statistics?date_from=9999-12-31&date_to=9999-12-31",
        f"/api/v1/appointments/staff/day?location_id={location.id}&day=9999-12-31",
        f"{API}/availability/slots?location_id={location.id}&services={ausweis.id}:1"
        "&date=9999-12-31",
    ):
        assert _status(client, url) == 422, url
