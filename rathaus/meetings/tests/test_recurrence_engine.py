"""The recurrence engine: RRULE expansion with exceptions and the federal state's holidays."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.engines.recurrence import (
    HolidayPolicy,
    RecurrenceError,
    SeriesSpec,
    occurrences,
    validate_rule,
)

MWF = "FREQ=WEEKLY;BYDAY=MO,WE,FR"
START = datetime(2026, 12, 1, 8, 0)


def test_monday_wednesday_friday_at_eight():
    got = occurrences(SeriesSpec(MWF, START), datetime(2026, 12, 7), datetime(2026, 12, 14))
    assert [o.start for o in got] == [
        datetime(2026, 12, 7, 8),
        datetime(2026, 12, 9, 8),
        datetime(2026, 12, 11, 8),
    ]


def test_a_holiday_is_skipped_or_moved_to_the_next_free_workday():
    christmas = date(2026, 12, 25)  # a Friday
    window = (datetime(2026, 12, 21), datetime(2027, 1, 1))
    skipped = occurrences(SeriesSpec(MWF, START, holidays=frozenset({christmas})), *window)
    assert christmas not in {o.start.date() for o in skipped}
    moved = occurrences(
        SeriesSpec(
            MWF,
            START,
            holidays=frozenset({christmas}),
            holiday_policy=HolidayPolicy.NEXT_WORKDAY,
        ),
        *window,
    )
    # Saturday/Sunday are no workdays and Monday 28th is already a meeting: Tuesday 29th
    assert [o for o in moved if o.moved_from] == [
        type(moved[0])(datetime(2026, 12, 29, 8), moved_from=christmas)
    ]


def test_exception_dates_do_not_take_place():
    spec = SeriesSpec(MWF, START, exdates=frozenset({date(2026, 12, 9)}))
    got = occurrences(spec, datetime(2026, 12, 7), datetime(2026, 12, 14))
    assert date(2026, 12, 9) not in {o.start.date() for o in got}


def test_the_wall_clock_time_stays_across_daylight_saving():
    got = occurrences(SeriesSpec(MWF, START), datetime(2027, 3, 22), datetime(2027, 4, 3))
    assert {o.start.time().hour for o in got} == {8}


@pytest.mark.parametrize(
    "rule,code",
    [
        ("", "rule_empty"),
        ("FREQ=HOURLY", "rule_frequency"),
        ("FREQ=WEEKLY;BYDAY=XX", "rule_invalid"),
        ("FREQ=WEEKLY;COUNT=abc", "rule_invalid"),
        ("FREQ=WEEKLY;UNTIL=20200101T000000", "rule_no_dates"),
        ("FREQ=WEEKLY;BYDAY=MO\nX", "rule_invalid"),
    ],
)
def test_invalid_rules_say_what_is_wrong(rule, code):
    with pytest.raises(RecurrenceError) as info:
        validate_rule(rule, START)
    assert info.value.code == code
    assert info.value.message


days = st.sets(st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    byday=st.sets(st.sampled_from(["MO", "TU", "WE", "TH", "FR"]), min_size=1),
    holidays=days,
    exdates=days,
    policy=st.sampled_from(list(HolidayPolicy)),
    offset=st.integers(min_value=0, max_value=700),
)
def test_properties_of_any_weekly_series(byday, holidays, exdates, policy, offset):
    spec = SeriesSpec(
        "FREQ=WEEKLY;BYDAY=" + ",".join(sorted(byday)),
        datetime(2026, 1, 5, 8, 0),
        exdates=frozenset(exdates),
        holidays=frozenset(holidays),
        holiday_policy=policy,
    )
    start = datetime(2026, 1, 5) + timedelta(days=offset)
    end = start + timedelta(days=60)
    got = occurrences(spec, start, end)
    starts = [o.start for o in got]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for o in got:
        assert start <= o.start < end
        assert o.start.time().hour == 8
        assert o.start.date() not in exdates
        if policy != HolidayPolicy.KEEP:
            assert o.start.date() not in holidays
        if o.moved_from is None:
            assert o.start.strftime("%a")[:2].upper() in byday
        else:
            assert o.start.weekday() < 5 and o.moved_from in holidays
