"""Role administration in the admin: new users belong to the admin's municipality, roles by name."""

import pytest
from django.conf import settings
from django.urls import reverse

from rathaus.core.models import AuditEntry, Role, User
from rathaus.core.tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

PASSWORD = "Neues-Passwort-987"


@pytest.fixture
def town_admin(make_user, town):
    return make_user(Role.MUNICIPALITY_ADMIN, municipality=town, username="admin_town")


def _add_form(client):
    page = client.get(reverse("admin:core_user_add"))
    assert page.status_code == 200
    return page, form_data(page.content.decode())


def _post_add(client, username, **fields):
    _page, data = _add_form(client)
    data.update(
        {
            "username": [username],
            "usable_password": ["true"],
            "password1": [PASSWORD],
            "password2": [PASSWORD],
        }
    )
    data.update({k: v if isinstance(v, list) else [v] for k, v in fields.items()})
    return client.post(reverse("admin:core_user_add"), data)


def test_the_add_form_offers_roles_by_their_names_and_the_admins_municipality(
    client, town_admin, town, other_town
):
    client.force_login(town_admin)
    page, data = _add_form(client)
    html = page.content.decode()
    assert "Sachbearbeitung Bürgerbüro" in html
    assert 'value="clerk"' in html
    assert data["municipality"] == [str(town.pk)]
    assert other_town.name not in html


def test_a_user_created_by_a_municipality_admin_belongs_to_its_municipality(
    client, town_admin, town
):
    client.force_login(town_admin)
    response = _post_add(client, "neu.sachbearbeitung", roles=["clerk", "employee"])
    assert response.status_code == 302
    user = User.objects.get(username="neu.sachbearbeitung")
    assert user.municipality_id == town.pk
    assert user.roles == ["employee", "clerk"]
    assert user.check_password(PASSWORD)
    # the redirect leads to the new user's page, which the admin can open
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert "existiert nicht" not in follow.content.decode()
    listing = client.get(reverse("admin:core_user_changelist")).content.decode()
    assert "neu.sachbearbeitung" in listing
    assert "Beschäftigte, Sachbearbeitung Bürgerbüro" in listing
    assert "[&quot;employee&quot;" not in listing


def test_creating_a_user_is_in_the_change_log_without_the_password(client, town_admin, town):
    client.force_login(town_admin)
    _post_add(client, "neu.planung", roles=["planner"])
    user = User.objects.get(username="neu.planung")
    entry = AuditEntry.objects.get(object_type="core.User", object_id=str(user.pk))
    assert entry.action == "create"
    assert entry.municipality_id == town.pk
    assert entry.changes["roles"] == [None, "planner"]
    assert "password" not in entry.changes


def test_an_unknown_role_code_is_refused_with_a_german_message_at_the_field(
    client, town_admin, make_user, town
):
    clerk = make_user(Role.CLERK, municipality=town, username="clerk9")
    client.force_login(town_admin)
    response = _post_add(client, "neu.unbekannt", roles=["clerk", "root"])
    assert response.status_code == 200
    assert "„root“ ist keine bekannte Rolle" in response.content.decode()
    assert not User.objects.filter(username="neu.unbekannt").exists()

    url = reverse("admin:core_user_change", args=[clerk.pk])
    data = form_data(client.get(url).content.decode())
    data["roles"] = ["clerk", "superuser"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "„superuser“ ist keine bekannte Rolle" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.roles == ["clerk"]


def test_the_unknown_role_message_is_english_in_english(client, town_admin):
    client.force_login(town_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _post_add(client, "new.unknown", roles=["root"])
    assert "is not a known role" in response.content.decode()


def test_a_new_user_cannot_get_guarded_roles_from_a_municipality_admin(client, town_admin):
    client.force_login(town_admin)
    response = _post_add(client, "neu.wahl", roles=["election_officer"])
    assert response.status_code == 200
    assert "dürfen Sie weder vergeben noch entziehen" in response.content.decode()
    assert not User.objects.filter(username="neu.wahl").exists()


def test_the_admin_of_one_town_gives_no_roles_in_another(client, town_admin, make_user, other_town):
    foreign = make_user(Role.EMPLOYEE, municipality=other_town, username="fremd1")
    client.force_login(town_admin)
    # a new user cannot be placed in the other town
    response = _post_add(client, "neu.fremd", municipality=str(other_town.pk), roles=["clerk"])
    assert response.status_code == 200
    assert not User.objects.filter(username="neu.fremd").exists()
    # the other town's user cannot be opened or changed
    url = reverse("admin:core_user_change", args=[foreign.pk])
    assert client.get(url).status_code in (302, 404)
    client.post(url, {"username": "fremd1", "roles": ["clerk", "planner"]})
    foreign.refresh_from_db()
    assert foreign.roles == ["employee"]


def test_a_region_admin_creates_the_user_in_a_municipality_of_the_region(
    client, make_user, region, town, other_town
):
    region_admin = make_user(Role.REGION_ADMIN, region=region, username="reg_users")
    client.force_login(region_admin)
    _page, data = _add_form(client)
    assert data["municipality"] == [str(other_town.pk)]  # the first of the region by name
    response = _post_add(client, "neu.region", municipality=str(town.pk), roles=["clerk"])
    assert response.status_code == 302
    assert User.objects.get(username="neu.region").municipality_id == town.pk
