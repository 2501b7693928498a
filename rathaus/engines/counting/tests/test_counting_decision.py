import random
from datetime import date

import pytest

from rathaus.engines.counting import (
    DistrictResult,
    Outcome,
    aggregate,
    decide,
    draw_lot,
    draw_places,
    resolve_lot,
    runoff_date,
)

from .factories import urne

SUNDAY = date(2025, 9, 14)


def totals(votes, names, *, eligible=None, pending=0):
    r = urne("0101", votes)
    if eligible is not None:
        r = DistrictResult(
            r.number, r.name, "urne", eligible, 0, 0, eligible, r.B, r.B1, r.C, r.D, r.votes
        )
    missing = [
        DistrictResult(f"9{i}", "offen", "urne", votes=(None,) * len(votes)) for i in range(pending)
    ]
    return aggregate([r, *missing], names)


def test_absolute_majority_elects():
    names = ("Adler", "Becker", "Cetin")
    d = decide(totals((501, 300, 199), names), names)
    assert d.outcome is Outcome.ELECTED and d.elected == "Adler"
    assert "mehr als die Hälfte" in d.reasons[0] and "§ 46c" in d.reasons[0]
    assert "501 von 1.000 gültigen Stimmen (50,10 %)" in d.reasons[0]


def test_exactly_half_is_not_enough_runoff_follows():
    names = ("Adler", "Becker", "Cetin")
    d = decide(totals((500, 300, 200), names), names, election_date=SUNDAY)
    assert d.outcome is Outcome.RUNOFF
    assert d.runoff_candidates == ("Adler", "Becker")
    assert d.runoff_date == date(2025, 9, 28)
    assert "28.09.2025" in d.reasons[-1]


def test_runoff_pairs_top_two_in_vote_order():
    names = ("Adler", "Becker", "Cetin", "Dahl")
    d = decide(totals((100, 400, 300, 200), names), names)
    assert d.outcome is Outcome.RUNOFF and d.runoff_candidates == ("Becker", "Cetin")


def test_tie_for_first_place_of_two_goes_to_runoff_without_lot():
    names = ("Adler", "Becker", "Cetin")
    d = decide(totals((400, 400, 200), names), names)
    assert d.outcome is Outcome.RUNOFF and set(d.runoff_candidates) == {"Adler", "Becker"}


def test_tie_for_second_place_needs_lot():
    names = ("Adler", "Becker", "Cetin", "Dahl")
    d = decide(totals((400, 250, 250, 100), names), names, election_date=SUNDAY)
    assert d.outcome is Outcome.LOT_NEEDED
    assert d.runoff_candidates == ("Adler",)
    assert d.lot_candidates == ("Becker", "Cetin") and d.lot_places == 1
    assert "Los" in d.reasons[-1] and "Abs. 3 Satz 4" in d.reasons[-1]
    after = resolve_lot(d, [draw_lot(d.lot_candidates, random.Random(7))])
    assert after.outcome is Outcome.RUNOFF and after.runoff_candidates[0] == "Adler"
    assert after.runoff_candidates[1] in ("Becker", "Cetin")


def test_three_tied_for_first_draw_both_places():
    names = ("Adler", "Becker", "Cetin", "Dahl")
    d = decide(totals((300, 300, 300, 100), names), names)
    assert d.outcome is Outcome.LOT_NEEDED
    assert d.runoff_candidates == () and d.lot_places == 2
    assert d.lot_candidates == ("Adler", "Becker", "Cetin")
    drawn = draw_places(d.lot_candidates, 2, rng=3)
    after = resolve_lot(d, drawn)
    assert after.outcome is Outcome.RUNOFF and after.runoff_candidates == drawn


def test_runoff_simple_majority_and_tie_by_lot():
    names = ("Becker", "Cetin")
    d = decide(totals((480, 520), names), names, runoff=True)
    assert d.outcome is Outcome.ELECTED and d.elected == "Cetin" and d.is_runoff_ballot
    tie = decide(totals((500, 500), names), names, runoff=True)
    assert tie.outcome is Outcome.LOT_NEEDED and tie.lot_candidates == names
    assert "Abs. 3 Satz 6" in tie.reasons[0]
    after = resolve_lot(tie, ["Becker"])
    assert after.outcome is Outcome.ELECTED and after.elected == "Becker"


def test_single_candidate_yes_majority_and_quorum_elects():
    d = decide(totals((300, 100), ("Adler",), eligible=1200), ("Adler",))
    assert d.outcome is Outcome.ELECTED and d.elected == "Adler"


def test_single_candidate_no_majority_not_elected():
    d = decide(totals((100, 300), ("Adler",), eligible=1200), ("Adler",))
    assert d.outcome is Outcome.NOT_ELECTED and d.elected is None
    assert "nicht auf Ja" in d.reasons[0]


def test_single_candidate_quorum_fails_despite_yes_majority():
    # 299 yes of 1,200 eligible = 24.92 % < 25 % although yes > no.
    d = decide(totals((299, 100), ("Adler",), eligible=1200), ("Adler",))
    assert d.outcome is Outcome.NOT_ELECTED
    assert "25 %" in d.reasons[0] and "1.200 Wahlberechtigten" in d.reasons[0]
    assert "mindestens 25 % (300 Ja-Stimmen)" in d.reasons[0]
    assert "Abs. 2 Satz 3" in d.reasons[0]
    exactly = decide(totals((300, 100), ("Adler",), eligible=1200), ("Adler",))
    assert exactly.outcome is Outcome.ELECTED


def test_incomplete_keeps_provisional_outcome():
    names = ("Adler", "Becker")
    d = decide(totals((600, 400), names, pending=2), names)
    assert d.outcome is Outcome.INCOMPLETE and d.provisional is Outcome.ELECTED
    assert d.effective is Outcome.ELECTED and d.elected == "Adler"
    assert d.reasons[0] == "Vorläufiges Ergebnis: 1 von 3 Wahlbezirken gemeldet."
    with pytest.raises(ValueError):
        resolve_lot(d, ["Adler"])


def test_nothing_reported_yet():
    names = ("Adler", "Becker")
    t = aggregate([DistrictResult("1", "x", "urne", votes=(None, None))], names)
    d = decide(t, names)
    assert d.outcome is Outcome.INCOMPLETE and d.provisional is None


def test_runoff_date_is_second_sunday_after():
    assert runoff_date(date(2025, 9, 14)) == date(2025, 9, 28)
    assert runoff_date(date(2020, 9, 13)).weekday() == 6
    with pytest.raises(ValueError):
        runoff_date(date(2025, 9, 15))


def test_draw_lot_uses_given_source_and_secrets_by_default():
    pool = ("Becker", "Cetin", "Dahl")
    assert draw_lot(pool, random.Random(1)) == draw_lot(pool, random.Random(1))
    assert draw_lot(pool, 42) == draw_lot(pool, 42)
    assert {draw_lot(pool, random.Random(s)) for s in range(50)} == set(pool)
    assert draw_lot(pool) in pool
    with pytest.raises(ValueError):
        draw_lot(())


def test_candidates_must_match_totals():
    t = totals((1, 2), ("Adler", "Becker"))
    with pytest.raises(ValueError):
        decide(t, ("Adler", "Cetin"))
    with pytest.raises(ValueError):
        decide(totals((1, 2, 3), ("A", "B", "C")), ("A", "B", "C"), runoff=True)
