"""Day results kept between requests (``DayMemo``) answer exactly what a fresh computation
answers, also after the clock moved on and bookings changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rathaus.engines.availability import (
    AvailabilityRequest,
    Booking,
    BookingIndex,
    MemoKind,
    day_bounds,
    free_slots,
    month_calendar,
    next_free_days,
)

from .helpers import at, counter, request
from .test_availability_properties import DAYS, FIRST, PROFILE, bookings_for, requests


class BusyKeyedMemo:
    """A memo as the contract asks: a stored result counts only for the same busy intervals
    overlapping its local day (the app keys by its index's day copies instead)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[MemoKind, date], tuple[tuple, object]] = {}
        self.request: AvailabilityRequest | None = None
        self.asked: set[date] = set()

    def _busy(self, day: date) -> tuple:
        assert self.request is not None
        lo, hi = day_bounds(self.request.policy.timezone, day)
        index = self.request.index
        out = []
        for counter_id in sorted(c.id for c in self.request.counters):
            starts, ends = index.intervals(counter_id)
            out.append(
                tuple((s, e) for s, e in zip(starts, ends, strict=True) if s < hi and e > lo)
            )
        return tuple(out)

    def get(self, kind: MemoKind, day: date):
        self.asked.add(day)
        hit = self.entries.get((kind, day))
        return hit[1] if hit is not None and hit[0] == self._busy(day) else None

    def put(self, kind: MemoKind, day: date, value: object) -> None:
        self.entries[(kind, day)] = (self._busy(day), value)


def _answers(request: AvailabilityRequest, memo: BusyKeyedMemo | None):
    if memo is not None:
        memo.request = request
    months = {(d.year, d.month) for d in DAYS}
    return (
        [month_calendar(request, y, m, memo) for y, m in sorted(months)],
        next_free_days(request, 10),
        {day: free_slots(request, day, memo) for day in DAYS},
    )


@PROFILE
@given(
    first=requests(),
    later_minutes=st.integers(0, 3 * 24 * 60),
    changed=st.data(),
)
def test_kept_day_results_equal_a_fresh_computation_after_time_and_bookings_moved(
    first: AvailabilityRequest, later_minutes: int, changed: st.DataObject
) -> None:
    """Answers through the memo, then again with a later ``now`` and other bookings through
    the same memo: every answer equals the engine's without a memo."""
    memo = BusyKeyedMemo()
    assert _answers(first, memo) == _answers(first, None)
    assert not isinstance(first.bookings, BookingIndex)  # the strategy passes Booking lists
    kept = [b for b in first.bookings if changed.draw(st.booleans())]  # the rest cancelled
    added: list[Booking] = changed.draw(bookings_for([c.id for c in first.counters], False))
    second = replace(first, now=first.now + timedelta(minutes=later_minutes), bookings=kept + added)
    assert _answers(second, memo) == _answers(second, None)


def test_a_day_that_starts_before_the_minimum_notice_is_never_taken_from_the_memo() -> None:
    """Today's slots depend on the clock: the engine computes them itself every time."""
    req = request([counter(1)], at(FIRST, 9))
    memo = BusyKeyedMemo()
    _answers(req, memo)
    assert FIRST not in memo.asked
    assert FIRST + timedelta(days=1) in memo.asked
