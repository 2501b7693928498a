"""The sign-in settings in the admin: each town sees its own, secrets are never shown again."""

import pytest

from rathaus.core.models import AuditEntry, Role
from rathaus.core.signin.models import DirectoryConnection, OidcProvider

BASE = "/admin/signin/"
SECRET = "dienstkonto-geheimnis-4711"


def _connection(municipality, domain):
    return DirectoryConnection.objects.create(
        municipality=municipality,
        login_domain=domain,
        server_uri="ldap://ldap.example.org",
        user_dn_template="uid=%(user)s,ou=people,dc=example,dc=org",
        bind_dn="cn=rathaus,dc=example,dc=org",
        bind_password=SECRET,
        group_search_base="ou=groups,dc=example,dc=org",
    )


@pytest.mark.django_db
def test_an_admin_sees_only_the_own_towns_sign_in_settings(client, make_user, town, other_town):
    ours = _connection(town, "musterstadt.de")
    theirs = _connection(other_town, "anderswo.de")
    OidcProvider.objects.create(
        municipality=other_town,
        label="Geheimdienst Anderswo",
        authorization_endpoint="https://id.example.org/auth",
        token_endpoint="https://id.example.org/token",
        userinfo_endpoint="https://id.example.org/me",
        jwks_endpoint="https://id.example.org/jwks",
        client_id="x",
        client_secret=SECRET,
    )
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    listing = client.get(f"{BASE}directoryconnection/").content.decode()
    assert "musterstadt.de" in listing and "anderswo.de" not in listing
    assert "Geheimdienst" not in client.get(f"{BASE}oidcprovider/").content.decode()
    assert client.get(f"{BASE}directoryconnection/{theirs.pk}/change/").status_code in (302, 404)
    page = client.get(f"{BASE}directoryconnection/{ours.pk}/change/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()


@pytest.mark.django_db
def test_groups_map_only_to_roles_the_admin_could_grant(client, make_user, town):
    ours = _connection(town, "musterstadt.de")
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    page = client.get(f"{BASE}directoryconnection/{ours.pk}/change/").content.decode()
    assert 'value="clerk"' in page
    assert 'value="region_admin"' not in page
    assert 'value="election_officer"' not in page  # guarded: only who holds it may give it


@pytest.mark.django_db
def test_saving_keeps_the_secret_and_keeps_it_out_of_the_change_log(client, make_user, town):
    ours = _connection(town, "musterstadt.de")
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    form = {
        "municipality": town.pk,
        "login_domain": "musterstadt.de",
        "server_uri": "ldaps://ldap.example.org",
        "user_dn_template": ours.user_dn_template,
        "bind_dn": ours.bind_dn,
        "bind_password": "",
        "user_search_filter": "(uid=%(user)s)",
        "group_search_base": ours.group_search_base,
        "group_type": "group_of_names",
        "active": "on",
        "group_roles-TOTAL_FORMS": "1",
        "group_roles-INITIAL_FORMS": "0",
        "group_roles-MIN_NUM_FORMS": "0",
        "group_roles-MAX_NUM_FORMS": "1000",
        "group_roles-0-group_dn": "cn=buergerbuero,ou=groups,dc=example,dc=org",
        "group_roles-0-role": "clerk",
    }
    response = client.post(f"{BASE}directoryconnection/{ours.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    ours.refresh_from_db()
    assert ours.server_uri == "ldaps://ldap.example.org"
    assert ours.bind_password == SECRET
    assert ours.group_roles.get().role == Role.CLERK
    entry = AuditEntry.objects.filter(object_type="signin.DirectoryConnection").latest("pk")
    assert "server_uri" in entry.changes
    assert SECRET not in str(entry.changes)
