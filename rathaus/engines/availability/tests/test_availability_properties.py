"""Property tests: offered slots are bookable, sequential booking never overbooks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.engines.availability import (
    AvailabilityRequest,
    Booking,
    BookingIndex,
    Counter,
    DateException,
    OpeningRule,
    Policy,
    choose_counter,
    earliest_across_locations,
    earliest_slot,
    free_slots_in_range,
    month_calendar,
    next_free_days,
)

from .helpers import BERLIN, at, oracle, request, wall_intervals

# a week in May 2026: no DST change, so the brute-force oracle's wall-clock maths is exact
FIRST = date(2026, 5, 4)
DAYS = [FIRST + timedelta(days=d) for d in range(8)]
SERVICES = ("id", "pass", "car")
PROFILE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def wall_interval(draw: st.DrawFn) -> tuple[time, time]:
    start = draw(st.integers(6 * 12, 19 * 12))  # 5-minute steps
    length = draw(st.integers(1, 8 * 12))
    end = min(start + length, 24 * 12 - 1)
    return time(start // 12, start % 12 * 5), time(end // 12, end % 12 * 5)


@st.composite
def counters(draw: st.DrawFn) -> list[Counter]:
    n = draw(st.integers(1, 4))
    out = []
    for cid in range(1, n + 1):
        services = draw(st.sets(st.sampled_from(SERVICES), min_size=1))
        rules = tuple(
            OpeningRule(wd, s, e)
            for wd in range(7)
            for s, e in draw(st.lists(wall_interval(), max_size=2))
        )
        exceptions = tuple(
            DateException(day, tuple(draw(st.lists(wall_interval(), max_size=2))))
            for day in draw(st.sets(st.sampled_from(DAYS), max_size=2))
        )
        out.append(Counter(cid * 10, frozenset(services), rules, exceptions))
    return out


@st.composite
def bookings_for(draw: st.DrawFn, ids: list[int], disjoint: bool) -> list[Booking]:
    out: list[Booking] = []
    for cid in ids:
        for day in draw(st.sets(st.sampled_from(DAYS), max_size=4)):
            minute = 6 * 60
            for _ in range(draw(st.integers(0, 6))):
                # mostly on the 5-minute grid, so that exact fits are common
                step = draw(st.sampled_from([5, 5, 5, 1]))
                start = minute + step * draw(st.integers(0, 120 // step))
                length = step * draw(st.integers(1, 90 // step))
                if start + length >= 24 * 60:
                    break
                begin = at(day, start // 60, start % 60)
                out.append(Booking(cid, begin, begin + timedelta(minutes=length)))
                # holds may overlap each other unless the caller wants real bookings
                minute = start + length if disjoint else start
    return out


@st.composite
def requests(draw: st.DrawFn, disjoint: bool = False) -> AvailabilityRequest:
    cs = draw(counters())
    demand = draw(st.dictionaries(st.sampled_from(SERVICES), st.integers(1, 2), min_size=1))
    durations = {s: draw(st.sampled_from([5, 10, 15, 20, 25, 45])) for s in SERVICES}
    policy = Policy(
        granularity_minutes=draw(st.sampled_from([5, 10, 15, 30])),
        min_notice=timedelta(minutes=draw(st.integers(0, 300))),
        same_day=draw(st.booleans()),
        max_days_ahead=draw(st.integers(0, 6)),
    )
    now = at(FIRST, 0) + timedelta(minutes=draw(st.integers(0, 24 * 60 - 1)))
    return request(
        cs,
        now,
        demand=demand,
        bookings=draw(bookings_for([c.id for c in cs], disjoint)),
        policy=policy,
        exceptions=tuple(
            DateException(day, tuple(draw(st.lists(wall_interval(), max_size=1))))
            for day in draw(st.sets(st.sampled_from(DAYS), max_size=1))
        ),
        holidays=frozenset(draw(st.sets(st.sampled_from(DAYS), max_size=1))),
        durations=durations,
    )


def overlaps(a: Booking | tuple[datetime, datetime], b: Booking) -> bool:
    start, end = (a.start, a.end) if isinstance(a, Booking) else a
    return start < b.end and b.start < end


@PROFILE
@given(requests())
def test_every_offered_slot_is_bookable_and_matches_brute_force(req: AvailabilityRequest) -> None:
    slots = free_slots_in_range(req, DAYS[0], DAYS[-1])
    by_id = {c.id: c for c in req.counters}
    bookings = list(req.bookings)  # type: ignore[arg-type]
    for slot in slots:
        assert slot.end - slot.start == req.duration
        assert slot.start >= req.now + req.policy.min_notice
        assert slot.counter_ids and list(slot.counter_ids) == sorted(set(slot.counter_ids))
        day = slot.start.date()
        for cid in slot.counter_ids:
            assert set(req.demand) <= by_id[cid].service_ids
            assert not any(
                overlaps((slot.start, slot.end), b) for b in bookings if b.counter_id == cid
            )
            local_start, local_end = slot.start.time(), slot.end.time()
            assert slot.end.date() == day
            assert any(
                s <= local_start and local_end <= e for s, e in wall_intervals(req, by_id[cid], day)
            )
    # completeness: exactly the starts a brute-force search finds, with the same counters
    assert {s.start: s.counter_ids for s in slots} == oracle(req, DAYS)
    assert [s.start for s in slots] == sorted({s.start for s in slots})
    # the other views agree with the slot list
    cal = month_calendar(req, 2026, 5)
    for day in DAYS:
        assert cal[day] == sum(1 for s in slots if s.start.date() == day)
    assert next_free_days(req, 3) == sorted({s.start.date() for s in slots})[:3]


@settings(PROFILE, max_examples=60)
@given(requests(disjoint=True), st.data())
def test_booking_offered_slots_one_after_another_never_overbooks(
    req: AvailabilityRequest, data: st.DataObject
) -> None:
    bookings = list(req.bookings)  # type: ignore[arg-type]
    n_counters = len(req.counters)
    new: list[Booking] = []
    for _ in range(12):
        current = AvailabilityRequest(
            req.counters,
            req.demand,
            req.durations,
            bookings,
            req.policy,
            req.now,
            req.exceptions,
            req.holidays,
        )
        slots = free_slots_in_range(current, DAYS[0], DAYS[-1])
        if not slots:
            break
        slot = data.draw(st.sampled_from(slots))
        if data.draw(st.booleans()):
            cid = choose_counter(slot, bookings)
            assert cid is not None and cid in slot.counter_ids
        else:
            cid = data.draw(st.sampled_from(slot.counter_ids))
        booking = Booking(cid, slot.start, slot.end)
        assert not any(overlaps(booking, b) for b in bookings if b.counter_id == cid)
        bookings.append(booking)
        new.append(booking)
    # at every instant: at most one booking per counter, at most n_counters in total
    for probe in {b.start for b in bookings}:
        active = [b for b in bookings if b.start <= probe < b.end]
        assert len(active) <= n_counters
        assert len({b.counter_id for b in active}) == len(active)
    assert all(b.start.tzinfo is BERLIN for b in new)


@settings(PROFILE, max_examples=40)
@given(st.lists(requests(), min_size=1, max_size=3))
def test_earliest_across_locations_is_the_minimum_of_each_location(
    reqs: list[AvailabilityRequest],
) -> None:
    best = earliest_across_locations(list(enumerate(reqs)))
    candidates = [(s.start, i, s) for i, r in enumerate(reqs) if (s := earliest_slot(r))]
    if not candidates:
        assert best is None
    else:
        start, i, slot = min(candidates, key=lambda c: (c[0], c[1]))
        assert best == (i, slot)


@given(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 500), st.integers(1, 60)), max_size=40))
@PROFILE
def test_an_index_from_ordered_intervals_equals_one_from_rows(rows):
    """The incremental index hands over per-counter lists; they must mean the same busy time."""
    epoch_rows = [(counter, start, start + length) for counter, start, length in rows]
    per_counter: dict[int, tuple[list[int], list[int]]] = {}
    for counter, start, end in sorted(epoch_rows, key=lambda r: r[1]):
        starts, ends = per_counter.setdefault(counter, ([], []))
        starts.append(start)
        ends.append(end)
    from_rows = BookingIndex(epoch_rows)
    from_lists = BookingIndex.from_intervals(per_counter)
    for counter in (1, 2, 3):
        assert from_lists.intervals(counter) == from_rows.intervals(counter)
        assert from_lists.gaps_at_least(counter, 30) == from_rows.gaps_at_least(counter, 30)
