"""Builders and a brute-force oracle shared by the availability tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rathaus.engines.availability import (
    AvailabilityRequest,
    Booking,
    BookingIndex,
    Counter,
    DateException,
    OpeningRule,
    Policy,
)

BERLIN = ZoneInfo("Europe/Berlin")
DURATIONS = {"id": 10, "pass": 20, "car": 30}


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), BERLIN)


def weekly(
    *intervals: tuple[time, time], weekdays: Iterable[int] = range(5)
) -> tuple[OpeningRule, ...]:
    return tuple(OpeningRule(wd, s, e) for wd in weekdays for s, e in intervals)


OFFICE_HOURS = weekly((time(8), time(12)), (time(14), time(18)))


def counter(
    cid: int,
    services: Iterable[str] = ("id", "pass", "car"),
    rules: tuple[OpeningRule, ...] = OFFICE_HOURS,
    exceptions: tuple[DateException, ...] = (),
) -> Counter:
    return Counter(cid, frozenset(services), rules, exceptions)


def request(
    counters: Sequence[Counter],
    now: datetime,
    demand: Mapping[str, int] | None = None,
    bookings: Iterable[Booking] = (),
    policy: Policy | None = None,
    exceptions: tuple[DateException, ...] = (),
    holidays: frozenset[date] = frozenset(),
    durations: Mapping[str, int] = DURATIONS,
) -> AvailabilityRequest:
    return AvailabilityRequest(
        counters=tuple(counters),
        demand=demand or {"id": 1},
        durations=durations,
        bookings=list(bookings),
        policy=policy or Policy(granularity_minutes=10, min_notice=timedelta(0)),
        now=now,
        exceptions=exceptions,
        holidays=holidays,
    )


def wall_intervals(req: AvailabilityRequest, c: Counter, day: date) -> list[tuple[time, time]]:
    """Opening of a counter on a date, re-derived independently of the engine."""
    for exc_list in (c.exceptions, req.exceptions):
        found = [e for e in exc_list if e.date == day]
        if found:
            raw = [iv for e in found for iv in e.intervals]
            break
    else:
        if day in req.holidays:
            return []
        raw = [(r.start, r.end) for r in c.opening_rules if r.weekday == day.weekday()]
    merged: list[tuple[time, time]] = []
    for s, e in sorted(raw):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def oracle(req: AvailabilityRequest, days: Iterable[date]) -> dict[datetime, tuple[int, ...]]:
    """start -> counters by brute force; valid on dates without a DST change only."""
    policy = req.policy
    today = req.now.astimezone(BERLIN).date()
    first = today if policy.same_day else today + timedelta(days=1)
    last = today + timedelta(days=policy.max_days_ahead)
    earliest = req.now + policy.min_notice
    duration = req.duration
    grid = timedelta(minutes=policy.granularity_minutes)
    out: dict[datetime, list[int]] = {}
    assert not isinstance(req.bookings, BookingIndex)
    bookings = list(req.bookings)
    for day in days:
        if not first <= day <= last:
            continue
        for c in sorted(req.counters, key=lambda c: c.id):
            if not set(req.demand) <= c.service_ids:
                continue
            for s, e in wall_intervals(req, c, day):
                start, end = at(day, s.hour, s.minute), at(day, e.hour, e.minute)
                t = start
                while t + duration <= end:
                    busy = any(
                        b.counter_id == c.id and b.start < t + duration and t < b.end
                        for b in bookings
                    )
                    if t >= earliest and not busy:
                        out.setdefault(t, []).append(c.id)
                    t += grid
    return {t: tuple(ids) for t, ids in sorted(out.items())}
