from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rathaus.engines.counting import DistrictResult, aggregate, vote_columns
from rathaus.engines.counting.german import percent

from .factories import CANDIDATES, brief, plausible_results, urne


def test_totals_sum_polling_and_postal_districts():
    rs = [
        urne("0101", (400, 300, 100), invalid=10, card=20),
        urne("0102", (100, 200, 300), invalid=5),
        brief("9001", (50, 25, 25), invalid=1),
        DistrictResult("0103", "Süd", "urne", 500, 0, 0, 500, votes=(None, None, None)),
    ]
    t = aggregate(rs, CANDIDATES[:3])
    assert t.votes == (550, 525, 425)
    assert t.valid == 1500 and t.invalid == 16 and t.voters == 1516
    assert t.voters_with_card == 20 + 0 + 101
    # Eligible voters come from reported polling districts only.
    assert t.eligible == rs[0].A + rs[1].A  # type: ignore[operator]
    assert (t.districts_reported, t.districts_total) == (3, 4)
    assert not t.complete
    assert t.shares == (Decimal("36.67"), Decimal("35.00"), Decimal("28.33"))
    assert t.turnout == percent(1516, t.eligible)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 3, "33.33"),
        (2, 3, "66.67"),
        (1, 200, "0.50"),
        (1, 8, "12.50"),
        (1, 16, "6.25"),
        (1, 32, "3.13"),  # 3.125 → half-up
        (5, 80000, "0.01"),  # 0.00625 → 0.01
        (1, 40000, "0.00"),  # 0.0025 → 0.00
        (1, 20000, "0.01"),  # exactly 0.005 → half-up
        (3, 3, "100.00"),
        (0, 7, "0.00"),
    ],
)
def test_share_rounding_half_up(part, whole, expected):
    assert percent(part, whole) == Decimal(expected)
    assert str(percent(part, whole)) == expected


def test_share_and_turnout_undefined_without_base():
    t = aggregate([DistrictResult("1", "x", "urne", votes=(None, None))], ("A", "B"))
    assert t.shares is None and t.turnout is None
    assert (t.districts_reported, t.districts_total) == (0, 1)


def test_single_candidate_columns_are_yes_no():
    t = aggregate([urne("0101", (70, 30))], ("Adler",))
    assert t.yes_no and t.votes == (70, 30) and t.shares == (Decimal("70.00"), Decimal("30.00"))


def test_wrong_vote_columns_and_duplicates_are_refused():
    with pytest.raises(ValueError):
        aggregate([urne("1", (1, 2))], ("A", "B", "C"))
    with pytest.raises(ValueError):
        aggregate([urne("1", (1, 2)), urne("1", (1, 2))], ("A", "B"))
    with pytest.raises(ValueError):
        aggregate([], ("A", "A"))


@given(st.integers(2, 5).flatmap(lambda n: st.tuples(st.just(n), plausible_results(n))))
def test_shares_sum_to_100_within_rounding(case):
    n, rs = case
    t = aggregate(rs, CANDIDATES[:n])
    if t.valid == 0:
        assert t.shares is None
        return
    assert t.shares is not None
    assert abs(sum(t.shares) - 100) <= Decimal("0.01") * n
    assert all(s == s.quantize(Decimal("0.01")) for s in t.shares)


@given(
    st.integers(1, 5).flatmap(lambda n: st.tuples(st.just(n), plausible_results(vote_columns(n)))),
    st.data(),
)
def test_aggregation_equals_sum_of_parts(case, data):
    n, rs = case
    names = CANDIDATES[:n]
    cut = data.draw(st.integers(0, len(rs)))
    whole = aggregate(rs, names)
    left, right = aggregate(rs[:cut], names), aggregate(rs[cut:], names)
    for field in ("eligible", "voters", "voters_with_card", "invalid", "valid"):
        assert getattr(whole, field) == getattr(left, field) + getattr(right, field)
    assert whole.votes == tuple(a + b for a, b in zip(left.votes, right.votes, strict=True))
    assert whole.districts_reported == left.districts_reported + right.districts_reported
    assert whole.districts_total == len(rs)
    reported = [r for r in rs if r.reported]
    assert whole.valid == sum(r.D or 0 for r in reported)
    assert sum(whole.votes) == whole.valid
