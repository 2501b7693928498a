"""Timing sanity check of the availability engine (prints a table, asserts nothing).

Scenario: one location, 20 counters, 50,000 bookings spread over the next 60 days
(about 80 % of the opening time booked, fragmented), a request for 2 services totalling
15 minutes on a 5-minute grid. Usage: .venv/bin/python bench/availability_engine.py [runs]
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time as clock
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from rathaus.engines.availability import (  # noqa: E402
    AvailabilityRequest,
    Booking,
    BookingIndex,
    Counter,
    OpeningRule,
    Policy,
    earliest_slot,
    free_slots_in_range,
    month_calendar,
    next_free_days,
    public_holidays,
)

BERLIN = ZoneInfo("Europe/Berlin")
N_COUNTERS = 20
N_BOOKINGS = 50_000
DAYS = 60


def build_location(seed: int = 1) -> tuple[tuple[Counter, ...], list[Booking], datetime]:
    rng = random.Random(seed)
    rules = tuple(
        OpeningRule(wd, start, end)
        for wd in range(5)
        for start, end in ((time(7, 30), time(12, 30)), (time(13, 30), time(19, 30)))
    ) + (OpeningRule(5, time(8), time(13)),)
    counters = tuple(
        Counter(i, frozenset({"id_card", "passport", "car"} if i % 5 else {"id_card"}), rules)
        for i in range(1, N_COUNTERS + 1)
    )
    now = datetime(2026, 3, 2, 7, 0, tzinfo=BERLIN)
    by_day: dict[int, list[tuple[int, int]]] = {}
    for c in counters:
        for r in c.opening_rules:
            by_day.setdefault(r.weekday, []).append(
                (r.start.hour * 60 + r.start.minute, r.end.hour * 60 + r.end.minute)
            )
        break
    candidates: list[Booking] = []
    for offset in range(DAYS + 1):
        day = now.date() + timedelta(days=offset)
        for c in counters:
            for lo, hi in by_day.get(day.weekday(), ()):
                minute = lo
                while True:
                    minute += rng.choice((0, 0, 5))  # gap
                    length = rng.choice((5, 10))
                    if minute + length > hi:
                        break
                    start = datetime.combine(day, time(minute // 60, minute % 60), BERLIN)
                    candidates.append(Booking(c.id, start, start + timedelta(minutes=length)))
                    minute += length
    bookings = rng.sample(candidates, N_BOOKINGS)
    bookings.sort(key=lambda b: b.start)  # the app reads them ORDER BY start
    # Django hands out UTC-aware datetimes (USE_TZ=True)
    bookings = [
        Booking(b.counter_id, b.start.astimezone(UTC), b.end.astimezone(UTC)) for b in bookings
    ]
    return counters, bookings, now


def measure(fn: Callable[[], object], runs: int) -> tuple[float, float, float, float]:
    """(wall p50, wall p95, cpu p50, cpu p95) in ms; CPU time is less disturbed by
    other processes on a shared machine."""
    wall, cpu = [], []
    fn()  # warm caches (LRU of wall-clock conversions, as in a running web process)
    for _ in range(runs):
        w0, c0 = clock.perf_counter(), clock.process_time()
        fn()
        wall.append((clock.perf_counter() - w0) * 1000)
        cpu.append((clock.process_time() - c0) * 1000)
    return (*_p50_p95(wall), *_p50_p95(cpu))


def _p50_p95(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    counters, bookings, now = build_location()
    holidays = public_holidays("NW", [2026])
    epoch_rows = [
        (b.counter_id, int(b.start.timestamp()), int(b.end.timestamp())) for b in bookings
    ]
    dt_rows = [(b.counter_id, b.start, b.end) for b in bookings]
    policy = Policy(granularity_minutes=5, min_notice=timedelta(hours=2), max_days_ahead=DAYS)
    demand = {"id_card": 1, "passport": 1}
    durations = {"id_card": 5, "passport": 10, "car": 20}
    shared = BookingIndex(epoch_rows)

    def request(index: BookingIndex) -> AvailabilityRequest:
        return AvailabilityRequest(counters, demand, durations, index, policy, now, (), holidays)

    start, end = now.date(), now.date() + timedelta(days=DAYS)
    slots = free_slots_in_range(request(shared), start, end)
    cases: list[tuple[str, Callable[[], object]]] = [
        ("index build from 50k Booking objects", lambda: BookingIndex.build(bookings)),
        ("index build from 50k (id, dt, dt) rows", lambda: BookingIndex.from_datetimes(dt_rows)),
        ("index build from 50k epoch rows", lambda: BookingIndex(epoch_rows)),
        (
            "free_slots_in_range 60 d, fresh index",
            lambda: free_slots_in_range(request(BookingIndex(epoch_rows)), start, end),
        ),
        (
            "free_slots_in_range 60 d, reused index",
            lambda: free_slots_in_range(request(shared), start, end),
        ),
        (
            "next_free_days(5), fresh index",
            lambda: next_free_days(request(BookingIndex(epoch_rows)), 5),
        ),
        ("next_free_days(5), reused index", lambda: next_free_days(request(shared), 5)),
        ("earliest_slot, reused index", lambda: earliest_slot(request(shared))),
        ("month_calendar, reused index", lambda: month_calendar(request(shared), 2026, 4)),
        (
            "free_slots_in_range 60 d, no bookings",
            lambda: free_slots_in_range(request(BookingIndex()), start, end),
        ),
    ]
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(f"python {platform.python_version()}, os.cpu_count()={os.cpu_count()}, runs={runs}")
    print(
        f"{N_COUNTERS} counters, {len(bookings)} bookings, {DAYS} days, "
        f"{len(slots)} free slots (start times) in the window"
    )
    # a fixed pure-Python workload measured in the same run: ratios to it are comparable
    # between machines and less sensitive to load than absolute figures
    baseline = measure(lambda: sum(i * i for i in range(200_000)), runs)[2]
    print(f"baseline (sum of 200k squares): cpu p50 {baseline:.2f} ms")
    head = f"{'case':<42} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>8} {'cpu p95':>8}"
    print(f"{head} {'p50/base':>9}  (ms)")
    for name, fn in cases:
        w50, w95, c50, c95 = measure(fn, runs)
        print(f"{name:<42} {w50:9.2f} {w95:9.2f} {c50:8.2f} {c95:8.2f} {c50 / baseline:9.2f}")


if __name__ == "__main__":
    main()
