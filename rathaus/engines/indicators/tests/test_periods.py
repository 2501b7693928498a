"""Reporting periods, monthly and quarterly, across month, quarter and year boundaries."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rathaus.engines.indicators.periods import (
    MONTHLY,
    QUARTERLY,
    period_start,
    previous_period,
    recent_periods,
)

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2199, 12, 31))
rhythms = st.sampled_from([MONTHLY, QUARTERLY])


def test_the_due_period_at_a_quarter_boundary():
    assert previous_period(date(2031, 3, 31), QUARTERLY) == date(2030, 10, 1)
    assert previous_period(date(2031, 4, 1), QUARTERLY) == date(2031, 1, 1)
    assert previous_period(date(2031, 4, 1), MONTHLY) == date(2031, 3, 1)
    assert previous_period(date(2031, 1, 15), MONTHLY) == date(2030, 12, 1)


@given(days, rhythms)
def test_a_day_lies_in_its_period_and_after_the_due_one(day, rhythm):
    start = period_start(day, rhythm)
    size = 3 if rhythm == QUARTERLY else 1
    assert start <= day and start.day == 1 and (start.month - 1) % size == 0
    due = previous_period(day, rhythm)
    # the due period ends the day before the running one starts
    assert period_start(start - timedelta(days=1), rhythm) == due


@given(days, rhythms, st.integers(min_value=1, max_value=12))
def test_recent_periods_are_consecutive_newest_first(day, rhythm, count):
    periods = recent_periods(day, rhythm, count)
    assert periods[0] == period_start(day, rhythm) and len(periods) == count
    for newer, older in zip(periods, periods[1:], strict=False):
        assert previous_period(newer, rhythm) == older
