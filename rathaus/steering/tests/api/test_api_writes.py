"""Writing through the API: projects, milestones, budget lines — the editing page's services,
permissions and tenancy, errors as problem+json."""

import json

import pytest

from rathaus.core.models import Role
from rathaus.steering.models import BudgetLine, Milestone, MilestoneRevision, Project
from rathaus.steering.tests.conftest import build_world

pytestmark = pytest.mark.django_db
BASE = "/api/v1/steering"


def send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def project_body(world, **changes):
    return {
        "title": "Mobilstation Güterbahnhof",
        "action_field_id": world["field"].pk,
        "goal_id": world["goal"].pk,
        "owner_unit_id": world["planning"].pk,
        "owner_id": world["users"]["owner"].pk,
        "start": "2031-01-01",
        "end": "2032-06-30",
        "status": "running",
        **changes,
    }


def test_the_leadership_creates_and_updates_a_project(client, world):
    client.force_login(world["users"]["mayor"])
    created = send(client, "post", f"{BASE}/projects", project_body(world))
    assert created.status_code == 201
    body = created.json()
    assert body["title"] == "Mobilstation Güterbahnhof" and body["owner_unit"] == "Stadtplanung"
    changed = send(
        client, "put", f"{BASE}/projects/{body['id']}", project_body(world, status="paused")
    )
    assert changed.status_code == 200 and changed.json()["status"] == "paused"
    assert Project.objects.get(pk=body["id"]).status == "paused"


def test_an_end_before_the_start_is_a_problem_at_the_field(client, world):
    client.force_login(world["users"]["mayor"])
    response = send(client, "post", f"{BASE}/projects", project_body(world, end="2030-01-01"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "end_before_start"
    assert response.json()["errors"][0]["field"] == "end"


def test_a_title_with_a_line_break_is_refused(client, world):
    client.force_login(world["users"]["mayor"])
    response = send(client, "post", f"{BASE}/projects", project_body(world, title="A\nB"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"
    assert not Project.objects.filter(title__startswith="A").exists()


def test_rows_of_another_municipality_are_unknown_references(client, world, other_town, make_user):
    theirs = build_world(other_town, make_user)
    client.force_login(world["users"]["mayor"])
    body = project_body(world, owner_unit_id=theirs["planning"].pk)
    response = send(client, "post", f"{BASE}/projects", body)
    assert response.status_code == 422 and response.json()["code"] == "unknown_reference"
    assert response.json()["errors"][0]["field"] == "owner_unit_id"


def test_a_user_of_another_municipality_gets_404_and_changes_nothing(
    client, world, other_town, make_user
):
    client.force_login(make_user(Role.LEADERSHIP, municipality=other_town))
    project = world["project"]
    url = f"{BASE}/projects/{project.pk}"
    assert send(client, "put", url, project_body(world)).status_code == 404
    milestone = f"{url}/milestones/{world['late'].pk}"
    assert send(client, "put", milestone, {"title": "x", "due": "2031-01-01"}).status_code == 404
    assert client.delete(milestone).status_code == 404
    report = {"period": "2031-02-01", "time": "red", "budget": "red", "scope": "red"}
    report |= {"risk": "red", "summary": "fremd"}
    assert send(client, "post", f"{url}/reports", report).status_code == 404
    values = f"{BASE}/indicators/{world['indicator'].pk}/values"
    body = {"ref_date": "2031-02-01", "value": 1, "unit": "Personen"}
    assert send(client, "post", values, body).status_code == 404
    project.refresh_from_db()
    assert project.title == "Bebauungsplan Güterbahnhof" and not project.reports.exists()
    assert Milestone.objects.filter(pk=world["late"].pk).exists()


def test_a_council_member_may_read_but_not_write(client, world):
    client.force_login(world["users"]["council"])
    url = f"{BASE}/projects/{world['project'].pk}"
    assert client.get(url).status_code == 200
    response = send(client, "put", url, project_body(world))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert send(client, "post", f"{BASE}/projects", project_body(world)).status_code == 403


def test_a_moved_milestone_needs_a_reason_and_is_versioned(client, world):
    client.force_login(world["users"]["owner"])
    url = f"{BASE}/projects/{world['project'].pk}/milestones/{world['late'].pk}"
    body = {"title": "Offenlage", "due": "2031-06-30"}
    refused = send(client, "put", url, body)
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    moved = send(client, "put", url, {**body, "reason": "Gutachten verspätet"})
    assert moved.status_code == 200 and moved.json()["due"] == "2031-06-30"
    revision = MilestoneRevision.objects.get(milestone=world["late"])
    assert revision.reason == "Gutachten verspätet"
    kept = client.delete(url)
    assert kept.status_code == 400 and kept.json()["code"] == "milestone_has_history"


def test_milestones_are_added_and_deleted(client, world):
    client.force_login(world["users"]["owner"])
    url = f"{BASE}/projects/{world['project'].pk}/milestones"
    created = send(client, "post", url, {"title": "Ratsbeschluss", "due": "2031-12-01"})
    assert created.status_code == 201
    assert client.delete(f"{url}/{created.json()['id']}").status_code == 204
    assert not Milestone.objects.filter(title="Ratsbeschluss").exists()


def test_budget_lines_through_the_api(client, world):
    client.force_login(world["users"]["owner"])
    url = f"{BASE}/projects/{world['project'].pk}/budget-lines"
    line = {"year": 2031, "product": "51.01", "source": "grant", "planned": "50000.00"}
    created = send(client, "post", url, {**line, "grant_deadline": "2031-12-31"})
    assert created.status_code == 201 and created.json()["grant_deadline"] == "2031-12-31"
    line_url = f"{url}/{created.json()['id']}"
    negative = send(client, "put", line_url, {**line, "actual": "-1"})
    assert negative.status_code == 400 and negative.json()["errors"][0]["field"] == "actual"
    outside = send(client, "put", line_url, {**line, "year": 2040})
    assert outside.status_code == 400 and outside.json()["errors"][0]["field"] == "year"
    assert send(client, "put", line_url, {**line, "actual": "1200"}).status_code == 200
    assert BudgetLine.objects.get(pk=created.json()["id"]).actual == 1200
    assert client.delete(line_url).status_code == 204
    detail = client.get(f"{BASE}/projects/{world['project'].pk}").json()
    assert [b["year"] for b in detail["budget_lines"]] == [2031]  # the world's own line


def test_the_openapi_document_lists_the_write_operations(client, world):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "post" in paths[f"{BASE}/projects"]
    assert {"put", "delete"} <= set(
        paths[f"{BASE}/projects/{{project_id}}/milestones/{{milestone_id}}"]
    )
    assert "post" in paths[f"{BASE}/indicators/{{indicator_id}}/values/{{value_id}}/confirm"]
