"""A region admin chooses the municipality for imports and planning periods (issue 9, 11)."""

import io

import pytest

from rathaus.core.models import Employee, OrgUnit, Role
from rathaus.core.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

HEADER = "Personalnummer;Vorname;Nachname;Organisationseinheit\n"


@pytest.fixture
def region_admin(make_user, region, town, other_town):
    # other_town ("Anderswo") sorts before town ("Musterstadt"): it was the only target before
    return make_user(Role.REGION_ADMIN, Role.PLANNER, region=region, username="kreis")


def test_the_import_goes_into_the_chosen_municipality(client, region_admin, town, other_town):
    OrgUnit.objects.create(municipality=town, code="33", name="Bürgerbüro")
    client.force_login(region_admin)
    upload = io.BytesIO((HEADER + "P1;Nora;Neu;33\n").encode())
    upload.name = "p.csv"
    preview = client.post(
        "/stammdaten/import/", {"kind": "employees", "file": upload, "municipality": town.pk}
    )
    assert "Vorschau: 1 Zeile ist fehlerfrei" in preview.content.decode()
    client.post("/stammdaten/import/", {"confirm": "1"})
    assert Employee.objects.get(personnel_number="P1").municipality_id == town.pk


def test_a_foreign_municipality_cannot_be_chosen(client, make_user, town, other_town):

    foreign = MunicipalityFactory(region=RegionFactory())
    planner = make_user(Role.PLANNER, municipality=town)
    client.force_login(planner)
    upload = io.BytesIO((HEADER + "P1;Nora;Neu;33\n").encode())
    upload.name = "p.csv"
    page = client.post(
        "/stammdaten/import/", {"kind": "employees", "file": upload, "municipality": foreign.pk}
    )
    assert page.status_code == 200 and not Employee.objects.exists()
    assert client.get(f"/planung/zeitraeume/neu/?kommune={foreign.pk}").status_code == 404


def test_a_new_planning_period_for_the_chosen_municipality(client, region_admin, town):
    OrgUnit.objects.create(municipality=town, code="33", name="Bürgerbüro")
    client.force_login(region_admin)
    page = client.get(f"/planung/zeitraeume/neu/?kommune={town.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="kommune"' in html and "33 Bürgerbüro" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_choosers_pass_axe(
    page, live_server, login, axe_check, region, town, other_town, make_user
):
    make_user(Role.REGION_ADMIN, Role.PLANNER, region=region, username="kreis2")
    OrgUnit.objects.create(municipality=town, code="33", name="Bürgerbüro")
    login(page, "kreis2")
    page.goto(f"{live_server.url}/stammdaten/import/")
    assert page.get_by_label("Kommune").count() == 1
    axe_check(page)
    page.screenshot(path="/tmp/issue9-import.png", full_page=True)
    page.goto(f"{live_server.url}/planung/zeitraeume/neu/?kommune={town.pk}")
    page.get_by_role("button", name="Kommune wählen").wait_for()
    axe_check(page)
    page.screenshot(path="/tmp/issue9-period.png", full_page=True)
