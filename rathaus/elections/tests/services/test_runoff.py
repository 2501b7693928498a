"""§ 46c KWahlG NRW in the app: runoff derived from the first round, lots, yes/no quorum."""

from datetime import date

import pytest
from django.urls import reverse

from rathaus.core.models import AuditEntry
from rathaus.core.problems import DomainError
from rathaus.elections.models import Election, LotDrawing
from rathaus.elections.selectors.results import report
from rathaus.elections.services.elections import DistrictSpec
from rathaus.elections.services.runoff import lot_draw, runoff_create_from
from rathaus.engines.counting import Outcome

from ..conftest import make_election, report_all

pytestmark = pytest.mark.django_db

FIVE = (
    ("Anna Alt", "CDU"),
    ("Bernd Bau", "SPD"),
    ("Clara Chor", "GRÜNE"),
    ("Dieter Dach", "FDP"),
    ("Eva Eck", ""),
)


def test_runoff_is_created_with_the_right_two_in_the_right_order_and_date(
    client, town, officer_a, officer_b
):
    election = make_election(town, FIVE)
    # Bau (2nd on the ballot) leads, Eck (5th) is second; nobody above 50 %.
    report_all(
        election,
        {
            "0101": [100, 300, 50, 20, 200],
            "0102": [150, 250, 60, 30, 220],
            "B01": [50, 100, 20, 10, 90],
        },
        officer_a,
        officer_b,
    )
    rep = report(election)
    assert rep.decision.outcome is Outcome.RUNOFF
    assert rep.decision.runoff_candidates == ("Bernd Bau", "Eva Eck")

    client.force_login(officer_a)
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert "Stichwahl am 28.09.2025 zwischen Bernd Bau und Eva Eck" in page
    response = client.post(reverse("elections:runoff", args=[election.pk]))
    runoff = Election.objects.get(first_round=election)
    assert response.status_code == 302 and response["Location"].endswith(f"/{runoff.pk}/")
    assert runoff.date == date(2025, 9, 28) and runoff.date.weekday() == 6
    assert [(c.position, c.name, c.party) for c in runoff.candidates.all()] == [
        (1, "Bernd Bau", "SPD"),
        (2, "Eva Eck", ""),
    ]
    assert sorted(runoff.districts.values_list("number", flat=True)) == ["0101", "0102", "B01"]
    assert runoff.results.get(district__number="0102").a == 1500  # eligible voters carried over
    assert AuditEntry.objects.filter(summary__startswith="Stichwahl angelegt").exists()
    with pytest.raises(DomainError):  # only once
        runoff_create_from(election, officer_a)

    # runoff ballot: most votes win
    report_all(
        runoff,
        {"0101": [400, 250], "0102": [420, 300], "B01": [150, 100]},
        officer_a,
        officer_b,
    )
    rep = report(runoff)
    assert rep.decision.outcome is Outcome.ELECTED and rep.decision.elected == "Bernd Bau"


def test_no_runoff_while_incomplete_or_when_elected(town, officer_a, officer_b):
    election = make_election(town, FIVE)
    report_all(election, {"0101": [100, 300, 50, 20, 200]}, officer_a, officer_b)
    with pytest.raises(DomainError) as exc:
        runoff_create_from(election, officer_a)
    assert exc.value.code == "no_runoff"
    report_all(
        election, {"0102": [900, 10, 10, 10, 10], "B01": [500, 1, 1, 1, 1]}, officer_a, officer_b
    )
    assert report(election).decision.outcome is Outcome.ELECTED
    with pytest.raises(DomainError):
        runoff_create_from(election, officer_a)


def test_tie_for_second_place_is_decided_by_a_recorded_lot(client, town, officer_a, officer_b):
    election = make_election(town)
    report_all(
        election,
        {"0101": [200, 150, 150], "0102": [400, 300, 300], "B01": [10, 5, 5]},
        officer_a,
        officer_b,
    )
    rep = report(election)
    assert rep.decision.outcome is Outcome.LOT_NEEDED
    assert set(rep.decision.lot_candidates) == {"Bernd Bau", "Clara Chor"}
    with pytest.raises(DomainError):  # no runoff before the lot
        runoff_create_from(election, officer_a)

    client.force_login(officer_b)
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert "Los ziehen" in page
    client.post(reverse("elections:lot", args=[election.pk]))
    lot = LotDrawing.objects.get(election=election)
    assert lot.drawn_by == officer_b and lot.places == 1
    assert set(lot.among) == {"Bernd Bau", "Clara Chor"} and lot.drawn[0] in lot.among
    assert AuditEntry.objects.filter(summary__startswith="Losentscheid").exists()

    rep = report(election)
    assert rep.decision.outcome is Outcome.RUNOFF
    assert rep.decision.runoff_candidates == ("Anna Alt", lot.drawn[0])
    public = client.get(reverse("elections:public_detail", args=[election.pk])).content.decode()
    assert f"gezogen {lot.drawn[0]}" in public
    with pytest.raises(DomainError):  # the lot is drawn only once
        lot_draw(election=election, actor=officer_a)
    runoff = runoff_create_from(election, officer_a)
    assert [c.name for c in runoff.candidates.all()] == ["Anna Alt", lot.drawn[0]]


def test_runoff_tie_is_decided_by_lot(town, officer_a, officer_b):
    first = make_election(town, (("Anna Alt", "CDU"), ("Bernd Bau", "SPD")))
    runoff = make_election(
        town, (("Anna Alt", "CDU"), ("Bernd Bau", "SPD")), first_round=first, date=date(2025, 9, 28)
    )
    report_all(
        runoff, {"0101": [300, 200], "0102": [200, 300], "B01": [5, 5]}, officer_a, officer_b
    )
    assert report(runoff).decision.outcome is Outcome.LOT_NEEDED
    lot = lot_draw(election=runoff, actor=officer_a, rng=7)
    decision = report(runoff).decision
    assert decision.outcome is Outcome.ELECTED and decision.elected == lot.drawn[0]
    assert lot.runoff_ballot


@pytest.mark.parametrize(
    ("yes", "no", "elected"),
    [
        (700, 300, True),  # 700 of 2,500 eligible = 28 % ≥ 25 %, majority yes
        (600, 400, False),  # majority yes but 600 < 625 (25 % of 2,500)
        (625, 375, True),  # exactly 25 %
        (500, 500, False),  # no majority
    ],
)
def test_single_candidate_needs_yes_majority_and_quarter_of_eligible(
    town, officer_a, officer_b, yes, no, elected
):
    election = make_election(
        town,
        (("Anna Alt", "CDU"),),
        districts=[
            DistrictSpec("0101", "Altstadt", "urne", 900, 95, 5, 1000),
            DistrictSpec("0102", "Neustadt", "urne", 1400, 100, 0, 1500),
        ],
    )
    half_yes, half_no = yes // 2, no // 2
    report_all(
        election,
        {"0101": [half_yes, half_no], "0102": [yes - half_yes, no - half_no]},
        officer_a,
        officer_b,
    )
    rep = report(election)
    assert rep.totals.eligible == 2500
    if elected:
        assert rep.decision.outcome is Outcome.ELECTED and rep.decision.elected == "Anna Alt"
    else:
        assert rep.decision.outcome is Outcome.NOT_ELECTED
    assert "25 %" in " ".join(rep.decision.reasons)
    assert [r.label for r in rep.candidate_rows] == ["Ja (Anna Alt)", "Nein (Anna Alt)"]


def test_council_election_has_no_majority_decision(town, officer_a, officer_b):
    election = make_election(town, kind=Election.Kind.COUNCIL)
    report_all(election, {"0101": [3, 2, 1]}, officer_a, officer_b)
    assert report(election).decision is None


@pytest.mark.parametrize(
    ("yes", "no", "quorum", "outcome", "headline"),
    [
        (600, 400, 20, "yes", "Der Bürgerentscheid ist mit Ja entschieden"),  # 600 ≥ 500
        (450, 300, 20, "quorum_missed", "Quorum nicht erreicht – der Rat entscheidet"),
        (450, 300, 15, "yes", "Der Bürgerentscheid ist mit Ja entschieden"),  # 450 ≥ 375
        (300, 700, 20, "no", "Der Bürgerentscheid ist mit Nein entschieden"),
        (500, 500, 20, "no", "Der Bürgerentscheid ist mit Nein entschieden"),  # tie = no
    ],
)
def test_referendum_majority_and_quorum(
    client, town, officer_a, officer_b, yes, no, quorum, outcome, headline
):
    election = make_election(
        town,
        (("Soll das Hallenbad saniert werden?", ""),),
        kind=Election.Kind.REFERENDUM,
        quorum_percent=quorum,
        status=Election.Status.COUNTING,
        districts=[
            DistrictSpec("0101", "Altstadt", "urne", 900, 95, 5, 1000),
            DistrictSpec("0102", "Neustadt", "urne", 1400, 100, 0, 1500),
        ],
    )
    report_all(
        election,
        {"0101": [yes // 2, no // 2], "0102": [yes - yes // 2, no - no // 2]},
        officer_a,
        officer_b,
    )
    rep = report(election)
    assert rep.decision is None and rep.referendum.outcome == outcome
    html = client.get(reverse("elections:public_detail", args=[election.pk])).content.decode()
    assert headline in html and "§ 26 Abs. 7 GO NRW" in html
    body = client.get(f"/api/v1/elections/{election.pk}").json()
    assert body["decision"]["outcome"] == outcome
    assert [c["name"] for c in body["candidates"]] == ["Ja", "Nein"]
