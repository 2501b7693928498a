"""Availability computation: free slots per day, ranges, calendars, earliest slots.

Per request a :class:`_Plan` resolves the eligible counters, total duration and the
bookable window once. Each day is then computed independently and lazily:

1. opening intervals per counter (counter exception > location exception > holiday >
   weekly rules), converted to epoch seconds once per (date, intervals) via an LRU cache;
2. free gaps = opening minus the counter's busy intervals, found by bisect;
3. slot starts per gap as a ``range`` on the grid anchored at the opening interval's
   start (elapsed time), so the work is per gap, not per minute;
4. starts are merged across counters into one slot per start time.

A caller may pass a :class:`DayMemo` to keep single days' results between requests. It is
asked only for days that start at or after ``now + min_notice`` – such a day's result does
not depend on ``now`` (the window's first and last date are applied outside) – and must
answer only for the same request inputs apart from ``now`` and the same busy intervals
overlapping that local day.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from .bookings import Booking
from .clock import day_bounds, repeated_range, wall_to_epoch
from .model import AvailabilityRequest, CounterId, DateException, Slot, WallInterval
from .runs import Run, drop_between, merge_ranges, run_length, runs_to_slots

__all__ = [
    "DayMemo",
    "bookable_window",
    "choose_counter",
    "earliest_across_locations",
    "earliest_slot",
    "free_slots",
    "free_slots_in_range",
    "iter_free_days",
    "month_calendar",
    "next_free_days",
]

K = TypeVar("K")
_ONE_DAY = timedelta(days=1)


MemoKind = str | tuple[str, int]


class DayMemo(Protocol):
    """Results of single local days kept by the caller: kinds "count" and "slots" (the
    day's), and ``("starts", counter_id)`` (one counter's free start ranges that day – it
    depends only on that counter's busy time, so a memo may key it by that alone)."""

    def get(self, kind: MemoKind, day: date) -> Any: ...

    def put(self, kind: MemoKind, day: date, value: Any) -> None: ...


def _merge_wall(intervals: Iterable[WallInterval]) -> tuple[WallInterval, ...]:
    """Union of wall intervals; touching ones merge (the counter is open throughout)."""
    out: list[WallInterval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return tuple(out)


def _exception_map(exceptions: Iterable[DateException]) -> dict[date, tuple[WallInterval, ...]]:
    grouped: dict[date, list[WallInterval]] = {}
    for exc in exceptions:
        grouped.setdefault(exc.date, []).extend(exc.intervals)
    return {day: _merge_wall(ivs) for day, ivs in grouped.items()}


def _open_epoch(
    tzkey: str, day: date, wall: tuple[WallInterval, ...]
) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for start, end in wall:
        a = wall_to_epoch(tzkey, day, start)
        b = wall_to_epoch(tzkey, day, end)
        if b <= a:  # the interval lay inside a spring-forward gap
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)


class _CounterPlan:
    __slots__ = ("busy_ends", "busy_starts", "exceptions", "id", "long_gaps", "weekly")

    def __init__(
        self,
        counter_id: CounterId,
        weekly: tuple[tuple[WallInterval, ...], ...],
        exceptions: dict[date, tuple[WallInterval, ...]],
        busy: tuple[list[int], list[int]],
        long_gaps: list[int],
    ) -> None:
        self.id = counter_id
        self.weekly = weekly
        self.exceptions = exceptions
        self.busy_starts, self.busy_ends = busy
        self.long_gaps = long_gaps


class _Plan:
    """Per-request precomputation shared by all days of one call."""

    def __init__(self, request: AvailabilityRequest, memo: DayMemo | None = None) -> None:
        policy = request.policy
        self.memo = memo
        self.tz = policy.tz
        self.tzkey = policy.timezone
        self.grid = policy.granularity_minutes * 60
        self.duration = int(request.duration.total_seconds())
        self.holidays = request.holidays
        self.location_exceptions = _exception_map(request.exceptions)
        wanted = set(request.demand)
        counters = sorted(
            (c for c in request.counters if wanted <= c.service_ids), key=lambda c: c.id
        )
        # equal schedules share one tuple, so the epoch conversion cache below can be
        # keyed by identity and is shared by all counters with the same hours
        interned: dict[tuple[WallInterval, ...], tuple[WallInterval, ...]] = {}
        for day, wall in self.location_exceptions.items():
            self.location_exceptions[day] = interned.setdefault(wall, wall)
        self.counters = []
        for c in counters:
            weekly = tuple(
                _merge_wall((r.start, r.end) for r in c.opening_rules if r.weekday == wd)
                for wd in range(7)
            )
            exceptions = _exception_map(c.exceptions)
            self.counters.append(
                _CounterPlan(
                    c.id,
                    tuple(interned.setdefault(w, w) for w in weekly),
                    {d: interned.setdefault(w, w) for d, w in exceptions.items()},
                    request.index.intervals(c.id),
                    request.index.gaps_at_least(c.id, self.duration),
                )
            )
        self._interned = interned  # keeps the ids used as cache keys alive
        now_local = request.now.astimezone(self.tz)
        today = now_local.date()
        self.earliest = int((request.now + policy.min_notice).timestamp())
        self.first_date = today if policy.same_day else today + _ONE_DAY
        self.last_date = today + timedelta(days=policy.max_days_ahead)
        self._open_cache: dict[tuple[date, int], tuple[tuple[int, int], ...]] = {}

    def opening(self, cp: _CounterPlan, day: date) -> tuple[tuple[int, int], ...]:
        wall = cp.exceptions.get(day)
        if wall is None:
            wall = self.location_exceptions.get(day)
            if wall is None:
                wall = () if day in self.holidays else cp.weekly[day.weekday()]
        if not wall:
            return ()
        key = (day, id(wall))
        opened = self._open_cache.get(key)
        if opened is None:
            opened = self._open_cache[key] = _open_epoch(self.tzkey, day, wall)
        return opened

    def counter_starts(self, cp: _CounterPlan, day: date) -> list[range]:
        """Grid ranges of feasible start instants for one counter on one day."""
        out: list[range] = []
        grid, duration, earliest = self.grid, self.duration, self.earliest
        starts, ends, long_gaps = cp.busy_starts, cp.busy_ends, cp.long_gaps
        for s0, e0 in self.opening(cp, day):
            if e0 - duration < earliest:
                continue
            i = bisect_right(ends, s0)  # first busy block ending after s0
            j = bisect_left(starts, e0)  # first busy block starting at or after e0
            if i == j:
                gaps: Iterable[tuple[int, int]] = ((s0, e0),)
            else:
                # edge gaps, plus the precomputed long gaps between blocks i..j-1: the
                # work is independent of the number of bookings
                gaps = [(s0, starts[i])] if starts[i] - s0 >= duration else []
                lo = bisect_left(long_gaps, i)
                hi = bisect_left(long_gaps, j - 1, lo)
                gaps += [(ends[k], starts[k + 1]) for k in long_gaps[lo:hi]]
                if e0 - ends[j - 1] >= duration:
                    gaps.append((ends[j - 1], e0))
            # first grid point >= max(gap start, earliest), grid anchored at s0
            out += [
                range(first, b - duration + 1, grid)
                for a, b in gaps
                if (first := s0 - ((s0 - (a if a > earliest else earliest)) // grid) * grid)
                <= b - duration
            ]
        return out

    def _starts(self, cp: _CounterPlan, day: date, memo: DayMemo | None) -> Sequence[range]:
        """:meth:`counter_starts`, through the memo if given: after a booking only its
        counter's ranges are computed again, the other counters' come from the memo."""
        if memo is None:
            return self.counter_starts(cp, day)
        kind = ("starts", cp.id)
        found = memo.get(kind, day)
        if found is None:
            found = tuple(self.counter_starts(cp, day))
            memo.put(kind, day, found)
        return found

    def day_runs(self, day: date) -> list[Run]:
        """Runs of free starts on ``day`` (see :mod:`.runs`), in start order."""
        per_counter = []
        memo = self._memo_for(day)
        for cp in self.counters:
            ranges = self._starts(cp, day, memo)
            if ranges:
                per_counter.append((cp.id, ranges))
        runs = merge_ranges(per_counter, self.grid)
        if runs:
            rep = repeated_range(self.tzkey, day)
            if rep is not None:
                runs = drop_between(runs, rep[0], rep[1], self.grid)
        return runs

    def _memo_for(self, day: date) -> DayMemo | None:
        """The memo if ``day`` starts at or after the earliest allowed start: then every
        opening interval does, and the day's slots are the same for any such ``now``."""
        if self.memo is None or day_bounds(self.tzkey, day)[0] < self.earliest:
            return None
        return self.memo

    def day_has_slot(self, day: date) -> bool:
        # no memo: the first counter with a start answers in microseconds, less than a
        # memo look-up costs (measured: the 60-day list got slower with one)
        if repeated_range(self.tzkey, day) is not None:
            return bool(self.day_runs(day))
        return any(self.counter_starts(cp, day) for cp in self.counters)

    def day_count(self, day: date) -> int:
        memo = self._memo_for(day)
        if memo is None:
            return self._count(day)
        count = memo.get("count", day)
        if count is None:
            count = self._count(day)
            memo.put("count", day, count)
        return int(count)

    def _count(self, day: date) -> int:
        if repeated_range(self.tzkey, day) is not None:
            return sum(run_length(run, self.grid) for run in self.day_runs(day))
        # the runs partition the distinct free starts, so their count is the size of the
        # union of the counters' start ranges – a set built in C, ~20x cheaper than merging
        # the ranges into runs first (a month calendar recomputes the days a booking touched)
        starts: set[int] = set()
        memo = self._memo_for(day)
        for cp in self.counters:
            for r in self._starts(cp, day, memo):
                starts.update(r)
        return len(starts)

    def to_slots(self, runs: list[Run]) -> list[Slot]:
        if not runs:
            return []
        tz = self.tz
        first_offset = datetime.fromtimestamp(runs[0][0], tz).utcoffset()
        last_offset = datetime.fromtimestamp(runs[-1][1] + self.duration, tz).utcoffset()
        # offsets change at most twice a year, months apart: equal ends mean no change
        uniform = first_offset == last_offset and runs[-1][1] - runs[0][0] < 7 * 86400
        return runs_to_slots(runs, self.grid, self.duration, tz, uniform)

    def day_slots(self, day: date) -> list[Slot]:
        memo = self._memo_for(day)
        if memo is None:
            return self.to_slots(self.day_runs(day))
        slots = memo.get("slots", day)
        if slots is None:
            slots = tuple(self.to_slots(self.day_runs(day)))
            memo.put("slots", day, slots)
        return list(slots)

    def days(self, start: date | None = None, end: date | None = None) -> Iterator[date]:
        day = self.first_date if start is None or start < self.first_date else start
        last = self.last_date if end is None or end > self.last_date else end
        while day <= last:
            yield day
            day += _ONE_DAY


def bookable_window(request: AvailabilityRequest) -> tuple[date, date]:
    """(first, last) local date that may hold slots under the request's policy."""
    plan = _Plan(request)
    return plan.first_date, plan.last_date


def free_slots(request: AvailabilityRequest, day: date, memo: DayMemo | None = None) -> list[Slot]:
    """Free slots on one local date, ordered by start ([] outside the bookable window)."""
    plan = _Plan(request, memo)
    if not plan.first_date <= day <= plan.last_date:
        return []
    return plan.day_slots(day)


def iter_free_days(
    request: AvailabilityRequest,
    start_date: date | None = None,
    end_date: date | None = None,
    memo: DayMemo | None = None,
) -> Iterator[tuple[date, list[Slot]]]:
    """Lazily yield (date, slots) for each date with at least one slot, in order."""
    plan = _Plan(request, memo)
    for day in plan.days(start_date, end_date):
        slots = plan.day_slots(day)
        if slots:
            yield day, slots


def free_slots_in_range(
    request: AvailabilityRequest, start_date: date, end_date: date
) -> list[Slot]:
    """All free slots from ``start_date`` to ``end_date`` inclusive, ordered by start."""
    return [s for _, slots in iter_free_days(request, start_date, end_date) for s in slots]


def next_free_days(request: AvailabilityRequest, limit: int) -> list[date]:
    """The first ``limit`` bookable dates with at least one slot (stops early)."""
    plan = _Plan(request)
    found: list[date] = []
    if limit <= 0:
        return found
    for day in plan.days():
        if plan.day_has_slot(day):
            found.append(day)
            if len(found) >= limit:
                break
    return found


def month_calendar(
    request: AvailabilityRequest, year: int, month: int, memo: DayMemo | None = None
) -> dict[date, int]:
    """Every date of the month -> number of free slots (start times), 0 if none."""
    plan = _Plan(request, memo)
    first = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    out: dict[date, int] = {}
    day = first
    while day < nxt:
        out[day] = plan.day_count(day) if plan.first_date <= day <= plan.last_date else 0
        day += _ONE_DAY
    return out


def _day_earliest(plan: _Plan, day: date) -> Slot | None:
    runs = plan.day_runs(day)
    return plan.to_slots([(runs[0][0], runs[0][0], runs[0][2])])[0] if runs else None


def earliest_slot(request: AvailabilityRequest) -> Slot | None:
    """The earliest free slot in the bookable window, or None."""
    plan = _Plan(request)
    for day in plan.days():
        slot = _day_earliest(plan, day)
        if slot is not None:
            return slot
    return None


def earliest_across_locations(
    requests: Iterable[tuple[K, AvailabilityRequest]],
) -> tuple[K, Slot] | None:
    """Earliest slot over several locations; ties go to the location listed first.

    Days of all locations are visited in order of their start instant and the search
    stops once no later day can beat the best slot, so a location with a slot
    tomorrow saves scanning the others' whole windows.
    """
    plans: list[tuple[K, _Plan, Iterator[date]]] = []
    heap: list[tuple[int, int, date]] = []
    for order, (key, request) in enumerate(requests):
        plan = _Plan(request)
        days = plan.days()
        plans.append((key, plan, days))
        first = next(days, None)
        if first is not None:
            heap.append((day_bounds(plan.tzkey, first)[0], order, first))
    heapq.heapify(heap)
    best: tuple[int, int, Slot] | None = None
    while heap:
        day_start, order, day = heapq.heappop(heap)
        if best is not None and day_start >= best[0]:
            break  # every slot of this or a later day starts after the best one
        key, plan, days = plans[order]
        slot = _day_earliest(plan, day)
        if slot is not None:
            ts = int(slot.start.timestamp())
            if best is None or (ts, order) < best[:2]:
                best = (ts, order, slot)
            continue  # later days of this location cannot be earlier
        nxt = next(days, None)
        if nxt is not None:
            heapq.heappush(heap, (day_bounds(plan.tzkey, nxt)[0], order, nxt))
    if best is None:
        return None
    return plans[best[1]][0], best[2]


def choose_counter(slot: Slot, bookings: Iterable[Booking]) -> CounterId | None:
    """Pick the counter for booking ``slot``: least loaded that day, then lowest id.

    Load is the number of bookings starting on the slot's local date. Counters with a
    booking overlapping the slot (e.g. taken since the slot was computed) are skipped;
    returns None if none is left.
    """
    tz = slot.start.tzinfo
    day = slot.start.date()
    load: dict[CounterId, int] = dict.fromkeys(slot.counter_ids, 0)
    blocked: set[CounterId] = set()
    for b in bookings:
        if b.counter_id not in load:
            continue
        if b.start < slot.end and slot.start < b.end:
            blocked.add(b.counter_id)
        if b.start.astimezone(tz).date() == day:
            load[b.counter_id] += 1
    candidates = [c for c in slot.counter_ids if c not in blocked]
    if not candidates:
        return None
    return min(candidates, key=lambda c: (load[c], c))
