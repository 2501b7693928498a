"""JSON API: public results, CSV, staff entry/approval with problem+json errors."""

import json

import pytest
from django.core.cache import cache
from django.utils import translation

from rathaus.core.api.auth import hash_token
from rathaus.core.models import ApiToken
from rathaus.elections.models import Result
from rathaus.elections.services.results import result_enter

from ..conftest import district, enter_and_approve, figures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _token(user) -> str:
    raw = ApiToken.new_secret()
    ApiToken.objects.create(user=user, name="test", token_hash=hash_token(raw))
    return raw


def _put(client, election, d, body, token):
    return client.put(
        f"/api/v1/elections/{election.pk}/districts/{d.pk}/result",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def _approve(client, election, d, token):
    return client.post(
        f"/api/v1/elections/{election.pk}/districts/{d.pk}/approve",
        data="{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_public_list_and_detail(client, election, officer_a, officer_b):
    enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    listing = client.get("/api/v1/elections/").json()
    assert [e["id"] for e in listing] == [election.pk]
    body = client.get(f"/api/v1/elections/{election.pk}").json()
    assert body["totals"]["districts_reported"] == 1 and body["totals"]["districts_total"] == 3
    assert [(c["name"], c["share"], c["share_text"]) for c in body["candidates"]] == [
        ("Anna Alt", "50.00", "50,00 %"),
        ("Bernd Bau", "33.33", "33,33 %"),
        ("Clara Chor", "16.67", "16,67 %"),
    ]
    assert body["candidates"][2]["party"] == "parteilos"
    assert body["decision"]["outcome"] == "incomplete"
    assert body["decision"]["provisional"] == "runoff"  # 50,00 % is not more than half
    by_number = {d["number"]: d for d in body["districts"]}
    assert by_number["0102"]["B"] is None and by_number["0102"]["A"] == 1500
    csv = client.get(f"/api/v1/elections/{election.pk}/csv")
    assert csv.status_code == 200 and csv.content.startswith(b"datum;wahl;ags;")


def test_enter_and_approve_via_api_with_four_eyes(client, election, officer_a, officer_b):
    d = district(election, "0102")
    ta, tb = _token(officer_a), _token(officer_b)
    body = {"B": 803, "B1": 3, "C": 3, "D": 800, "votes": [400, 300, 100]}  # A from the register
    response = _put(client, election, d, body, ta)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "entered"
    own = _approve(client, election, d, ta)
    assert own.status_code == 403
    assert own["Content-Type"] == "application/problem+json"
    assert own.json()["code"] == "four_eyes" and "Vier-Augen-Prinzip" in own.json()["detail"]
    ok = _approve(client, election, d, tb)
    assert ok.status_code == 200 and ok.json()["approved_by"] == officer_b.username
    assert district(election, "0102").result.state == Result.State.APPROVED


def test_api_errors_are_problem_json(client, election, officer_a, officer_b):
    d = district(election, "0101")
    ta = _token(officer_a)
    implausible = _put(
        client, election, d, {"B": 10, "B1": 0, "C": 0, "D": 9, "votes": [5, 5, -1]}, ta
    )
    assert implausible.status_code == 422
    assert implausible["Content-Type"] == "application/problem+json"
    problem = implausible.json()
    assert problem["code"] == "implausible"
    fields = {e["field"] for e in problem["errors"]}
    assert {"D3"} <= fields and any("Wahlbezirk 0101" in e["message"] for e in problem["errors"])

    wrong_type = _put(client, election, d, {"B": "viele"}, ta)
    assert wrong_type.status_code == 422 and wrong_type.json()["code"] == "validation_error"
    unauth = client.put(
        f"/api/v1/elections/{election.pk}/districts/{d.pk}/result",
        data="{}",
        content_type="application/json",
    )
    assert unauth.status_code == 401 and unauth["Content-Type"] == "application/problem+json"
    missing = client.get("/api/v1/elections/987654")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    nothing_pending = _approve(client, election, d, _token(officer_b))
    assert nothing_pending.status_code == 409 and nothing_pending.json()["code"] == "not_pending"

    enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    no_reason = _put(
        client,
        election,
        d,
        {
            "A1": 900,
            "A2": 95,
            "A3": 5,
            "A": 1000,
            "B": 603,
            "B1": 5,
            "C": 3,
            "D": 600,
            "votes": [301, 199, 100],
        },
        ta,
    )
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"


def test_employee_without_role_is_forbidden(client, election, make_user, town):
    user = make_user("employee", municipality=town)
    response = _put(client, election, district(election, "0101"), {}, _token(user))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_errors_speak_english_to_an_english_client(client, election, officer_a):
    # the middleware leaves the request's language active in this thread: restore it after
    with translation.override("de"):
        _english_errors(client, election, officer_a)


def _english_errors(client, election, officer_a):
    d = district(election, "0101")
    result_enter(result=d.result, actor=officer_a, figures=figures([300, 200, 100]))
    own = client.post(
        f"/api/v1/elections/{election.pk}/districts/{d.pk}/approve",
        data="{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {_token(officer_a)}", "Accept-Language": "en"},
    )
    assert own.status_code == 403 and own.json()["code"] == "four_eyes"
    assert own.json()["detail"] == (
        "Polling district 0101 (Altstadt): Four-eyes principle – you entered this report yourself; "
        "another member of the election office must approve it."
    )
    missing = client.get("/api/v1/elections/987654", headers={"Accept-Language": "en"})
    assert missing.json()["detail"] == "This election does not exist or is not published."
