"""Editing pages: who may edit, German messages at the field, other municipalities' rows."""

import pytest
from django.utils import translation

from rathaus.core.models import Role
from rathaus.steering.models import BudgetLine, Project, StatusReport

pytestmark = pytest.mark.django_db


def _project_post(world, **extra):
    data = {
        "title": "Radweg Nord",
        "kind": "project",
        "action_field": world["field"].pk,
        "goal": "",
        "owner_unit": world["planning"].pk,
        "owner": "",
        "start": "2031-01-01",
        "end": "2031-12-31",
        "status": "planned",
        "budget_threshold": "10",
    }
    data.update(extra)
    return data


def test_the_mayor_creates_a_project_in_the_form(client, world):
    client.force_login(world["users"]["mayor"])
    assert "Neues Projekt anlegen" in client.get("/steuerung/strategie/").content.decode()
    response = client.post("/steuerung/projekte/neu/", _project_post(world))
    project = Project.objects.get(title="Radweg Nord")
    assert (
        response.status_code == 302 and response["Location"] == f"/steuerung/projekte/{project.pk}/"
    )


def test_a_bad_date_order_is_shown_in_german_at_the_field(client, world):
    client.force_login(world["users"]["mayor"])
    response = client.post("/steuerung/projekte/neu/", _project_post(world, end="2030-01-01"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Das Ende liegt vor dem Beginn." in page and 'id="id_end_error"' in page


def test_the_owner_edits_milestones_and_budget_but_a_council_member_may_not(client, world):
    project = world["project"]
    client.force_login(world["users"]["owner"])
    page = client.get(f"/steuerung/projekte/{project.pk}/").content.decode()
    assert "Projekt bearbeiten" in page and "Meilenstein hinzufügen" in page
    response = client.post(
        f"/steuerung/projekte/{project.pk}/meilensteine/neu/",
        {"title": "Bürgerinfo", "due": "2031-06-01"},
    )
    assert response.status_code == 302 and project.milestones.filter(title="Bürgerinfo").exists()
    late = world["late"]
    response = client.post(
        f"/steuerung/projekte/{project.pk}/meilensteine/{late.pk}/",
        {"title": late.title, "due": "2031-07-01", "reason": ""},
    )
    assert response.status_code == 400
    assert "Eine neue Fälligkeit braucht eine Begründung." in response.content.decode()
    response = client.post(
        f"/steuerung/projekte/{project.pk}/budget/neu/",
        {"year": "2031", "source": "own", "planned": "1000", "product": "51.10"},
    )
    assert response.status_code == 302 and BudgetLine.objects.filter(product="51.10").exists()
    client.force_login(world["users"]["council"])
    assert client.get(f"/steuerung/projekte/{project.pk}/bearbeiten/").status_code == 403
    assert client.get("/steuerung/projekte/neu/").status_code == 403


def test_another_municipalitys_project_does_not_exist_for_the_editor(
    client, world, other_town, make_user
):
    client.force_login(make_user(Role.LEADERSHIP, municipality=other_town))
    project = world["project"]
    assert client.get(f"/steuerung/projekte/{project.pk}/bearbeiten/").status_code == 404
    line = BudgetLine.objects.get(project=project)
    assert client.get(f"/steuerung/projekte/{project.pk}/budget/{line.pk}/").status_code == 404


def test_the_schedule_light_is_not_called_appointments_in_english():
    label = StatusReport._meta.get_field("time").verbose_name
    with translation.override("de"):
        assert str(label) == "Termine"
    with translation.override("en"):
        assert str(label) == "Schedule"
