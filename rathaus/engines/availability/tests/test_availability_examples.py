"""Worked examples of the availability rules."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from rathaus.engines.availability import (
    AvailabilityRequest,
    Booking,
    BookingIndex,
    Counter,
    DateException,
    Policy,
    Slot,
    bookable_window,
    choose_counter,
    earliest_across_locations,
    earliest_slot,
    free_slots,
    free_slots_in_range,
    iter_free_days,
    month_calendar,
    next_free_days,
    public_holidays,
)

from .helpers import BERLIN, OFFICE_HOURS, at, counter, oracle, request, weekly

MON = date(2026, 3, 2)  # a Monday well away from DST changes
SUNDAY_BEFORE = at(date(2026, 3, 1), 12)


def starts(slots: list[Slot]) -> list[str]:
    return [s.start.strftime("%H:%M") for s in slots]


def test_opening_hours_with_lunch_break() -> None:
    req = request([counter(1)], SUNDAY_BEFORE, demand={"pass": 1})  # 20 min
    slots = free_slots(req, MON)
    got = starts(slots)
    assert got[0] == "08:00" and "11:40" in got and "11:50" not in got
    assert "12:00" not in got and "13:50" not in got and got[-1] == "17:40"
    assert len(slots) == 2 * 23
    assert all(s.end - s.start == timedelta(minutes=20) for s in slots)
    assert all(s.counter_ids == (1,) and s.capacity == 1 for s in slots)
    assert all(s.start.tzinfo is BERLIN for s in slots)


def test_weekend_is_closed_and_range_matches_days() -> None:
    req = request([counter(1)], SUNDAY_BEFORE)
    assert free_slots(req, date(2026, 3, 7)) == []
    week = free_slots_in_range(req, MON, MON + timedelta(days=6))
    per_day = [s for d in range(7) for s in free_slots(req, MON + timedelta(days=d))]
    assert week == per_day
    assert {s.start.date() for s in week} == {MON + timedelta(days=d) for d in range(5)}
    assert [d for d, _ in iter_free_days(req, MON, MON + timedelta(days=6))] == [
        MON + timedelta(days=d) for d in range(5)
    ]


def test_public_holidays_close_unless_an_exception_opens() -> None:
    nw = public_holidays("NW", [2026])
    good_friday = date(2026, 4, 3)
    assert good_friday in nw and date(2026, 6, 4) in nw  # Corpus Christi in NRW
    assert date(2026, 6, 4) not in public_holidays("DE-BE", 2026)
    with pytest.raises(ValueError):
        public_holidays("XX", 2026)
    now = at(date(2026, 3, 30), 12)
    assert free_slots(request([counter(1)], now, holidays=nw), good_friday) == []
    special = DateException(good_friday, ((time(10), time(11)),))
    req = request([counter(1)], now, holidays=nw, exceptions=(special,))
    assert starts(free_slots(req, good_friday)) == [
        "10:00",
        "10:10",
        "10:20",
        "10:30",
        "10:40",
        "10:50",
    ]


def test_closures_and_most_specific_exception_wins() -> None:
    closed = DateException.closure(MON)
    assert closed.closed
    c1 = counter(1)
    c2 = counter(2, exceptions=(DateException(MON, ((time(9), time(10)),)),))
    req = request([c1, c2], SUNDAY_BEFORE, exceptions=(closed,))
    slots = free_slots(req, MON)
    assert {s.counter_ids for s in slots} == {(2,)}
    assert starts(slots)[0] == "09:00" and starts(slots)[-1] == "09:50"
    # a counter-level closure on an otherwise open day
    c3 = counter(3, exceptions=(DateException.closure(MON),))
    assert free_slots(request([c3], SUNDAY_BEFORE), MON) == []
    assert free_slots(request([c3], SUNDAY_BEFORE), MON + timedelta(days=1)) != []


def test_minimum_notice_and_not_today() -> None:
    now = at(MON, 9, 5)
    policy = Policy(granularity_minutes=10, min_notice=timedelta(hours=2))
    req = request([counter(1)], now, policy=policy)
    assert starts(free_slots(req, MON))[0] == "11:10"  # 11:05 rounded up to the grid
    not_today = Policy(granularity_minutes=10, min_notice=timedelta(0), same_day=False)
    req = request([counter(1)], now, policy=not_today)
    assert free_slots(req, MON) == []
    assert bookable_window(req)[0] == MON + timedelta(days=1)
    assert next_free_days(req, 1) == [MON + timedelta(days=1)]


def test_maximum_days_ahead() -> None:
    policy = Policy(granularity_minutes=10, min_notice=timedelta(0), max_days_ahead=10)
    req = request([counter(1)], at(MON, 7), policy=policy)
    assert bookable_window(req) == (MON, date(2026, 3, 12))
    assert free_slots(req, date(2026, 3, 12)) and not free_slots(req, date(2026, 3, 13))
    assert next_free_days(req, 100)[-1] == date(2026, 3, 12)
    assert len(next_free_days(req, 100)) == 9  # Mon-Fri, Mon-Thu
    assert free_slots_in_range(req, date(2026, 3, 13), date(2026, 3, 20)) == []


def test_multi_service_duration_is_summed() -> None:
    req = request([counter(1)], SUNDAY_BEFORE, demand={"id": 2, "pass": 1})
    assert req.duration == timedelta(minutes=40)
    slots = free_slots(req, MON)
    assert all(s.end - s.start == timedelta(minutes=40) for s in slots)
    assert "11:20" in starts(slots) and "11:30" not in starts(slots)


def test_counter_skills() -> None:
    counters = [counter(1, {"id"}), counter(2, {"id", "pass"}), counter(3, {"car"})]
    both = free_slots(request(counters, SUNDAY_BEFORE, demand={"id": 1, "pass": 1}), MON)
    assert {s.counter_ids for s in both} == {(2,)}
    only_id = free_slots(request(counters, SUNDAY_BEFORE, demand={"id": 1}), MON)
    assert {s.counter_ids for s in only_id} == {(1, 2)}
    nothing = request(counters, SUNDAY_BEFORE, demand={"id": 1, "car": 1})
    assert earliest_slot(nothing) is None and next_free_days(nothing, 3) == []


def test_bookings_block_and_touching_is_fine() -> None:
    booked = Booking(1, at(MON, 9), at(MON, 9, 30))
    req = request([counter(1)], SUNDAY_BEFORE, demand={"car": 1}, bookings=[booked])
    got = starts(free_slots(req, MON))
    assert "08:30" in got  # ends exactly when the booking starts
    assert not {"08:40", "08:50", "09:00", "09:10", "09:20"} & set(got)
    assert "09:30" in got


def test_exact_fits_between_bookings_and_before_closing() -> None:
    bookings = [
        Booking(1, at(MON, 8), at(MON, 9, 30)),
        Booking(1, at(MON, 10), at(MON, 12)),
        Booking(1, at(MON, 14), at(MON, 17, 30)),
    ]
    req = request([counter(1)], SUNDAY_BEFORE, demand={"car": 1}, bookings=bookings)
    assert starts(free_slots(req, MON)) == ["09:30", "17:30"]


def test_capacity_counts_free_counters() -> None:
    counters = [counter(1), counter(2), counter(3)]
    bookings = [Booking(2, at(MON, 10), at(MON, 11)), Booking(3, at(MON, 10, 30), at(MON, 12))]
    slots = {
        s.start.strftime("%H:%M"): s
        for s in free_slots(request(counters, SUNDAY_BEFORE, bookings=bookings), MON)
    }
    assert slots["09:00"].counter_ids == (1, 2, 3)
    assert slots["10:00"].counter_ids == (1, 3) and slots["10:00"].capacity == 2
    assert slots["10:30"].counter_ids == (1,)
    assert slots["11:00"].counter_ids == (1, 2)
    assert slots["11:50"].counter_ids == (1, 2)


def test_overlapping_holds_are_merged() -> None:
    holds = [
        Booking(1, at(MON, 8), at(MON, 9)),
        Booking(1, at(MON, 8, 30), at(MON, 10)),
        Booking(1, at(MON, 9, 50), at(MON, 10, 20)),
    ]
    index = BookingIndex.build(holds)
    assert len(index.intervals(1)[0]) == 1
    got = starts(free_slots(request([counter(1)], SUNDAY_BEFORE, bookings=holds), MON))
    assert got[0] == "10:20"


def test_grid_anchors_at_each_opening_start_and_mixed_grids_merge() -> None:
    a = counter(1, rules=weekly((time(8, 15), time(9))))
    b = counter(2, rules=weekly((time(8), time(9))))
    slots = free_slots(request([a, b], SUNDAY_BEFORE), MON)
    assert starts(slots) == [
        "08:00",
        "08:10",
        "08:15",
        "08:20",
        "08:25",
        "08:30",
        "08:35",
        "08:40",
        "08:45",
        "08:50",
    ]
    assert [s.counter_ids for s in slots][:3] == [(2,), (2,), (1,)]
    req = request([a, b], SUNDAY_BEFORE)
    assert {s.start: s.counter_ids for s in slots} == oracle(req, [MON])


def test_month_calendar_counts_start_times() -> None:
    policy = Policy(granularity_minutes=10, min_notice=timedelta(0), max_days_ahead=20)
    req = request([counter(1), counter(2)], at(MON, 7), policy=policy)
    cal = month_calendar(req, 2026, 3)
    assert len(cal) == 31 and cal[date(2026, 3, 1)] == 0
    assert cal[MON] == len(free_slots(req, MON)) == 2 * 24
    assert cal[date(2026, 3, 7)] == 0 and cal[date(2026, 3, 23)] == 0  # weekend, too far
    assert set(month_calendar(req, 2026, 12)) == {date(2026, 12, d) for d in range(1, 32)}


def test_earliest_slot_and_across_locations() -> None:
    late = request([counter(1)], SUNDAY_BEFORE, exceptions=(DateException.closure(MON),))
    early = request([counter(7)], SUNDAY_BEFORE)
    slot = earliest_slot(late)
    assert slot is not None and slot.start == at(MON + timedelta(days=1), 8)
    best = earliest_across_locations([("town-hall", late), ("branch", early)])
    assert best is not None and best[0] == "branch" and best[1].start == at(MON, 8)
    tie = earliest_across_locations([("a", early), ("b", request([counter(9)], SUNDAY_BEFORE))])
    assert tie is not None and tie[0] == "a"
    assert earliest_across_locations([]) is None


def test_choose_counter_least_loaded_then_lowest_id() -> None:
    req = request([counter(1), counter(2), counter(3)], SUNDAY_BEFORE)
    slot = free_slots(req, MON)[0]
    assert choose_counter(slot, []) == 1
    load = [Booking(1, at(MON, 15), at(MON, 15, 10)), Booking(2, at(MON, 16), at(MON, 16, 10))]
    assert choose_counter(slot, load) == 3
    other_day = [Booking(3, at(MON + timedelta(days=1), 9), at(MON + timedelta(days=1), 9, 10))]
    assert choose_counter(slot, load + other_day) == 3
    taken = [Booking(c, slot.start, slot.end) for c in (1, 2, 3)]
    assert choose_counter(slot, taken[:2]) == 3
    assert choose_counter(slot, taken) is None


def test_validation() -> None:
    naive_now = at(MON, 8).replace(tzinfo=None)
    with pytest.raises(ValueError):
        request([counter(1)], naive_now)
    with pytest.raises(ValueError):
        request([counter(1)], SUNDAY_BEFORE, demand={"unknown": 1})
    with pytest.raises(ValueError):
        request([counter(1)], SUNDAY_BEFORE, demand={"id": 0})
    with pytest.raises(ValueError):
        request([counter(1), counter(1)], SUNDAY_BEFORE)
    with pytest.raises(ValueError):
        Policy(granularity_minutes=0)
    with pytest.raises(ValueError):
        weekly((time(12), time(8)))
    with pytest.raises(ValueError):
        free_slots(
            request([counter(1)], SUNDAY_BEFORE, bookings=[Booking(1, at(MON, 9), at(MON, 9))]), MON
        )
    assert isinstance(request([counter(1)], SUNDAY_BEFORE), AvailabilityRequest)


def test_index_is_reusable_across_requests_and_input_forms_agree() -> None:
    bookings = [
        Booking(1, at(MON, 9), at(MON, 9, 40)),
        Booking(2, at(MON, 8, 20), at(MON, 11)),
        Booking(1, at(MON, 10, 5), at(MON, 10, 30)),
    ]
    shared = BookingIndex.from_datetimes((b.counter_id, b.start, b.end) for b in bookings)
    epoch = BookingIndex(
        (b.counter_id, int(b.start.timestamp()), int(b.end.timestamp())) for b in bookings
    )
    counters = (counter(1), counter(2))
    policy = Policy(granularity_minutes=5, min_notice=timedelta(0))
    for demand in ({"id": 1}, {"car": 1}, {"id": 1}, {"pass": 2}):
        fresh = request(counters, SUNDAY_BEFORE, demand=demand, bookings=bookings, policy=policy)
        expected = free_slots(fresh, MON)
        for index in (shared, epoch):
            reused = AvailabilityRequest(
                counters, demand, fresh.durations, index, policy, SUNDAY_BEFORE
            )
            assert free_slots(reused, MON) == expected
        assert {s.start: s.counter_ids for s in expected} == oracle(fresh, [MON])


def test_integer_service_ids() -> None:
    c = Counter(1, frozenset({101, 102}), OFFICE_HOURS)
    req = AvailabilityRequest((c,), {101: 2}, {101: 15, 102: 5}, [], Policy(), SUNDAY_BEFORE)
    slot = earliest_slot(req)
    assert slot is not None and slot.end - slot.start == timedelta(minutes=30)


def test_an_index_made_from_per_counter_indexes_answers_like_one_built_at_once():
    per_counter = {1: ([0, 100, 300], [50, 200, 400]), 2: ([10], [20])}
    whole = BookingIndex.from_intervals(per_counter)
    parts = {c: BookingIndex.from_intervals({c: lists}) for c, lists in per_counter.items()}
    joined = BookingIndex.from_counters(parts)
    for c in (1, 2, 3):
        assert joined.intervals(c) == whole.intervals(c)
        assert joined.gaps_at_least(c, 60) == whole.gaps_at_least(c, 60)
        assert joined.overlapping(c, 120, 310) == whole.overlapping(c, 120, 310)
