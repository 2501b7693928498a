"""Public API: booking with ALTCHA, problem+json errors in German, personal-token actions."""

import re

import pytest
from django.core import mail
from django.utils import timezone, translation

from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import availability
from rathaus.appointments.tests.helpers import altcha_payload, forged_altcha_payload, make_office

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/v1/appointments"


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    assert body["detail"] and body["status"] == status
    return body


@pytest.fixture
def office(town):
    return make_office(town, counters=2)


def test_catalogue_and_availability(client, office, town):
    location, counters, ausweis, kfz = office
    locations = client.get(f"{API}/locations").json()
    assert [loc["id"] for loc in locations] == [location.id]
    services = client.get(f"{API}/services", {"location_id": location.id}).json()
    assert {s["name"] for s in services} == {ausweis.name, kfz.name}
    days = client.get(
        f"{API}/availability/days", {"location_id": location.id, "services": f"{ausweis.id}:2"}
    ).json()["days"]
    assert days
    slots = client.get(
        f"{API}/availability/slots",
        {"location_id": location.id, "services": f"{ausweis.id}:2", "date": days[0]},
    ).json()["slots"]
    assert slots and slots[0]["capacity"] == 2
    month = days[0][:7].split("-")
    cal = client.get(
        f"{API}/availability/month",
        {
            "location_id": location.id,
            "services": f"{kfz.id}:1",
            "year": month[0],
            "month": month[1],
        },
    ).json()
    assert any(d["free_slots"] for d in cal["days"])
    earliest = client.get(
        f"{API}/availability/earliest", {"municipality_id": town.id, "services": f"{ausweis.id}:1"}
    ).json()
    assert earliest["location_id"] == location.id


def test_booking_needs_altcha_and_confirms_by_token(client, office):
    location, counters, ausweis, kfz = office
    slot = availability.earliest(location, {ausweis.id: 1}, timezone.now())
    body = {
        "location_id": location.id,
        "start": slot.start.isoformat(),
        "services": [{"service_id": ausweis.id, "count": 1}],
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "privacy_consent": True,
    }
    problem(
        client.post(f"{API}/bookings", body, content_type="application/json"), 400, "altcha_missing"
    )
    problem(
        client.post(
            f"{API}/bookings",
            {**body, "altcha": forged_altcha_payload()},
            content_type="application/json",
        ),
        400,
        "altcha_invalid",
    )
    payload = altcha_payload()
    ok = client.post(
        f"{API}/bookings", {**body, "altcha": payload}, content_type="application/json"
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["status"] == "pending_confirmation"
    replay = client.post(
        f"{API}/bookings",
        {**body, "altcha": payload, "email": "x@example.org"},
        content_type="application/json",
    )
    problem(replay, 400, "altcha_replayed")
    token = re.search(r"/termine/t/([^/]+)/bestaetigen/", mail.outbox[0].body).group(1)
    confirmed = client.post(f"{API}/confirm", {"token": token}, content_type="application/json")
    assert confirmed.json()["status"] == "confirmed"
    view = client.get(f"{API}/appointments/{token}").json()
    assert view["status"] == "confirmed" and view["services"] == [ausweis.name]
    assert "Erika" not in str(view)
    cancelled = client.post(f"{API}/appointments/{token}/cancel").json()
    assert cancelled["status"] == "cancelled"
    problem(client.post(f"{API}/appointments/{token}/cancel"), 409, "not_cancellable")


def test_hold_then_book_and_conflict(client, office):
    location, counters, ausweis, kfz = office
    slot = availability.earliest(location, {kfz.id: 1}, timezone.now())
    hold_body = {
        "location_id": location.id,
        "start": slot.start.isoformat(),
        "services": [{"service_id": kfz.id, "count": 1}],
    }
    # holds need the proof of work too (issue 9)
    problem(
        client.post(f"{API}/holds", hold_body, content_type="application/json"),
        400,
        "altcha_missing",
    )
    held = client.post(
        f"{API}/holds", {**hold_body, "altcha": altcha_payload()}, content_type="application/json"
    )
    assert held.status_code == 201
    # Kfz only at one counter: the second hold for the same time is a conflict
    taken = problem(
        client.post(
            f"{API}/holds",
            {**hold_body, "altcha": altcha_payload()},
            content_type="application/json",
        ),
        409,
        "slot_taken",
    )
    assert taken["detail"] == "Dieser Termin ist leider gerade vergeben worden."
    booked = client.post(
        f"{API}/bookings",
        {
            "hold_token": held.json()["hold_token"],
            "name": "Max",
            "email": "max@example.org",
            "privacy_consent": True,
            "altcha": altcha_payload(),
        },
        content_type="application/json",
    )
    assert booked.status_code == 201
    assert Appointment.objects.get().status == "pending_confirmation"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("get", "/availability/days?location_id=1&services=abc", None, 422, "invalid_services"),
        ("get", "/availability/days?location_id=99999&services=1:1", None, 404, "unknown_location"),
        (
            "get",
            "/availability/slots?location_id=1&services=1:1&date=kein-datum",
            None,
            422,
            "validation_error",
        ),
        ("post", "/holds", {"location_id": 1}, 422, "validation_error"),
        (
            "post",
            "/holds",
            {
                "location_id": "LOC",
                "start": "2027-01-01T10:00:00+01:00",
                "services": [{"service_id": 1}],
            },
            422,
            "validation_error",
        ),
        (
            "post",
            "/bookings",
            {"name": "A", "email": "a@example.org", "privacy_consent": False},
            422,
            "consent_required",
        ),
        (
            "post",
            "/bookings",
            {"name": "A", "email": "a@example.org", "privacy_consent": True},
            422,
            "missing_slot",
        ),
        (
            "post",
            "/bookings",
            {"hold_token": "weg", "name": "A", "email": "a@example.org", "privacy_consent": True},
            410,
            "hold_expired",
        ),
        ("post", "/confirm", {"token": "unbekannt"}, 404, "not_found"),
        ("get", "/appointments/unbekannt", None, 404, "not_found"),
        ("post", "/offers/unbekannt/accept", None, 404, "not_found"),
    ],
)
def test_bad_input_is_problem_json_in_german(client, office, method, path, body, status, code):
    location, counters, ausweis, kfz = office
    path = path.replace("location_id=1&", f"location_id={location.id}&")
    if method == "get":
        response = client.get(API + path)
    else:
        response = client.post(API + path, body or {}, content_type="application/json")
    body = problem(response, status, code)
    assert any(
        word in body["detail"]
        for word in ("Bitte", "nicht", "ungültig", "abgelaufen", "gibt es", "Leistungen")
    )


def test_wrong_service_for_location_is_422(client, office, other_town):
    location, *_ = office
    _other, _c, foreign, _k = make_office(other_town)
    response = client.get(
        f"{API}/availability/days", {"location_id": location.id, "services": f"{foreign.id}:1"}
    )
    problem(response, 422, "unknown_service")


def test_waiting_list_via_api(client, office, town):
    location, counters, ausweis, kfz = office
    body = {
        "municipality_id": town.id,
        "location_ids": [location.id],
        "services": [{"service_id": ausweis.id, "count": 1}],
        "date_from": "2027-03-01",
        "date_to": "2027-03-31",
        "weekdays": [0, 1, 2, 3, 4],
        "time_from": "08:00",
        "time_to": "12:00",
        "name": "Wanda Warte",
        "email": "warte@example.org",
        "privacy_consent": True,
        "altcha": altcha_payload(),
    }
    created = client.post(f"{API}/waiting-list", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "pending_confirmation"
    token = re.search(r"/termine/terminagent/([^/]+)/", mail.outbox[0].body).group(1)
    assert client.post(f"{API}/waiting-list/{token}/confirm").json()["status"] == "active"
    assert client.delete(f"{API}/waiting-list/{token}").json()["status"] == "cancelled"
    bad = client.post(
        f"{API}/waiting-list",
        {**body, "time_from": "13:00", "altcha": altcha_payload()},
        content_type="application/json",
    )
    problem(bad, 422, "invalid_times")


@pytest.fixture
def german_afterwards():
    # the locale middleware leaves the request's language active in this thread; later tests
    # call services directly and expect German
    with translation.override("de"):
        yield


def test_a_citizen_error_comes_back_in_english_when_the_client_asks_for_it(
    client, office, german_afterwards
):
    location, counters, ausweis, kfz = office
    german = problem(client.get(f"{API}/appointments/no-such-token"), 404, "not_found")
    assert german["detail"] == "Dieser Termin wurde nicht gefunden."
    english = problem(
        client.get(f"{API}/appointments/no-such-token", HTTP_ACCEPT_LANGUAGE="en"),
        404,
        "not_found",
    )
    assert english["detail"] == "This appointment was not found."
    garbage = problem(
        client.get(
            f"{API}/availability/days",
            {"location_id": location.id, "services": "zwei"},
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        422,
        "invalid_services",
    )
    assert garbage["detail"] == (
        "Please give the services as a list “id:count”, e.g. services=12:2,13:1."
    )
