"""The admin cannot bypass the four-eyes rule: status, figures and districts of a live election."""

import re

import pytest
from django.urls import reverse

from rathaus.core.models import Role
from rathaus.core.problems import Conflict, DomainError
from rathaus.core.tests.admin_forms import form_data
from rathaus.elections import caching
from rathaus.elections.models import District, Election, Result
from rathaus.elections.services.elections import election_set_status

from .conftest import district, enter_and_approve, figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_admin(make_user, town):
    return make_user(Role.MUNICIPALITY_ADMIN, municipality=town, username="admin_town")


def _change(client, election, **changes):
    url = reverse("admin:elections_election_change", args=[election.pk])
    data = form_data(client.get(url).content.decode())
    data.update({k: [v] for k, v in changes.items()})
    return client.post(url, data)


def test_admin_cannot_declare_final_although_a_district_was_never_approved(
    client, election, officer_a, officer_b, town_admin
):
    election_set_status(election=election, status="counting", actor=officer_a)
    client.force_login(town_admin)
    response = _change(client, election, status="final")
    assert response.status_code in (200, 302)
    election.refresh_from_db()
    assert election.status == Election.Status.COUNTING


def test_admin_cannot_set_a_final_result_back_to_counting(
    client, election, officer_a, officer_b, town_admin
):
    for number, fig in (
        ("0101", figures([300, 200, 100])),
        ("0102", figures([300, 200, 100], a=(1400, 100, 0, 1500))),
        ("B01", figures([10, 20, 30], postal=True)),
    ):
        enter_and_approve(election, number, fig, officer_a, officer_b, stage="final")
    election_set_status(election=election, status="final", actor=officer_a)
    client.force_login(town_admin)
    _change(client, election, status="counting", title="Umbenannt")
    election.refresh_from_db()
    assert election.status == Election.Status.FINAL
    assert election.title == "Bürgermeisterwahl 2025"  # a public election is read-only here


def test_admin_cannot_delete_an_approved_district(
    client, election, officer_a, officer_b, town_admin
):
    election_set_status(election=election, status="counting", actor=officer_a)
    d = enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    client.force_login(town_admin)
    url = reverse("admin:elections_district_delete", args=[d.district_id])
    assert client.post(url, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:elections_district_changelist"),
        {"action": "delete_selected", "_selected_action": [d.district_id], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    assert District.objects.filter(pk=d.district_id).exists()
    assert Result.objects.filter(pk=d.pk, state=Result.State.APPROVED).exists()


def test_admin_cannot_add_a_district_to_a_running_election(client, election, officer_a, town_admin):
    election_set_status(election=election, status="counting", actor=officer_a)
    client.force_login(town_admin)
    response = client.post(
        reverse("admin:elections_district_add"),
        {"election": election.pk, "number": "0199", "name": "Neu", "kind": "urne"},
    )
    assert response.status_code == 200  # form error: not a valid choice
    assert not District.objects.filter(election=election, number="0199").exists()


def test_deleting_a_district_in_preparation_refreshes_the_public_cache(
    client, election, town_admin
):
    before = caching.version(election.pk)
    d = district(election, "0102")
    client.force_login(town_admin)
    url = reverse("admin:elections_district_delete", args=[d.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not District.objects.filter(pk=d.pk).exists()
    caching.forget_local()
    assert caching.version(election.pk) != before


def test_status_changes_stay_with_election_officers_in_the_app(client, election, town_admin):
    client.force_login(town_admin)
    response = client.post(reverse("elections:finalize", args=[election.pk]))
    assert response.status_code in (403, 404)
    election.refresh_from_db()
    assert election.status == Election.Status.PREPARATION


def test_the_status_service_refuses_anyone_but_an_election_officer(election, town_admin):

    with pytest.raises(DomainError) as exc:
        election_set_status(election=election, status="counting", actor=town_admin)
    assert exc.value.status == 403
    election.refresh_from_db()
    assert election.status == Election.Status.PREPARATION


def test_a_final_result_cannot_be_reopened_by_the_service(election, officer_a, officer_b):

    for number, fig in (
        ("0101", figures([300, 200, 100])),
        ("0102", figures([300, 200, 100], a=(1400, 100, 0, 1500))),
        ("B01", figures([10, 20, 30], postal=True)),
    ):
        enter_and_approve(election, number, fig, officer_a, officer_b, stage="final")
    election_set_status(election=election, status="final", actor=officer_a)
    with pytest.raises(Conflict):
        election_set_status(election=election, status="counting", actor=officer_a)


def test_district_and_candidate_names_are_one_line_in_the_admin(client, election, town_admin):
    client.force_login(town_admin)
    response = client.post(
        reverse("admin:elections_district_add"),
        {"election": election.pk, "number": "0199", "name": "Neu\r\nWICHTIG", "kind": "urne"},
    )
    assert response.status_code == 200
    assert "Zeilenumbrüche" in response.content.decode()
    assert not District.objects.filter(number="0199").exists()
    url = reverse("admin:elections_election_change", args=[election.pk])
    data = form_data(client.get(url).content.decode())
    data["candidates-0-name"] = ["Anna\nAlt"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert election.candidates.filter(name="Anna Alt").exists()


def test_a_live_elections_municipality_is_shown_read_only_under_its_german_name(
    client, election, officer_a, town_admin
):
    election_set_status(election=election, status="counting", actor=officer_a)
    client.force_login(town_admin)
    url = reverse("admin:elections_election_change", args=[election.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    # read-only: the admin sees the town but cannot move the election to another one
    shown = r'<label>Kommune:</label>\s*<div class="readonly">(<a href="[^"]+">)?Musterstadt<'
    assert re.search(shown, html)
    assert 'name="municipality"' not in html
    assert "Municipality" not in html
