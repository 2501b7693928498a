"""Demo data: Musterstadt's mayoral election on election night, idempotent."""

import pytest

from rathaus.core.demo import load_core
from rathaus.elections import demo
from rathaus.elections.models import District, Election, Result
from rathaus.elections.selectors.results import report
from rathaus.engines.counting import Outcome

pytestmark = pytest.mark.django_db


def test_demo_election_night_with_runoff_due_and_idempotent():
    town = load_core()
    demo.load(town)
    counts = (Election.objects.count(), Result.objects.count(), District.objects.count())
    demo.load(town)
    assert (Election.objects.count(), Result.objects.count(), District.objects.count()) == counts

    election = Election.objects.get(municipality=town, title=demo.TITLE)
    assert [(c.name, c.party_label) for c in election.candidates.all()] == [
        (n, p or "parteilos") for n, p in demo.CANDIDATES
    ]
    kinds = list(election.districts.values_list("kind", flat=True))
    assert kinds.count("urne") == 25 and kinds.count("brief") == 6
    assert election.districts.filter(number="0101").exists()
    assert election.districts.filter(number="B01").exists()
    rep = report(election)
    assert rep.totals.districts_reported == 26 and rep.pending == 1
    assert rep.decision.outcome is Outcome.INCOMPLETE
    assert rep.decision.provisional is Outcome.RUNOFF
    assert rep.decision.runoff_candidates == ("Dr. Anna Berger", "Markus Jansen")
    assert max(rep.totals.shares) < 50
    assert all(row.previous_share is not None for row in rep.candidate_rows[:4])
    assert rep.candidate_rows[4].previous_share is None  # partyless newcomer
    previous = election.previous_election
    assert previous.status == Election.Status.FINAL
    assert not previous.results.exclude(state="approved").exists()
    assert (
        Result.objects.filter(election=election, state="approved")
        .exclude(approved_by__username="wahlamt2")
        .count()
        == 0
    )
