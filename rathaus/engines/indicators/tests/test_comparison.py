"""Properties of the fair comparison (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rathaus.engines.indicators.comparison import (
    Direction,
    Observation,
    Period,
    Position,
    Status,
    Target,
    TrendDirection,
    compare_peers,
    judge,
    size_class,
    trend,
    wilson_interval,
)


@st.composite
def counts(draw, max_cases=5000):
    cases = draw(st.integers(min_value=0, max_value=max_cases))
    successes = draw(st.integers(min_value=0, max_value=cases))
    return successes, cases


targets = st.builds(
    Target,
    share=st.floats(min_value=0, max_value=1),
    direction=st.sampled_from(list(Direction)),
    min_cases=st.integers(min_value=1, max_value=200),
    confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)


@given(counts(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_the_wilson_interval_contains_the_share_and_stays_within_zero_and_one(sc, confidence):
    successes, cases = sc
    lower, upper = wilson_interval(successes, cases, confidence)
    assert 0.0 <= lower <= upper <= 1.0
    if cases:
        assert lower <= successes / cases <= upper


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=2, max_value=20))
def test_more_cases_with_the_same_share_narrow_the_interval(cases, factor):
    successes = cases // 2
    lo1, hi1 = wilson_interval(successes, cases)
    lo2, hi2 = wilson_interval(successes * factor, cases * factor)
    assert hi2 - lo2 <= hi1 - lo1 + 1e-12


def test_a_known_wilson_interval():
    lower, upper = wilson_interval(8, 10)
    assert lower == pytest.approx(0.4902, abs=1e-4)
    assert upper == pytest.approx(0.9433, abs=1e-4)


@given(counts(), targets)
def test_no_verdict_below_the_minimum_number_of_cases(sc, target):
    successes, cases = sc
    verdict = judge(Observation("a", successes, cases), target)
    assert (verdict.status == Status.NOT_ENOUGH_DATA) == (cases < target.min_cases)
    if verdict.status == Status.NOT_ENOUGH_DATA:
        assert not verdict.certain


@given(counts(), targets)
def test_the_verdict_follows_the_share_and_the_direction(sc, target):
    successes, cases = sc
    verdict = judge(Observation("a", successes, cases), target)
    if verdict.status == Status.NOT_ENOUGH_DATA:
        return
    share = successes / cases
    if target.direction == Direction.AT_LEAST:
        assert (verdict.status == Status.MET) == (share >= target.share)
    else:
        assert (verdict.status == Status.MET) == (share <= target.share)
    if verdict.certain:
        # a certain verdict: the whole interval lies on the verdict's side of the target
        side_low = verdict.lower >= target.share or verdict.upper <= target.share
        side_high = verdict.upper < target.share or verdict.lower > target.share
        assert side_low or side_high


@given(counts(), targets)
def test_one_more_success_never_turns_met_into_not_met_when_more_is_better(sc, target):
    successes, cases = sc
    if successes >= cases or target.direction != Direction.AT_LEAST:
        return
    before = judge(Observation("a", successes, cases), target)
    after = judge(Observation("a", successes + 1, cases), target)
    if before.status == Status.MET:
        assert after.status == Status.MET


@given(st.integers(min_value=-10, max_value=5_000_000))
def test_every_population_has_exactly_one_size_class(population):
    cls = size_class(population)
    if population > 0:
        assert cls.lower <= population and (cls.upper is None or population < cls.upper)
    else:
        assert cls.code == "unknown"


@given(st.lists(st.tuples(counts(2000), st.integers(0, 200_000)), max_size=12), targets)
def test_peer_comparison_keeps_input_order_and_never_ranks(rows, target):
    observations = [
        Observation(f"u{i}", s, c, population=pop) for i, ((s, c), pop) in enumerate(rows)
    ]
    results = compare_peers(observations, target)
    assert [r.unit for r in results] == [o.unit for o in observations]
    reversed_results = compare_peers(list(reversed(observations)), target)
    assert {r.unit: r for r in results} == {r.unit: r for r in reversed_results}
    for obs, result in zip(observations, results, strict=True):
        if obs.cases < target.min_cases:
            assert result.position == Position.NOT_ENOUGH_DATA
        if result.position in (Position.ABOVE, Position.BELOW):
            share = obs.share
            assert result.lower_limit is not None and result.upper_limit is not None
            assert share is not None
            assert not result.lower_limit <= share <= result.upper_limit


@given(counts(2000), st.integers(2, 10))
def test_identical_peers_are_all_as_expected(sc, n):
    successes, cases = sc
    target = Target(0.8, min_cases=1)
    results = compare_peers(
        [Observation(str(i), successes, cases, population=20_000) for i in range(n)], target
    )
    expected = Position.NOT_ENOUGH_DATA if cases == 0 else Position.AS_EXPECTED
    assert {r.position for r in results} == {expected}


def test_a_small_town_is_not_flagged_for_a_share_a_big_town_would_be():
    target = Target(0.8, min_cases=10)
    peers = [Observation(str(i), 900, 1000, population=30_000) for i in range(5)]
    small = compare_peers([*peers, Observation("small", 16, 20, population=30_000)], target)[-1]
    big = compare_peers([*peers, Observation("big", 800, 1000, population=30_000)], target)[-1]
    assert small.position == Position.AS_EXPECTED
    assert big.position == Position.BELOW


@given(st.lists(counts(3000), min_size=0, max_size=6), targets)
def test_trend_needs_two_periods_with_enough_cases(rows, target):
    periods = [Period(f"p{i}", s, c) for i, (s, c) in enumerate(rows)]
    result = trend(periods, target)
    usable = [p for p in periods if p.cases >= target.min_cases]
    assert (result.direction == TrendDirection.UNKNOWN) == (len(usable) < 2)


def test_trend_respects_the_direction_of_the_promise():
    periods = [Period("10", 50, 100), Period("11", 90, 100)]
    assert trend(periods, Target(0.8)).direction == TrendDirection.BETTER
    assert trend(periods, Target(0.1, Direction.AT_MOST)).direction == TrendDirection.WORSE
    assert trend([Period("10", 80, 100), Period("11", 81, 100)], Target(0.8)).direction == (
        TrendDirection.STEADY
    )


def test_invalid_input_is_refused():
    with pytest.raises(ValueError):
        Observation("a", 5, 4)
    with pytest.raises(ValueError):
        Target(1.5)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)
