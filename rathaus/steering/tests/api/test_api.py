"""Steering API: tree, project reports, indicator series and values, cases; problem+json."""

import json

import pytest

from rathaus.core.models import Role
from rathaus.steering.models import IndicatorValue
from rathaus.steering.services.indicators import indicator_analyse
from rathaus.steering.tests.conftest import NOW

pytestmark = pytest.mark.django_db
BASE = "/api/v1/steering"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_tree_lists_fields_goals_and_projects_with_lights(client, world):
    client.force_login(world["users"]["mayor"])
    body = client.get(f"{BASE}/tree").json()
    assert body["title"] == "Strategie 2030"
    field = body["fields"][0]
    assert field["goals"][0]["sdgs"] == [11]
    assert field["projects"][0]["title"] == "Bebauungsplan Güterbahnhof"
    assert field["indicator_ids"] == [world["indicator"].pk]


def test_the_owner_reports_through_the_api_and_a_softened_light_is_a_problem(
    client, world, time_machine
):
    time_machine.move_to(NOW)
    client.force_login(world["users"]["owner"])
    url = f"{BASE}/projects/{world['project'].pk}/reports"
    report = {
        "period": "2031-03-01",
        "time": "green",
        "budget": "green",
        "scope": "green",
        "risk": "green",
        "summary": "läuft",
    }
    refused = post(client, url, report)
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "override_needs_reason"
    created = post(client, url, {**report, "time": "amber"})
    assert created.status_code == 201 and created.json()["computed"]["time"] == "amber"
    detail = client.get(f"{BASE}/projects/{world['project'].pk}").json()
    assert len(detail["reports"]) == 1 and len(detail["milestones"]) == 2


def test_a_council_member_cannot_report(client, world):
    client.force_login(world["users"]["council"])
    response = post(client, f"{BASE}/projects/{world['project'].pk}/reports", {})
    assert response.status_code in (403, 422)


def test_series_carries_every_version_and_the_analysis(client, world):
    indicator_analyse(indicator=world["indicator"], now=NOW)
    client.force_login(world["users"]["mayor"])
    month = world["months"][-1].isoformat()
    url = f"{BASE}/indicators/{world['indicator'].pk}/values"
    created = post(client, url, {"ref_date": month, "value": 480, "unit": "Personen"})
    assert created.status_code == 201
    assert created.json()["version"] == 2 and created.json()["confirmed"] is False
    again = post(client, url, {"ref_date": month, "value": 480, "unit": "Personen"})
    assert again.status_code == 200 and again.json() == {"unchanged": True}
    client.force_login(world["users"]["treasurer"])
    confirmed = post(client, f"{url}/{created.json()['id']}/confirm", {})
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    series = client.get(f"{BASE}/indicators/{world['indicator'].pk}/series").json()
    versions = [v for v in series["values"] if v["ref_date"] == month]
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]
    assert series["analysis"]["status"] in ("green", "amber", "red")


def test_an_api_value_counts_only_after_a_second_person_confirms_it(client, world):
    client.force_login(world["users"]["mayor"])
    month = world["months"][-1].isoformat()
    url = f"{BASE}/indicators/{world['indicator'].pk}/values"
    created = post(client, url, {"ref_date": month, "value": 999, "unit": "Personen"}).json()
    series = client.get(f"{BASE}/indicators/{world['indicator'].pk}/series").json()
    assert 999 not in [v["value"] for v in series["values"]]
    own = post(client, f"{url}/{created['id']}/confirm", {})
    assert own.status_code == 400 and own.json()["code"] == "four_eyes"
    assert own["Content-Type"] == "application/problem+json"
    assert not IndicatorValue.objects.get(pk=created["id"]).confirmed
    client.force_login(world["users"]["treasurer"])
    assert post(client, f"{url}/{created['id']}/confirm", {}).status_code == 200
    again = post(client, f"{url}/{created['id']}/confirm", {})
    assert again.status_code == 404 and again.json()["code"] == "not_pending"


def test_a_value_in_another_unit_is_refused(client, world):
    client.force_login(world["users"]["mayor"])
    response = post(
        client,
        f"{BASE}/indicators/{world['indicator'].pk}/values",
        {"ref_date": "2031-02-01", "value": 3, "unit": "Prozent"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unit_mismatch"
    assert not IndicatorValue.objects.filter(value=3).exists()


def test_a_non_numeric_value_is_a_validation_problem(client, world):
    client.force_login(world["users"]["mayor"])
    response = post(
        client,
        f"{BASE}/indicators/{world['indicator'].pk}/values",
        {"ref_date": "2031-02-01", "value": "viele", "unit": "Personen"},
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_another_municipality_sees_nothing(client, world, other_town, make_user):
    client.force_login(make_user(Role.LEADERSHIP, municipality=other_town))
    assert client.get(f"{BASE}/projects/{world['project'].pk}").status_code == 404
    assert client.get(f"{BASE}/indicators/{world['indicator'].pk}/series").status_code == 404
    assert client.get(f"{BASE}/indicators").json() == []
    assert client.get(f"{BASE}/tree").json()["fields"] == []


def test_anonymous_requests_are_refused(client, world):
    assert client.get(f"{BASE}/tree").status_code == 401
