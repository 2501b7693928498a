"""Issue 11, points 13 and 14: every answer of the citizen API matches the OpenAPI document
(success and problem+json), the citizen's appointment has its own schema, and bad requests
are answered in German with what is really wrong."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from jsonschema_rs import Draft202012Validator

from rathaus.appointments.models import Appointment, WaitingListEntry
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.services import booking, waiting_list
from rathaus.appointments.tests.helpers import altcha_payload, fill_day, make_office

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/v1/appointments"


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").json()


@pytest.fixture
def office(town):
    return make_office(town, counters=2)


def conforms(spec, method: str, template: str, response) -> dict:
    """The response's status, media type and body are what the spec says for the operation."""
    operation = spec["paths"][f"/api/v1/appointments{template}"][method]
    documented = operation["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method.upper()} {template}: {status} not documented"
    media = response["Content-Type"].split(";")[0]
    content = documented[status].get("content", {})
    assert media in content, f"{method.upper()} {template} {status}: {media} not documented"
    schema = {**content[media]["schema"], "components": spec["components"]}
    body = response.json()
    errors = [
        f"{'/'.join(str(p) for p in e.instance_path)}: {e.message}"
        for e in Draft202012Validator(schema, validate_formats=True).iter_errors(body)
    ]
    assert not errors, f"{method.upper()} {template} {status}: {errors}"
    return body


def _post(client, path, body=None):
    return client.post(API + path, body or {}, content_type="application/json")


def _first_slot(location, demand):
    slot = availability.earliest(location, demand, timezone.now())
    assert slot is not None
    return slot


def test_citizen_and_staff_appointments_have_their_own_schemas(spec):
    schemas = spec["components"]["schemas"]
    personal = spec["paths"]["/api/v1/appointments/appointments/{token}"]["get"]
    ref = personal["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    citizen = schemas[ref.rsplit("/", 1)[1]]
    assert citizen["properties"]["services"]["type"] == "array"
    assert "number" in citizen["required"] and "citizen_name" not in citizen["properties"]
    holds = spec["paths"]["/api/v1/appointments/holds"]["post"]["responses"]
    assert "slot_not_bookable" in holds["422"]["description"]
    assert "slot_taken" in holds["409"]["description"]
    check_in = spec["paths"]["/api/v1/appointments/staff/check-in"]["post"]
    staff_ref = check_in["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert staff_ref != ref


def test_every_citizen_answer_matches_the_spec(client, spec, office, town):
    location, counters, ausweis, kfz = office
    services = f"{ausweis.id}:1"
    conforms(spec, "get", "/locations", client.get(f"{API}/locations"))
    conforms(spec, "get", "/services", client.get(f"{API}/services?location_id={location.id}"))
    days = conforms(
        spec,
        "get",
        "/availability/days",
        client.get(f"{API}/availability/days?location_id={location.id}&services={services}"),
    )["days"]
    conforms(
        spec,
        "get",
        "/availability/slots",
        client.get(
            f"{API}/availability/slots?location_id={location.id}&services={services}&date={days[0]}"
        ),
    )
    year, month = days[0].split("-")[:2]
    conforms(
        spec,
        "get",
        "/availability/month",
        client.get(
            f"{API}/availability/month?location_id={location.id}&services={services}"
            f"&year={year}&month={month}"
        ),
    )
    conforms(
        spec,
        "get",
        "/availability/earliest",
        client.get(f"{API}/availability/earliest?municipality_id={town.id}&services={services}"),
    )
    conforms(spec, "get", "/altcha-challenge", client.get(f"{API}/altcha-challenge"))

    slot = _first_slot(location, {ausweis.id: 1})
    demand = [{"service_id": ausweis.id, "count": 1}]
    hold = conforms(
        spec,
        "post",
        "/holds",
        _post(
            client,
            "/holds",
            {
                "location_id": location.id,
                "start": slot.start.isoformat(),
                "services": demand,
                "altcha": altcha_payload(),
            },
        ),
    )
    booked = conforms(
        spec,
        "post",
        "/bookings",
        _post(
            client,
            "/bookings",
            {
                "hold_token": hold["hold_token"],
                "name": "Erika Mustermann",
                "email": "erika@example.org",
                "privacy_consent": True,
                "altcha": altcha_payload(),
            },
        ),
    )
    appointment = Appointment.objects.get()
    assert booked["number"] == appointment.pk
    token = re.search(r"/termine/t/([^/\s]+)/bestaetigen/", mail.outbox[-1].body).group(1)
    confirmed = conforms(spec, "post", "/confirm", _post(client, "/confirm", {"token": token}))
    assert confirmed["number"] == appointment.pk
    shown = conforms(
        spec, "get", "/appointments/{token}", client.get(f"{API}/appointments/{token}")
    )
    assert shown["number"] == appointment.pk and shown["services"] == [ausweis.name]
    later = availability.slots_on(location, {ausweis.id: 1}, slot.start.date())[-1]
    moved = conforms(
        spec,
        "post",
        "/appointments/{token}/reschedule",
        _post(client, f"/appointments/{token}/reschedule", {"start": later.start.isoformat()}),
    )
    assert moved["start"] != shown["start"]
    cancelled = conforms(
        spec, "post", "/appointments/{token}/cancel", _post(client, f"/appointments/{token}/cancel")
    )
    assert cancelled["status"] == "cancelled"
    # a second cancel, an unknown token: problems as documented
    conforms(
        spec, "post", "/appointments/{token}/cancel", _post(client, f"/appointments/{token}/cancel")
    )
    conforms(spec, "get", "/appointments/{token}", client.get(f"{API}/appointments/unbekannt"))


def test_waiting_list_and_offer_answers_match_the_spec(client, spec, office, town):
    location, counters, ausweis, kfz = office
    today = timezone.localdate()
    body = {
        "municipality_id": town.id,
        "location_ids": [location.id],
        "services": [{"service_id": ausweis.id, "count": 1}],
        "date_from": today.isoformat(),
        "date_to": (today + timedelta(days=30)).isoformat(),
        "weekdays": [0, 1, 2, 3, 4],
        "time_from": "00:00",
        "time_to": "23:59",
        "name": "Wanda Warte",
        "email": "wanda@example.org",
        "privacy_consent": True,
        "altcha": altcha_payload(),
    }
    conforms(spec, "post", "/waiting-list", _post(client, "/waiting-list", body))
    token = re.search(r"/termine/terminagent/([^/\s]+)/", mail.outbox[-1].body).group(1)
    assert mail.outbox[-1].body.startswith("Guten Tag Wanda Warte,")
    # block every free slot so nothing is offered right away, then free one
    blocker = _first_slot(location, {ausweis.id: 1})
    day = blocker.start.astimezone(catalogue.local_tz(location)).date()
    taken = fill_day(location, ausweis, day, now=timezone.now())
    assert taken
    WaitingListEntry.objects.update(date_to=day, date_from=day)
    conforms(
        spec,
        "post",
        "/waiting-list/{token}/confirm",
        _post(client, f"/waiting-list/{token}/confirm"),
    )
    booking.appointment_cancel(appointment=taken[0], release_delay=False)
    offers = [m for m in mail.outbox if m.subject == "Ein Termin ist frei geworden"]
    assert offers and "Guten Tag Wanda Warte," in offers[-1].body
    offer_token = re.search(r"/termine/angebot/([^/\s]+)/", offers[-1].body).group(1)
    accepted = conforms(
        spec, "post", "/offers/{token}/accept", _post(client, f"/offers/{offer_token}/accept")
    )
    appointment = Appointment.objects.get(pk=accepted["number"])
    assert appointment.citizen_name == "Wanda Warte"  # not "Terminagent"
    conforms(
        spec, "post", "/offers/{token}/decline", _post(client, f"/offers/{offer_token}/decline")
    )
    conforms(spec, "post", "/offers/{token}/accept", _post(client, f"/offers/{offer_token}/accept"))
    conforms(spec, "delete", "/waiting-list/{token}", client.delete(f"{API}/waiting-list/{token}"))


def test_an_unparsable_body_is_german_problem_json(client, spec, office):
    response = client.post(f"{API}/holds", "{kaputt", content_type="application/json")
    body = conforms(spec, "post", "/holds", response)
    assert response.status_code == 400 and body["code"] == "invalid_body"
    assert "kein gültiges JSON" in body["detail"]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("past", "in der Vergangenheit"),
        ("night", "keine Termine"),
        ("off_grid", "Minuten-Takt"),
    ],
)
def test_a_time_that_is_no_slot_is_not_called_taken(client, spec, office, when, expected):
    location, counters, ausweis, kfz = office
    slot = _first_slot(location, {ausweis.id: 1})
    tz = catalogue.local_tz(location)
    start = {
        "past": timezone.now() - timedelta(days=1),
        "night": slot.start.astimezone(tz).replace(hour=23, minute=0),
        "off_grid": slot.start + timedelta(minutes=7),
    }[when]
    response = _post(
        client,
        "/holds",
        {
            "location_id": location.id,
            "start": start.isoformat(),
            "services": [{"service_id": ausweis.id, "count": 1}],
            "altcha": altcha_payload(),
        },
    )
    body = conforms(spec, "post", "/holds", response)
    assert response.status_code == 422 and body["code"] == "slot_not_bookable"
    assert expected in body["detail"] and "vergeben" not in body["detail"]
    assert not Appointment.objects.exists()


def test_waiting_list_refuses_a_period_in_the_past_and_sends_nothing(client, spec, office, town):
    location, counters, ausweis, kfz = office
    today = timezone.localdate()
    body = {
        "municipality_id": town.id,
        "location_ids": [location.id],
        "services": [{"service_id": ausweis.id, "count": 1}],
        "date_from": (today - timedelta(days=20)).isoformat(),
        "date_to": (today - timedelta(days=1)).isoformat(),
        "weekdays": [0, 1, 2, 3, 4],
        "time_from": "08:00",
        "time_to": "12:00",
        "name": "Wanda Warte",
        "email": "wanda@example.org",
        "privacy_consent": True,
        "altcha": altcha_payload(),
    }
    response = _post(client, "/waiting-list", body)
    problem = conforms(spec, "post", "/waiting-list", response)
    assert response.status_code == 422 and problem["code"] == "period_past"
    assert "Vergangenheit" in problem["detail"]
    assert not WaitingListEntry.objects.exists() and not mail.outbox
    # without a name the API refuses too (the name is how mails and the clerk address them)
    nameless = {**body, "date_to": today.isoformat(), "altcha": altcha_payload()}
    del nameless["name"]
    conforms(spec, "post", "/waiting-list", _post(client, "/waiting-list", nameless))
    assert not WaitingListEntry.objects.exists()


def test_waiting_list_service_refuses_a_past_period(office, town):
    location, counters, ausweis, kfz = office
    today = timezone.localdate()
    with pytest.raises(Exception, match="Vergangenheit"):
        waiting_list.waiting_list_entry_create(
            municipality=town,
            locations=[location],
            demand={ausweis.id: 1},
            date_from=today - timedelta(days=9),
            date_to=today - timedelta(days=2),
            weekdays=[0, 1, 2, 3, 4],
            time_from=timezone.datetime(2000, 1, 1, 8).time(),
            time_to=timezone.datetime(2000, 1, 1, 12).time(),
            email="wanda@example.org",
            name="Wanda",
        )
    assert not mail.outbox
