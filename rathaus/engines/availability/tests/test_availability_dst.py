"""Clock changes: 2026-03-29 (02:00 -> 03:00) and 2026-10-25 (03:00 -> 02:00), Berlin.

Opening hours 01:00-04:00 span the change. Offered starts must exist, have unique local
wall times, and end - start must be the real (elapsed) duration.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.engines.availability import (
    Booking,
    Policy,
    Slot,
    free_slots,
    free_slots_in_range,
    month_calendar,
)
from rathaus.engines.availability.clock import repeated_range, wall_to_epoch

from .helpers import BERLIN, counter, request, weekly

SPRING = date(2026, 3, 29)
AUTUMN = date(2026, 10, 25)
NIGHT = weekly((time(1), time(4)), weekdays=range(7))
# opening 01:00-04:00 local in elapsed UTC time
OPEN_UTC = {
    SPRING: (datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC)),
    AUTUMN: (datetime(2026, 10, 24, 23, tzinfo=UTC), datetime(2026, 10, 25, 3, tzinfo=UTC)),
}


def night_request(day: date, grid: int, minutes: int, bookings: list[Booking] | None = None):  # type: ignore[no-untyped-def]
    policy = Policy(granularity_minutes=grid, min_notice=timedelta(0), max_days_ahead=10)
    now = datetime.combine(day - timedelta(days=2), time(12), BERLIN)
    return request(
        [counter(1, {"x"}, NIGHT), counter(2, {"x"}, NIGHT)],
        now,
        demand={"x": 1},
        durations={"x": minutes},
        bookings=bookings or [],
        policy=policy,
    )


def exists(dt: datetime) -> bool:
    """The wall time is real: localising it again yields the same instant."""
    naive = dt.replace(tzinfo=None)
    again = naive.replace(tzinfo=BERLIN, fold=dt.fold)
    return again.astimezone(UTC) == dt.astimezone(UTC) and again.replace(tzinfo=None) == naive


def check_day(slots: list[Slot], day: date, minutes: int) -> None:
    lo, hi = OPEN_UTC[day]
    walls = [s.start.replace(tzinfo=None) for s in slots]
    assert len(walls) == len(set(walls)), "a local start time is offered twice"
    for s in slots:
        assert exists(s.start) and exists(s.end)
        assert s.start.tzinfo is BERLIN
        elapsed = s.end.astimezone(UTC) - s.start.astimezone(UTC)
        assert elapsed == timedelta(minutes=minutes)
        assert lo <= s.start.astimezone(UTC) and s.end.astimezone(UTC) <= hi
        if day == SPRING:
            assert not time(2) <= s.start.time() < time(3)
        else:
            assert s.start.fold == 0


def test_spring_forward_worked_example() -> None:
    slots = free_slots(night_request(SPRING, 30, 30), SPRING)
    assert [s.start.strftime("%H:%M%z") for s in slots] == [
        "01:00+0100", "01:30+0100", "03:00+0200", "03:30+0200",
    ]  # fmt: skip
    assert slots[1].end.strftime("%H:%M%z") == "03:00+0200"  # 30 real minutes
    check_day(slots, SPRING, 30)


def test_fall_back_worked_example() -> None:
    slots = free_slots(night_request(AUTUMN, 30, 30), AUTUMN)
    assert [s.start.strftime("%H:%M%z") for s in slots] == [
        "01:00+0200", "01:30+0200", "02:00+0200", "02:30+0200", "03:00+0100", "03:30+0100",
    ]  # fmt: skip
    assert slots[3].end.strftime("%H:%M%z") == "02:00+0100" and slots[3].end.fold == 1
    check_day(slots, AUTUMN, 30)
    assert month_calendar(night_request(AUTUMN, 30, 30), 2026, 10)[AUTUMN] == 6


def test_wall_clock_rules() -> None:
    key = "Europe/Berlin"
    # nonexistent 02:30 maps to the transition instant 03:00 CEST
    assert wall_to_epoch(key, SPRING, time(2, 30)) == wall_to_epoch(key, SPRING, time(3))
    assert wall_to_epoch(key, SPRING, time(3)) == int(
        datetime(2026, 3, 29, 1, tzinfo=UTC).timestamp()
    )
    # ambiguous 02:30 maps to its first occurrence (CEST)
    assert wall_to_epoch(key, AUTUMN, time(2, 30)) == int(
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC).timestamp()
    )
    rep = repeated_range(key, AUTUMN)
    assert rep == (
        int(datetime(2026, 10, 25, 1, tzinfo=UTC).timestamp()),
        int(datetime(2026, 10, 25, 2, tzinfo=UTC).timestamp()),
    )
    assert repeated_range(key, SPRING) is None and repeated_range(key, date(2026, 5, 1)) is None
    # an interval lying inside the gap vanishes
    rules = weekly((time(2), time(2, 45)), weekdays=[6])
    req = request([counter(1, rules=rules)], datetime(2026, 3, 27, 12, tzinfo=BERLIN))
    assert free_slots(req, SPRING) == []


@settings(max_examples=80, deadline=None)
@given(
    day=st.sampled_from([SPRING, AUTUMN]),
    grid=st.sampled_from([5, 10, 15, 20, 30, 45, 60]),
    minutes=st.integers(1, 120),
    booked=st.lists(
        st.tuples(st.integers(1, 2), st.integers(0, 4 * 60), st.integers(1, 90)), max_size=4
    ),
)
def test_dst_days_yield_existing_unique_times_with_real_durations(
    day: date, grid: int, minutes: int, booked: list[tuple[int, int, int]]
) -> None:
    lo, hi = OPEN_UTC[day]
    bookings = [
        Booking(cid, lo + timedelta(minutes=m), lo + timedelta(minutes=m + length))
        for cid, m, length in booked
    ]
    req = night_request(day, grid, minutes, bookings)
    slots = free_slots(req, day)
    check_day(slots, day, minutes)
    for s in slots:
        for cid in s.counter_ids:
            assert not any(
                b.counter_id == cid and b.start < s.end and s.start < b.end for b in bookings
            )
    if not bookings:
        # every elapsed grid point fits, except the repeated hour's second pass
        rep = repeated_range("Europe/Berlin", day)
        expected = []
        t = lo
        while t + timedelta(minutes=minutes) <= hi:
            ts = int(t.timestamp())
            if rep is None or not rep[0] <= ts < rep[1]:
                expected.append(t)
            t += timedelta(minutes=grid)
        assert [s.start.astimezone(UTC) for s in slots] == expected
        assert all(s.counter_ids == (1, 2) for s in slots)
    # the whole window around the change agrees with the single day
    window = free_slots_in_range(req, day - timedelta(days=1), day + timedelta(days=1))
    assert [s for s in window if s.start.date() == day] == slots
