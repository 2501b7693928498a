"""Programmes across action fields: the tree, the project page, the cockpit's drill-down, the
API, the editing form and the admin."""

from datetime import date

import pytest

from rathaus.core.models import Role
from rathaus.core.problems import DomainError
from rathaus.steering.models import ActionField, Programme, Project, StrategyPlan
from rathaus.steering.services.editing import project_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world, town):
    """“Smart City” spans two action fields: the quarter's land-use plan and a data platform."""
    digital = ActionField.objects.create(
        municipality=town, plan=world["plan"], title="Digitale Stadt", position=1
    )
    smart = Programme.objects.create(
        municipality=town, plan=world["plan"], title="Smart City", description="Förderprogramm"
    )
    platform = Project.objects.create(
        municipality=town,
        action_field=digital,
        title="Urbane Datenplattform",
        owner_unit=world["planning"],
        start=date(2030, 6, 1),
        end=date(2032, 6, 30),
        status="running",
        public=False,
        programme=smart,
    )
    world["project"].programme = smart
    world["project"].save(update_fields=["programme"])
    return {"programme": smart, "digital": digital, "platform": platform}


def test_the_strategy_page_lists_the_programme_with_both_fields(client, world, programme):
    client.force_login(world["users"]["mayor"])
    page = client.get("/steuerung/strategie/").content.decode()
    assert "Programme über Handlungsfelder hinweg" in page
    assert "Smart City</a> – Handlungsfelder: Neues Quartier, Digitale Stadt; 2 Projekte" in page


def test_the_project_page_names_its_programme(client, world, programme):
    client.force_login(world["users"]["mayor"])
    page = client.get(f"/steuerung/projekte/{world['project'].pk}/").content.decode()
    assert f'href="/steuerung/programme/{programme["programme"].pk}/">Smart City</a>' in page


def test_the_cockpit_drills_down_to_the_programme(client, world, programme):
    client.force_login(world["users"]["mayor"])
    cockpit = client.get("/steuerung/").content.decode()
    url = f"/steuerung/programme/{programme['programme'].pk}/"
    assert f'href="{url}">Smart City</a>' in cockpit
    page = client.get(url).content.decode()
    assert "Bebauungsplan Güterbahnhof" in page and "Urbane Datenplattform" in page
    assert "Neues Quartier" in page and "Digitale Stadt" in page


def test_council_members_see_only_the_public_projects_of_a_programme(client, world, programme):
    client.force_login(world["users"]["council"])
    page = client.get(f"/steuerung/programme/{programme['programme'].pk}/").content.decode()
    assert "Bebauungsplan Güterbahnhof" in page and "Urbane Datenplattform" not in page
    programme["programme"].public = False
    programme["programme"].save()
    assert client.get(f"/steuerung/programme/{programme['programme'].pk}/").status_code == 404


def test_another_municipality_gets_404_for_the_programme(
    client, world, programme, make_user, other_town
):
    other = make_user(Role.LEADERSHIP, municipality=other_town)
    client.force_login(other)
    assert client.get(f"/steuerung/programme/{programme['programme'].pk}/").status_code == 404


def test_the_api_tree_carries_programmes_and_each_projects_programme(client, world, programme):
    client.force_login(world["users"]["mayor"])
    body = client.get("/api/v1/steering/tree").json()
    (smart,) = body["programmes"]
    assert smart["title"] == "Smart City"
    assert smart["action_field_ids"] == [world["field"].pk, programme["digital"].pk]
    assert set(smart["project_ids"]) == {world["project"].pk, programme["platform"].pk}
    projects = [p for f in body["fields"] for p in f["projects"]]
    assert {p["programme_id"] for p in projects} == {smart["id"]}


def test_a_programme_of_another_strategy_is_refused_at_the_field(world, programme, town):
    old = StrategyPlan.objects.create(
        municipality=town,
        title="Strategie 2025",
        term_start=date(2025, 11, 1),
        term_end=date(2030, 10, 31),
        is_current=False,
    )
    stale = Programme.objects.create(municipality=town, plan=old, title="Alt")
    project = world["project"]
    data = {
        name: getattr(project, name)
        for name in ("title", "kind", "action_field", "owner_unit", "start", "end", "status")
    }
    with pytest.raises(DomainError) as refused:
        project_update(
            actor=world["users"]["mayor"], project=project, data={**data, "programme": stale}
        )
    assert refused.value.errors[0]["field"] == "programme"


def test_the_editing_form_moves_a_project_into_the_programme(client, world, programme):
    client.force_login(world["users"]["mayor"])
    project = world["project"]
    project.programme = None
    project.save()
    form = {
        "title": project.title,
        "kind": "project",
        "action_field": world["field"].pk,
        "programme": programme["programme"].pk,
        "owner_unit": world["planning"].pk,
        "start": "2030-01-01",
        "end": "2032-12-31",
        "status": "running",
        "budget_threshold": "10",
    }
    response = client.post(f"/steuerung/projekte/{project.pk}/bearbeiten/", form)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.programme == programme["programme"]


def test_the_admin_lists_programmes_of_the_own_municipality(client, world, programme, make_user):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=world["plan"].municipality)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    page = client.get("/admin/steering/programme/")
    assert page.status_code == 200 and "Smart City" in page.content.decode()
