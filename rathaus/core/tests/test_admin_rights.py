"""The admin grants no roles to oneself, none beyond one's own, and resets no stronger passwords."""

import pytest
from django.urls import reverse

from rathaus.core.models import Employee, Role, User
from rathaus.core.tests.admin_forms import form_data
from rathaus.core.tests.factories import EmployeeFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_admin(make_user, town):
    return make_user(Role.MUNICIPALITY_ADMIN, municipality=town, username="admin_town")


def _post_change(client, user, **changes):
    url = reverse("admin:core_user_change", args=[user.pk])
    page = client.get(url)
    data = form_data(page.content.decode())
    data.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
    return client.post(url, data)


def test_an_admin_cannot_give_itself_the_election_officer_role(client, town_admin):
    client.force_login(town_admin)
    # the probe's payload (a JSON list, as the old text field took it) and the checkbox form
    _post_change(client, town_admin, roles='["municipality_admin", "election_officer"]')
    _post_change(client, town_admin, roles=["municipality_admin", "election_officer"])
    town_admin.refresh_from_db()
    assert town_admin.roles == ["municipality_admin"]


def test_a_municipality_admin_cannot_grant_roles_it_does_not_hold(
    client, town_admin, make_user, town
):
    clerk = make_user(Role.CLERK, municipality=town, username="clerk1")
    client.force_login(town_admin)
    for role in ("election_officer", "region_admin"):
        response = _post_change(client, clerk, roles=["clerk", role])
        assert response.status_code == 200
        assert "dürfen Sie weder vergeben noch entziehen" in response.content.decode()
    response = _post_change(client, clerk, roles=["clerk", "planner"])
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.roles == ["planner", "clerk"]


def test_unknown_role_codes_and_non_lists_are_refused(client, town_admin, make_user, town):
    clerk = make_user(Role.CLERK, municipality=town, username="clerk2")
    client.force_login(town_admin)
    for bad in ("5", "superuser", "region_admin_x"):
        response = _post_change(client, clerk, roles=[bad])
        assert response.status_code == 200
    clerk.refresh_from_db()
    assert clerk.roles == ["clerk"]


def test_role_checks_never_match_substrings():
    user = User(username="x", roles="region_admin_and_more")
    assert not user.has_role(Role.REGION_ADMIN)
    assert not User(username="y", roles=5).has_role(Role.CLERK)


def test_an_admin_cannot_reset_the_password_of_an_election_officer(
    client, town_admin, make_user, town
):
    officer = make_user(Role.ELECTION_OFFICER, municipality=town, username="wahl1")
    client.force_login(town_admin)
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    response = client.post(
        url, {"password1": "Neues-Passwort-987", "password2": "Neues-Passwort-987"}
    )
    assert response.status_code == 403
    officer.refresh_from_db()
    assert not officer.check_password("Neues-Passwort-987")
    # an employee with fewer rights: allowed
    employee = make_user(Role.EMPLOYEE, municipality=town, username="emp1")
    url = reverse("admin:auth_user_password_change", args=[employee.pk])
    response = client.post(
        url,
        {
            "password1": "Neues-Passwort-987",
            "password2": "Neues-Passwort-987",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.check_password("Neues-Passwort-987")


def test_a_municipality_admin_cannot_rehome_its_municipality(client, town, make_user, region):

    other_region = RegionFactory()
    region_admin = make_user(Role.REGION_ADMIN, region=region, username="reg1")
    client.force_login(region_admin)
    url = reverse("admin:core_municipality_change", args=[town.pk])
    data = form_data(client.get(url).content.decode())
    data.update({"region": [str(other_region.pk)], "ags": ["01234567"], "slug": ["neu"]})
    data.update({"name": ["Musterstadt (neu)"]})
    assert client.post(url, data).status_code == 302
    town.refresh_from_db()
    assert (town.region_id, town.slug, town.name) == (
        region.pk,
        "musterstadt-test",
        "Musterstadt (neu)",
    )
    assert town.ags != "01234567"
    town_admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town, username="adm2")
    client.force_login(town_admin)
    assert client.post(url, data).status_code == 403


def test_raw_id_widget_does_not_name_another_municipalitys_employee(
    client, town, other_town, town_admin
):
    foreign = EmployeeFactory(municipality=other_town, last_name="Fremdling", first_name="Franz")
    client.force_login(town_admin)
    response = client.post(
        reverse("admin:presence_absence_add"),
        {
            "employee": str(foreign.pk),
            "start": "2026-01-05",
            "end": "2026-01-06",
            "kind": "vacation",
        },
    )
    assert response.status_code == 200
    assert "Fremdling" not in response.content.decode()
    assert Employee.objects.filter(pk=foreign.pk).exists()
