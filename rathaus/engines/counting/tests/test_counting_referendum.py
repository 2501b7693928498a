"""Bürgerentscheid (§ 26 Abs. 7 GO NRW): the majority decides only if it reaches the quorum."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rathaus.engines.counting import DistrictResult, aggregate, decide_referendum

QUESTION = ("Soll das Hallenbad saniert werden?",)


def _totals(yes: int, no: int, *, eligible: int, missing: int = 0):
    reported = DistrictResult(
        "0101", "Altstadt", "urne", eligible, 0, 0, eligible, yes + no, 0, 0, yes + no, (yes, no)
    )
    pending = [
        DistrictResult(f"02{i:02d}", "Neustadt", "urne", 100, 0, 0, 100, votes=(None, None))
        for i in range(missing)
    ]
    return aggregate([reported, *pending], QUESTION)


def test_yes_majority_that_reaches_the_quorum_decides_yes():
    decision = decide_referendum(_totals(2_100, 1_000, eligible=10_000), 20)
    assert decision.outcome == "yes" and not decision.provisional
    assert decision.headline == "Der Bürgerentscheid ist mit Ja entschieden"


def test_yes_majority_below_the_quorum_leaves_it_to_the_council():
    decision = decide_referendum(_totals(1_999, 1_000, eligible=10_000), 20)
    assert decision.outcome == "quorum_missed"
    assert "der Rat" in decision.headline


def test_a_tie_that_reaches_the_quorum_counts_as_no():
    decision = decide_referendum(_totals(2_000, 2_000, eligible=10_000), 20)
    assert decision.outcome == "no"
    assert any("Stimmengleichheit" in reason for reason in decision.reasons)


def test_missing_districts_make_the_decision_provisional():
    decision = decide_referendum(_totals(3_000, 1_000, eligible=10_000, missing=2), 20)
    assert decision.provisional and decision.headline.startswith("Vorläufig: ")
    assert decision.reasons[0].startswith("Vorläufiges Ergebnis: 1 von 3 Bezirken")


def test_no_valid_votes_yet():
    decision = decide_referendum(_totals(0, 0, eligible=10_000), 10)
    assert decision.outcome == "no_votes"


@given(
    yes=st.integers(0, 5_000),
    no=st.integers(0, 5_000),
    quorum=st.sampled_from((10, 15, 20)),
)
def test_yes_wins_exactly_when_it_has_the_majority_and_the_quorum(yes, no, quorum):
    eligible = 10_000
    decision = decide_referendum(_totals(yes, no, eligible=eligible), quorum)
    needed = -(-eligible * quorum // 100)
    if yes + no == 0:
        assert decision.outcome == "no_votes"
    else:
        assert (decision.outcome == "yes") == (yes > no and yes >= needed)
        assert (decision.outcome == "no") == (no >= yes and no >= needed)
