"""Region admin: switcher, header naming what is shown, municipality column, creating a
municipality (point 19)."""

import pytest

from rathaus.core.models import AuditEntry, Municipality, Role
from rathaus.core.tests.factories import EmployeeFactory, OrgUnitFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_admin(make_user, region, town, other_town):
    EmployeeFactory(org_unit=OrgUnitFactory(municipality=town), last_name="Ausmuster")
    EmployeeFactory(org_unit=OrgUnitFactory(municipality=other_town), last_name="Ausanders")
    return make_user(Role.REGION_ADMIN, region=region, username="kreis")


def test_the_header_names_the_region_while_lists_span_its_towns(client, region_admin, region):
    client.force_login(region_admin)
    html = client.get("/stammdaten/beschaeftigte/").content.decode()
    assert f"Rathaus · {region.name} (alle Kommunen)" in html
    assert "Anderswo" in html and "Musterstadt" in html  # the municipality column
    assert "Ausmuster" in html and "Ausanders" in html


def test_switching_narrows_every_list_and_the_header_names_the_town(client, region_admin, town):
    client.force_login(region_admin)
    response = client.post(
        "/stammdaten/kommune-wechseln/",
        {"municipality": town.pk, "next": "/stammdaten/beschaeftigte/"},
    )
    assert response["Location"] == "/stammdaten/beschaeftigte/"
    html = client.get("/stammdaten/beschaeftigte/").content.decode()
    assert "Rathaus · Musterstadt</a>" in html
    assert "Ausmuster" in html and "Ausanders" not in html
    assert "<title>Beschäftigte – Musterstadt</title>" in html
    # back to the whole region
    client.post("/stammdaten/kommune-wechseln/", {"municipality": ""})
    assert "Ausanders" in client.get("/stammdaten/beschaeftigte/").content.decode()


def test_a_town_of_another_region_cannot_be_chosen(client, region_admin, db):
    foreign = Municipality.objects.create(
        region=RegionFactory(),
        name="Fremd",
        slug="fremd",
        ags="09999999",
        federal_state="BY",
    )
    client.force_login(region_admin)
    client.post("/stammdaten/kommune-wechseln/", {"municipality": foreign.pk})
    html = client.get("/stammdaten/beschaeftigte/").content.decode()
    assert "Ausanders" in html and "Ausmuster" in html


def test_only_region_admins_switch(client, make_user, town):
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    assert (
        client.post("/stammdaten/kommune-wechseln/", {"municipality": town.pk}).status_code == 403
    )


def test_the_region_admin_creates_a_municipality_audited(client, region_admin, region):
    client.force_login(region_admin)
    assert client.get("/stammdaten/kommunen/neu/").status_code == 200
    response = client.post(
        "/stammdaten/kommunen/neu/",
        {"name": "Neustadt", "slug": "neustadt", "ags": "05999004", "federal_state": "NW"},
    )
    assert response.status_code == 302
    town = Municipality.objects.get(slug="neustadt")
    assert town.region == region
    entry = AuditEntry.objects.get(object_type="core.Municipality", object_id=str(town.pk))
    assert entry.actor == region_admin and entry.action == "create"
    # the new town is chosen: the header names it
    assert "Rathaus · Neustadt</a>" in client.get("/").content.decode()


def test_bad_municipality_input_is_explained_at_the_field(client, region_admin):
    client.force_login(region_admin)
    response = client.post(
        "/stammdaten/kommunen/neu/",
        {"name": "Neu\nstadt", "slug": "neu", "ags": "123", "federal_state": "NW"},
    )
    assert response.status_code == 200
    assert "Der AGS hat genau 8 Ziffern." in response.content.decode()
    assert not Municipality.objects.filter(slug="neu").exists()


def test_a_municipality_admin_cannot_create_municipalities(client, make_user, town):
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    assert client.get("/stammdaten/kommunen/neu/").status_code == 403
