# ruff: noqa: F401, F811  (pytest fixtures imported from counter_fixtures)
"""Staff API: flows, problem+json for every error, permissions and tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rathaus.appointments.models import Appointment, DateException
from rathaus.appointments.tests.counter_fixtures import (
    clerk,
    live_office,
    local_now,
    office_hours,
)
from rathaus.appointments.tests.helpers import make_office
from rathaus.core.api.auth import hash_token
from rathaus.core.models import ApiToken, Role

API = "/api/v1/appointments/staff"
S = Appointment.Status
pytestmark = pytest.mark.django_db


def post(client, path, data=None, **extra):
    return client.post(
        f"{API}{path}",
        data=data if data is not None else {},
        content_type="application/json",
        **extra,
    )


def problem(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["detail"]
    if code:
        assert body["code"] == code
    return body


def test_counter_flow_over_the_api(client, clerk, live_office):
    location, (c1, c2), ausweis, _kfz, paula = live_office
    client.force_login(clerk)
    day = client.get(f"{API}/day", {"location_id": location.pk}).json()
    assert [a["citizen_name"] for a in day["appointments"]] == ["Paula Beispiel"]
    checked = post(client, f"/appointments/{paula.pk}/check-in").json()
    assert checked["status"] == "checked_in" and checked["ticket_number"] == "A001"
    ticket = post(
        client, "/walk-in", {"location_id": location.pk, "services": {str(ausweis.pk): 1}}
    )
    assert ticket.status_code == 201 and ticket.json()["ticket_number"] == "W001"
    queue = client.get(f"{API}/queue", {"location_id": location.pk}).json()
    assert [e["appointment"]["ticket_number"] for e in queue] == ["A001", "W001"]
    called = post(client, "/call-next", {"counter_id": c2.pk}).json()
    assert called["ticket_number"] == "A001" and called["called_counter"] == "Schalter 2"
    body = problem(post(client, f"/appointments/{paula.pk}/call", {"counter_id": c1.pk}), 409)
    assert body["code"] == "already_called" and "bereits" in body["detail"]
    assert post(client, f"/appointments/{paula.pk}/served").json()["status"] == "served"
    nxt = post(client, "/call-next", {"counter_id": c1.pk}).json()
    assert nxt["ticket_number"] == "W001"
    assert post(client, f"/appointments/{nxt['id']}/no-show").json()["status"] == "no_show"
    problem(post(client, "/call-next", {"counter_id": c1.pk}), 409, "queue_empty")


def test_check_in_by_number_and_errors(client, clerk, live_office):
    location, _c, _a, _k, paula = live_office
    client.force_login(clerk)
    body = problem(post(client, "/check-in", {"location_id": location.pk, "number": "X1"}), 404)
    assert body["code"] == "number_not_found" and "„X1“" in body["detail"]
    ok = post(client, "/check-in", {"location_id": location.pk, "number": str(paula.pk)})
    assert ok.json()["ticket_number"] == "A001"
    problem(post(client, "/check-in", {"location_id": location.pk}), 422, "validation_error")
    problem(post(client, "/check-in", {"location_id": "abc", "number": "1"}), 422)


def test_walk_in_refused_is_problem_json(client, clerk, town):
    location, _c, ausweis, _k = make_office(town, counters=1)
    DateException.objects.create(
        municipality=town, location=location, date=local_now().date(), closed=True
    )
    client.force_login(clerk)
    body = problem(
        post(client, "/walk-in", {"location_id": location.pk, "services": {str(ausweis.pk): 1}}),
        409,
        "no_walk_in_capacity",
    )
    assert "keine Kapazität für eine Wartemarke" in body["detail"]
    problem(post(client, "/walk-in", {"location_id": location.pk, "services": {}}), 400)
    problem(post(client, "/walk-in", {"location_id": location.pk, "services": {"x": 1}}), 400)


def test_closure_over_the_api(client, clerk, town):
    location, (c1, _c2), _a, _k = make_office(town, counters=2)
    client.force_login(clerk)
    future = (local_now() + timedelta(days=120)).date().isoformat()
    created = post(
        client,
        "/closures",
        {"location_id": location.pk, "date": future, "counter_id": c1.pk, "reason": "Umbau"},
    )
    assert created.status_code == 201
    data = created.json()
    assert data["counter"] == "Schalter 1" and data["outcomes"] == []
    assert client.get(f"{API}/closures/{data['id']}").json()["reason"] == "Umbau"
    again = post(
        client, "/closures", {"location_id": location.pk, "date": future, "counter_id": c1.pk}
    )
    assert "bereits geschlossen" in problem(again, 409, "already_closed")["detail"]
    past = (local_now() - timedelta(days=1)).date().isoformat()
    problem(post(client, "/closures", {"location_id": location.pk, "date": past}), 422)


def test_api_needs_login_and_role(client, make_user, town, live_office):
    location, (c1, _c2), _a, _k, paula = live_office
    problem(client.get(f"{API}/day", {"location_id": location.pk}), 401, "not_authenticated")
    client.force_login(make_user(Role.EMPLOYEE, municipality=town))
    problem(client.get(f"{API}/day", {"location_id": location.pk}), 403, "forbidden")
    problem(post(client, f"/appointments/{paula.pk}/check-in"), 403, "forbidden")
    problem(
        client.get(f"{API}/statistics", {"date_from": "2027-03-01", "date_to": "2027-03-01"}),
        403,
    )
    paula.refresh_from_db()
    assert paula.status == S.CONFIRMED


def test_other_municipality_gets_404_problem(client, make_user, other_town, live_office):
    location, (c1, _c2), ausweis, _k, paula = live_office
    client.force_login(make_user(Role.CLERK, Role.LEADERSHIP, municipality=other_town))
    problem(client.get(f"{API}/day", {"location_id": location.pk}), 404, "not_found")
    problem(post(client, f"/appointments/{paula.pk}/check-in"), 404)
    problem(post(client, "/call-next", {"counter_id": c1.pk}), 404)
    problem(
        post(client, "/walk-in", {"location_id": location.pk, "services": {str(ausweis.pk): 1}}),
        404,
    )
    problem(
        post(client, "/closures", {"location_id": location.pk, "date": "2099-01-01"}),
        404,
    )
    paula.refresh_from_db()
    assert paula.status == S.CONFIRMED
    assert not Appointment.objects.filter(source="walk_in").exists()


def test_bearer_token(client, clerk, live_office):
    location, *_ = live_office
    raw = ApiToken.new_secret()
    ApiToken.objects.create(user=clerk, name="Empfangsterminal", token_hash=hash_token(raw))
    response = client.get(
        f"{API}/day", {"location_id": location.pk}, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    assert response.json()["appointments"][0]["citizen_name"] == "Paula Beispiel"
    wrong = client.get(
        f"{API}/day", {"location_id": location.pk}, HTTP_AUTHORIZATION="Bearer falsch"
    )
    problem(wrong, 401)


def test_walk_in_names_are_one_line(client, clerk, town):
    location, _c, ausweis, _k = make_office(town, counters=1)
    client.force_login(clerk)
    body = {"location_id": location.pk, "services": {str(ausweis.pk): 1}, "name": "Max\nMuster"}
    problem(post(client, "/walk-in", body), 422, "invalid_name")


def test_served_needs_the_call_and_call_again_and_undo_over_the_api(client, clerk, live_office):
    """Issue 11: "Erledigt" before the call is refused; call again and undo exist."""
    _location, (c1, _c2), _a, _k, paula = live_office
    client.force_login(clerk)
    post(client, f"/appointments/{paula.pk}/check-in")
    problem(post(client, f"/appointments/{paula.pk}/served"), 409, "not_servable")
    problem(post(client, f"/appointments/{paula.pk}/call-again"), 409, "not_called")
    post(client, f"/appointments/{paula.pk}/call", {"counter_id": c1.pk})
    again = post(client, f"/appointments/{paula.pk}/call-again").json()
    assert again["status"] == "called" and again["called_counter"] == "Schalter 1"
    assert post(client, f"/appointments/{paula.pk}/served").json()["status"] == "served"
    assert post(client, f"/appointments/{paula.pk}/undo").json()["status"] == "called"
    problem(post(client, f"/appointments/{paula.pk}/undo"), 409, "not_undoable")
