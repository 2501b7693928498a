"""Signing in through a real OpenLDAP slapd, one directory subtree per municipality."""

import pytest
from django.core.exceptions import ValidationError

from rathaus.core.models import AuditEntry, Employee, OrgUnit, Role, User
from rathaus.core.signin.models import DirectoryConnection, DirectoryGroupRole
from rathaus.core.signin.tests.conftest import GROUPS_A, GROUPS_M, PASSWORD, PEOPLE_A, PEOPLE_M
from rathaus.core.signin.tests.servers import ROOT_PASSWORD
from rathaus.core.testing import pass_second_factor

LOGIN = "/konto/anmelden/"


@pytest.fixture
def musterstadt_directory(slapd, town):
    connection = DirectoryConnection.objects.create(
        municipality=town,
        login_domain="musterstadt.de",
        server_uri=slapd.uri,
        user_dn_template=f"uid=%(user)s,{PEOPLE_M}",
        group_search_base=GROUPS_M,
    )
    DirectoryGroupRole.objects.create(
        connection=connection, group_dn=f"cn=wahlamt,{GROUPS_M}", role=Role.ELECTION_OFFICER
    )
    DirectoryGroupRole.objects.create(
        connection=connection, group_dn=f"CN=Buergerbuero,{GROUPS_M}", role=Role.CLERK
    )
    return connection


@pytest.fixture
def anderswo_directory(slapd, other_town):
    connection = DirectoryConnection.objects.create(
        municipality=other_town,
        login_domain="anderswo.de",
        server_uri=slapd.uri,
        user_dn_template=f"uid=%(user)s,{PEOPLE_A}",
        group_search_base=GROUPS_A,
    )
    DirectoryGroupRole.objects.create(
        connection=connection,
        group_dn=f"cn=verwaltung,{GROUPS_A}",
        role=Role.MUNICIPALITY_ADMIN,
    )
    return connection


def sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in_user(client):
    return client.get("/").wsgi_request.user


@pytest.mark.django_db
def test_a_directory_member_signs_in_with_the_roles_of_her_groups(client, musterstadt_directory):
    response = sign_in(client, "anna@musterstadt.de")
    assert response.status_code == 302
    user = signed_in_user(client)
    assert user.username == "anna@musterstadt.de"
    assert user.municipality == musterstadt_directory.municipality
    assert user.roles == [Role.CLERK, Role.ELECTION_OFFICER]
    assert (user.first_name, user.last_name) == ("Anna", "Schmidt")
    assert not user.has_usable_password()  # the directory's password is never stored here
    # an election officer: the second factor comes first, even after the directory's password
    assert client.get("/")["Location"].startswith("/konto/zweiter-faktor/einrichten/")
    pass_second_factor(client)
    page = client.get("/")
    assert "Wahlamt" in page.content.decode()  # her roles by their labels on the start page


@pytest.mark.django_db
def test_a_wrong_directory_password_is_refused(client, musterstadt_directory):
    response = sign_in(client, "anna@musterstadt.de", "falsch-falsch-1")
    assert response.status_code == 200
    assert not signed_in_user(client).is_authenticated
    assert not User.objects.filter(username="anna@musterstadt.de").exists()


@pytest.mark.django_db
def test_a_person_taken_out_of_a_group_loses_the_role_at_the_next_sign_in(
    client, slapd, musterstadt_directory
):
    sign_in(client, "anna@musterstadt.de")
    client.logout()
    slapd.modify(
        f"dn: cn=wahlamt,{GROUPS_M}\nchangetype: modify\ndelete: member\n"
        f"member: uid=anna,{PEOPLE_M}\n"
    )
    assert sign_in(client, "anna@musterstadt.de").status_code == 302
    user = User.objects.get(username="anna@musterstadt.de")
    assert user.roles == [Role.CLERK]
    entry = AuditEntry.objects.filter(object_id=str(user.pk)).latest("pk")
    assert entry.changes["roles"] == [
        [Role.CLERK, Role.ELECTION_OFFICER],
        [Role.CLERK],
    ]


@pytest.mark.django_db
def test_out_of_every_mapped_group_the_sign_in_is_refused_and_the_roles_are_gone(
    client, slapd, musterstadt_directory
):
    sign_in(client, "anna@musterstadt.de")
    client.logout()
    for group in ("wahlamt", "buergerbuero"):
        slapd.modify(
            f"dn: cn={group},{GROUPS_M}\nchangetype: modify\ndelete: member\n"
            f"member: uid=anna,{PEOPLE_M}\n"
        )
    assert sign_in(client, "anna@musterstadt.de").status_code == 200
    assert not signed_in_user(client).is_authenticated
    assert User.objects.get(username="anna@musterstadt.de").roles == []


@pytest.mark.django_db
def test_a_directory_person_without_a_mapped_group_gets_no_account(client, musterstadt_directory):
    assert sign_in(client, "bernd@musterstadt.de").status_code == 200
    assert not User.objects.filter(username="bernd@musterstadt.de").exists()


@pytest.mark.django_db
def test_the_same_name_in_another_town_is_another_account_of_that_town(
    client, musterstadt_directory, anderswo_directory, town, other_town
):
    sign_in(client, "anna@musterstadt.de")
    client.logout()
    assert sign_in(client, "anna@anderswo.de").status_code == 302
    theirs = User.objects.get(username="anna@anderswo.de")
    ours = User.objects.get(username="anna@musterstadt.de")
    assert (theirs.municipality, theirs.roles) == (other_town, [Role.MUNICIPALITY_ADMIN])
    assert theirs.last_name == "Anders"
    assert (ours.municipality, ours.roles) == (town, [Role.CLERK, Role.ELECTION_OFFICER])


@pytest.mark.django_db
def test_another_towns_mapping_never_gives_roles_to_our_people(
    client, musterstadt_directory, anderswo_directory, town, other_town
):
    # Anderswo's administrator maps a group of Musterstadt's directory to their admin role.
    DirectoryGroupRole.objects.create(
        connection=anderswo_directory,
        group_dn=f"cn=wahlamt,{GROUPS_M}",
        role=Role.MUNICIPALITY_ADMIN,
    )
    sign_in(client, "anna@musterstadt.de")
    user = signed_in_user(client)
    assert user.municipality == town
    assert Role.MUNICIPALITY_ADMIN not in user.roles
    assert not User.objects.filter(municipality=other_town).exists()


@pytest.mark.django_db
def test_a_directory_never_takes_over_an_account_of_another_municipality(
    client, make_user, musterstadt_directory, other_town
):
    foreign = make_user(Role.PLANNER, municipality=other_town, username="anna@musterstadt.de")
    assert sign_in(client, "anna@musterstadt.de").status_code == 200
    foreign.refresh_from_db()
    assert (foreign.municipality, foreign.roles) == (other_town, [Role.PLANNER])
    assert foreign.last_name != "Schmidt"


@pytest.mark.django_db
def test_a_mapped_org_unit_takes_the_persons_staff_record(client, musterstadt_directory, town):
    office = OrgUnit.objects.create(municipality=town, code="33", name="Bürgerbüro")
    elsewhere = OrgUnit.objects.create(municipality=town, code="10", name="Hauptamt")
    record = Employee.objects.create(
        municipality=town,
        org_unit=elsewhere,
        personnel_number="4711",
        first_name="Anna",
        last_name="Schmidt",
        email="anna.musterstadt@example.org",
    )
    DirectoryGroupRole.objects.filter(role=Role.CLERK).update(org_unit=office)
    sign_in(client, "anna@musterstadt.de")
    record.refresh_from_db()
    assert record.org_unit == office
    assert record.user.username == "anna@musterstadt.de"


@pytest.mark.django_db
def test_an_org_unit_of_another_town_cannot_be_mapped(musterstadt_directory, other_town):
    foreign_unit = OrgUnit.objects.create(municipality=other_town, code="99", name="Fremd")
    mapping = DirectoryGroupRole(
        connection=musterstadt_directory,
        group_dn=f"cn=wahlamt,{GROUPS_M}",
        role=Role.CLERK,
        org_unit=foreign_unit,
    )
    with pytest.raises(ValidationError) as refused:
        mapping.full_clean()
    assert "org_unit" in refused.value.message_dict


@pytest.mark.django_db
def test_a_service_account_search_finds_the_person_as_in_active_directory(client, slapd, town):
    connection = DirectoryConnection.objects.create(
        municipality=town,
        login_domain="musterstadt.de",
        server_uri=slapd.uri,
        bind_dn="cn=admin,dc=rathaus,dc=test",
        bind_password=ROOT_PASSWORD,
        user_search_base=PEOPLE_M,
        user_search_filter="(uid=%(user)s)",
        group_search_base=GROUPS_M,
    )
    DirectoryGroupRole.objects.create(
        connection=connection, group_dn=f"cn=wahlamt,{GROUPS_M}", role=Role.ELECTION_OFFICER
    )
    assert sign_in(client, "anna@musterstadt.de").status_code == 302
    assert signed_in_user(client).roles == [Role.ELECTION_OFFICER]


@pytest.mark.django_db
def test_local_accounts_still_sign_in_with_their_password(client, make_user, town, slapd):
    make_user(Role.PLANNER, municipality=town, username="planer")
    assert sign_in(client, "planer", "test-passwort-123").status_code == 302
    assert signed_in_user(client).username == "planer"
