"""Start page: the person's name, translated roles, and only cards the user can open (point 18)."""

import pytest
from django.urls import reverse
from django.utils import translation

from rathaus.core.models import Role
from rathaus.core.navigation import entries_for
from rathaus.core.tests.factories import EmployeeFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_the_start_page_greets_the_person_by_the_name_of_their_staff_record(
    client, town, make_user
):
    user = make_user(Role.EMPLOYEE, Role.TEAM_LEAD, municipality=town, username="teamleitung")
    EmployeeFactory(
        org_unit=OrgUnitFactory(municipality=town), first_name="Tina", last_name="Krause", user=user
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Willkommen, Tina Krause" in html
    assert "Willkommen, teamleitung" not in html
    assert "Ihre Rollen: Beschäftigte, Teamleitung" in html


def test_roles_are_shown_by_their_english_labels_in_english(client, town, make_user):
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town, first_name="Ada"))
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "Municipality admin" in html
    assert "municipality_admin" not in html


@pytest.mark.parametrize("role", [r.value for r in Role if r != Role.REGION_ADMIN])
def test_no_card_of_any_role_leads_to_a_403(client, town, make_user, role):
    user = make_user(role, municipality=town)
    client.force_login(user)
    for entry, url in entries_for(user):
        response = client.get(url)
        assert response.status_code != 403, f"{role}: {entry.title} ({url}) -> 403"


def test_region_admin_cards_open_too(client, region, town, make_user):
    user = make_user(Role.REGION_ADMIN, region=region)
    client.force_login(user)
    for entry, url in entries_for(user):
        assert client.get(url).status_code != 403, f"{entry.title} ({url})"


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.LEADERSHIP])
def test_team_lead_and_mayor_get_no_staff_card(town, make_user, role):
    titles = [str(e.title) for e, _url in entries_for(make_user(role, municipality=town))]
    assert "Beschäftigte" not in titles


def test_the_election_officer_is_not_offered_the_master_data_admin(town, make_user):
    officer = make_user(Role.ELECTION_OFFICER, Role.EMPLOYEE, municipality=town)
    assert reverse("admin:index") not in [url for _e, url in entries_for(officer)]


def test_staff_without_admin_rights_get_the_kern_403_page_instead_of_the_admin_login(
    client, town, make_user
):
    client.force_login(make_user(Role.ELECTION_OFFICER, municipality=town))
    response = client.get("/admin/elections/election/", follow=True)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Kein Zugriff" in html
    assert "kern-kopfzeile" in html
    assert "nicht autorisiert" not in html


def test_visitors_reach_the_admin_through_the_sites_own_login(client):
    response = client.get("/admin/", follow=True)
    final = response.redirect_chain[-1][0]
    assert final.startswith("/konto/anmelden/?next="), final
    assert "/admin/" in final


def test_an_admin_still_opens_the_admin(client, town, make_user):
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    assert client.get("/admin/").status_code == 200


def test_display_name_falls_back_to_the_login_name(town, make_user):
    with translation.override("de"):
        assert make_user(municipality=town, username="ohne").display_name == "ohne"


def test_the_election_officers_page_links_no_admin_they_cannot_open(client, town, make_user):
    client.force_login(make_user(Role.ELECTION_OFFICER, Role.EMPLOYEE, municipality=town))
    html = client.get("/wahlen/").content.decode()
    assert "/admin/" not in html
    # the election office sets up its elections in its own forms, not in the admin
    assert 'href="/wahlen/neu/"' in html
