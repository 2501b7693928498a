"""Setting up, publishing and finalising an election in the pages of the election office."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from rathaus.core.models import Role
from rathaus.core.problems import Conflict
from rathaus.elections import caching
from rathaus.elections.models import District, Election, Result
from rathaus.elections.services.elections import (
    DistrictSpec,
    districts_add,
    election_publish,
    election_set_status,
)
from rathaus.elections.services.results import result_approve, result_enter
from rathaus.elections.services.runoff import runoff_create_from

from ..conftest import district, enter_and_approve, figures, report_all

pytestmark = pytest.mark.django_db

ALL_DISTRICTS = {"0101": [300, 200, 100], "0102": [300, 200, 100], "B01": [10, 20, 30]}


# --- final determination -------------------------------------------------------------------


def test_final_determination_asks_and_names_the_quick_reports(
    client, election, officer_a, officer_b
):
    report_all(election, ALL_DISTRICTS, officer_a, officer_b)  # quick reports only
    client.force_login(officer_a)
    url = reverse("elections:finalize", args=[election.pk])
    page = client.get(url).content.decode()
    assert "Noch vorläufig" in page and "nur als Schnellmeldung: 0101, 0102, B01" in page
    client.post(url, {"confirm": "on"})
    election.refresh_from_db()
    assert election.status == Election.Status.COUNTING
    with pytest.raises(Conflict) as exc:
        election_set_status(election=election, status="final", actor=officer_a)
    assert exc.value.code == "quick_reports"


def test_final_determination_needs_the_confirmation(client, election, officer_a, officer_b):
    report_all(election, ALL_DISTRICTS, officer_a, officer_b, stage="final")
    client.force_login(officer_a)
    url = reverse("elections:finalize", args=[election.pk])
    page = client.get(url).content.decode()
    assert "Noch vorläufig" not in page and 'name="confirm"' in page
    response = client.post(url, {})
    assert response.status_code == 422
    election.refresh_from_db()
    assert election.status == Election.Status.COUNTING
    assert client.post(url, {"confirm": "on"}).status_code == 302
    election.refresh_from_db()
    assert election.status == Election.Status.FINAL


def test_final_report_with_unchanged_figures_needs_no_reason_but_four_eyes(
    election, officer_a, officer_b
):
    result = enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    result_enter(result=result, actor=officer_a, figures=figures([300, 200, 100]), stage="final")
    result.refresh_from_db()
    assert result.state == Result.State.ENTERED and result.stage == Result.Stage.FINAL
    assert not result.corrections.exists()
    result_approve(result=result, actor=officer_b)


# --- setting up ------------------------------------------------------------------------------


def _election_post(**extra):
    data = {
        "kind": "mayor",
        "title": "Bürgermeisterwahl 2020",
        "date": "2020-09-13",
        "quorum_percent": "20",
        "internal_note": "",
        "candidates-TOTAL_FORMS": "8",
        "candidates-INITIAL_FORMS": "0",
        "candidates-MIN_NUM_FORMS": "0",
        "candidates-MAX_NUM_FORMS": "30",
    }
    names = [("Eva Erst", "SPD"), ("Zora Zweit", ""), ("Anton Dritt", "CDU")]
    for i, (name, party) in enumerate(names):
        data[f"candidates-{i}-name"] = name
        data[f"candidates-{i}-party"] = party
    data.update(extra)
    return data


def test_election_office_creates_an_election_with_candidates_in_ballot_order(
    client, town, officer_a
):
    client.force_login(officer_a)
    assert "Neue Wahl anlegen" in client.get(reverse("elections:index")).content.decode()
    response = client.post(reverse("elections:create"), _election_post())
    election = Election.objects.get(title="Bürgermeisterwahl 2020")
    assert response["Location"] == reverse("elections:districts", args=[election.pk])
    assert [(c.position, c.name, c.party) for c in election.candidates.all()] == [
        (1, "Eva Erst", "SPD"),
        (2, "Zora Zweit", ""),
        (3, "Anton Dritt", "CDU"),
    ]
    assert election.status == Election.Status.PREPARATION and election.municipality == town


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {f"candidates-{i}-{f}": "" for i in range(3) for f in ("name", "party")},
            "mindestens einen Bewerber",
        ),
        ({"candidates-1-name": "Eva Erst"}, "schon auf dem Stimmzettel"),
        ({"candidates-0-name": "Eva\nWICHTIG"}, "Zeilenumbrüche"),
        ({"title": ""}, "erforderlich"),
    ],
)
def test_bad_election_form_input_gets_a_german_message_and_saves_nothing(
    client, officer_a, change, message
):
    client.force_login(officer_a)
    response = client.post(reverse("elections:create"), _election_post(**change))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Election.objects.exists()


def test_districts_are_added_by_form_and_imported_from_a_csv(client, election, officer_a):
    client.force_login(officer_a)
    url = reverse("elections:districts", args=[election.pk])
    response = client.post(
        url, {"number": "0103", "name": "Hafen", "kind": "urne", "a1": "800", "a2": "90", "a3": "0"}
    )
    assert response.status_code == 302
    assert district(election, "0103").result.a == 890
    duplicate = client.post(url, {"number": "0103", "name": "Nochmal", "kind": "urne"})
    assert duplicate.status_code == 422 and "schon einen Wahlbezirk" in duplicate.content.decode()

    csv = "nummer;name;art;a1;a2;a3\r\n0201;Nord;urne;1000;100;2\r\nB02;Briefwahl 2;brief;;;\r\n"
    import_url = reverse("elections:import_districts", args=[election.pk])
    preview = client.post(
        import_url, {"file": SimpleUploadedFile("bezirke.csv", csv.encode(), "text/csv")}
    )
    assert "Vorschau: 2 Wahlbezirke" in preview.content.decode()
    assert not District.objects.filter(election=election, number="0201").exists()
    client.post(import_url, {"confirm": "1"})
    assert district(election, "0201").result.a == 1102
    assert district(election, "B02").kind == District.Kind.POSTAL


def test_a_bad_district_list_is_refused_whole_with_line_numbers(client, election, officer_a):
    client.force_login(officer_a)
    csv = (
        "nummer;name;art;a1;a2;a3\r\n"
        "0201;Nord;urne;1000;100;2\r\n"
        "0202;;urne;1;2;3\r\n"
        "0201;Doppelt;urne;;;\r\n"
        "0101;Altstadt;urne;;;\r\n"
        "0203;Süd;zelt;x;1;1\r\n"
    )
    response = client.post(
        reverse("elections:import_districts", args=[election.pk]),
        {"file": SimpleUploadedFile("bezirke.csv", csv.encode(), "text/csv")},
    )
    html = response.content.decode()
    assert response.status_code == 422
    for text in (
        "Zeile 3: Name fehlt",
        "Zeile 4: Nummer 0201 doppelt (schon in Zeile 2)",
        "Zeile 5: Wahlbezirk 0101 gibt es in dieser Wahl schon",
        "Zeile 6: Art muss „urne“ oder „brief“ sein",
        "Zeile 6: A1, A2 und A3 müssen ganze Zahlen",
    ):
        assert text in html
    assert not District.objects.filter(election=election, number="0201").exists()


def test_a_too_large_district_list_is_refused_before_reading(client, election, officer_a):
    client.force_login(officer_a)
    with override_settings(RATHAUS_ELECTIONS_MAX_UPLOAD=100):
        response = client.post(
            reverse("elections:import_districts", args=[election.pk]),
            {"file": SimpleUploadedFile("b.csv", b"nummer;name\r\n" + b"0;x\r\n" * 50)},
        )
    assert response.status_code == 422 and "größer als" in response.content.decode()


def test_setup_closes_once_the_election_is_public(client, election, officer_a):
    election_publish(election=election, actor=officer_a)
    client.force_login(officer_a)
    response = client.post(
        reverse("elections:districts", args=[election.pk]),
        {"number": "0199", "name": "Zu spät", "kind": "urne"},
    )
    assert not District.objects.filter(number="0199").exists()
    assert response.status_code in (302, 422)
    assert client.get(reverse("elections:edit", args=[election.pk])).status_code == 302


def test_an_election_without_candidates_accepts_no_figures(town, officer_a):
    empty = Election.objects.create(municipality=town, title="Ohne", date=date(2025, 9, 14))
    d = District.objects.create(municipality=town, election=empty, number="0101", name="A")
    fig = {"a1": 10, "a2": 0, "a3": 0, "a": 10, "b": 9, "b1": 0, "c": 0, "d": 9, "votes": []}
    with pytest.raises(Conflict) as exc:
        result_enter(
            result=Result(district=d, election=empty, municipality=town),
            actor=officer_a,
            figures=fig,
        )
    assert exc.value.code == "no_candidates"
    assert not Result.objects.filter(district=d).exclude(state="empty").exists()


def test_municipality_admin_sees_the_candidates_in_the_admin(client, election, make_user, town):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town, username="admin_town")
    client.force_login(admin)
    html = client.get(
        reverse("admin:elections_election_change", args=[election.pk])
    ).content.decode()
    assert "Anna Alt" in html and "Bernd Bau" in html


# --- publishing and the runoff ---------------------------------------------------------------


def test_election_office_publishes_and_the_first_round_points_to_its_runoff(
    client, town, election, officer_a, officer_b
):
    votes = {"0101": [400, 350, 200], "0102": [400, 350, 200], "B01": [40, 35, 25]}
    report_all(election, votes, officer_a, officer_b)
    api = f"/api/v1/elections/{election.pk}"
    assert client.get(api).json()["runoff_id"] is None  # rendered and cached
    runoff = runoff_create_from(election, officer_b)
    assert runoff.status == Election.Status.PREPARATION
    assert client.get(api).json()["runoff_id"] is None  # not public yet
    client.force_login(officer_a)
    client.post(reverse("elections:publish", args=[runoff.pk]))
    client.logout()
    runoff.refresh_from_db()
    assert runoff.status == Election.Status.COUNTING
    assert client.get(api).json()["runoff_id"] == runoff.pk
    page = client.get(reverse("elections:public_detail", args=[election.pk])).content.decode()
    assert reverse("elections:public_detail", args=[runoff.pk]) in page


@override_settings(RATHAUS_ELECTIONS_LOCAL_SECONDS=0)
def test_a_bump_in_another_process_reaches_this_processes_cached_renderings(
    client, election, officer_a, officer_b
):
    """The version lives in the database: another web process (simulated by restoring this
    process's memo after the change) never keeps serving what it cached before."""
    report_all(election, ALL_DISTRICTS, officer_a, officer_b)
    api = f"/api/v1/elections/{election.pk}"
    before = client.get(api).json()
    memo = (dict(caching._local_versions), dict(caching._local_values))
    d = district(election, "0101")
    result_enter(result=d.result, actor=officer_a, figures=figures([1, 1, 598]), reason="Fehler")
    caching._local_versions.update(memo[0])  # as if the change happened elsewhere
    caching._local_values.update(memo[1])
    after = client.get(api).json()
    assert before["totals"]["districts_reported"] == 3
    assert after["totals"]["districts_reported"] == 2  # the correction withdrew 0101


def test_public_district_table_says_it_scrolls_sideways(client, election, officer_a):
    election_publish(election=election, actor=officer_a)
    html = client.get(reverse("elections:public_detail", args=[election.pk])).content.decode()
    assert 'tabindex="0" role="region"' in html
    assert "seitlich wischen" in html


def test_a_runoffs_candidates_and_districts_cannot_be_edited(election, officer_a, officer_b):
    report_all(
        election,
        {"0101": [400, 350, 200], "0102": [400, 350, 200], "B01": [40, 35, 25]},
        officer_a,
        officer_b,
    )
    runoff = runoff_create_from(election, officer_b)
    with pytest.raises(Conflict) as exc:
        districts_add(election=runoff, specs=[DistrictSpec("0199", "Neu", "urne")], actor=officer_a)
    assert exc.value.code == "runoff_fixed"
