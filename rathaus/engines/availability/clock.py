"""Local wall-clock <-> UTC epoch seconds, with explicit rules for DST transitions.

Rules (Europe/Berlin, but written for any zoneinfo zone with at most one transition a day):

* A nonexistent wall time (spring-forward gap, e.g. 02:30 on 2026-03-29) maps to the
  transition instant, i.e. the first real instant whose wall time is later
  (03:00 CEST). An opening interval lying entirely in the gap therefore vanishes.
* An ambiguous wall time (fall-back, e.g. 02:30 on 2026-10-25) maps to its first
  occurrence (fold=0, CEST), for interval starts and ends alike.
* Instants of the repeated hour (fold=1) are never offered as slot starts, so every
  offered start has a unique local wall time; appointments may still run into it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["day_bounds", "repeated_range", "to_local", "wall_to_epoch"]

_MIDNIGHT = time(0)


def _local_naive(ts: int, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ts, tz).replace(tzinfo=None)


@lru_cache(maxsize=1 << 16)
def wall_to_epoch(tzkey: str, day: date, t: time) -> int:
    """UTC epoch seconds of the local wall time ``day t`` (see module rules)."""
    tz = ZoneInfo(tzkey)
    naive = datetime.combine(day, t)
    first = int(naive.replace(tzinfo=tz).timestamp())  # fold=0: first occurrence
    if _local_naive(first, tz) == naive.replace(microsecond=0):
        return first
    # In the gap fold=1 lands before it and fold=0 after it: bisect for the transition.
    lo = int(naive.replace(tzinfo=tz, fold=1).timestamp())
    hi = first
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _local_naive(mid, tz) >= naive:
            hi = mid
        else:
            lo = mid
    return hi


@lru_cache(maxsize=1 << 12)
def day_bounds(tzkey: str, day: date) -> tuple[int, int]:
    """[start, end) of a local calendar day in epoch seconds (23, 24 or 25 hours long)."""
    return wall_to_epoch(tzkey, day, _MIDNIGHT), wall_to_epoch(
        tzkey, day + timedelta(days=1), _MIDNIGHT
    )


@lru_cache(maxsize=1 << 12)
def repeated_range(tzkey: str, day: date) -> tuple[int, int] | None:
    """Epoch range [a, b) of the second pass through a repeated hour on ``day``, if any."""
    tz = ZoneInfo(tzkey)
    lo, hi = day_bounds(tzkey, day)
    before = datetime.fromtimestamp(lo, tz).utcoffset()
    after = datetime.fromtimestamp(hi - 1, tz).utcoffset()
    if before is None or after is None or after >= before:
        return None
    # bisect for the first instant with the later (smaller) offset
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return hi, hi + int((before - after).total_seconds())


def to_local(ts: int, tz: ZoneInfo) -> datetime:
    """Aware local datetime of an epoch instant (fold set correctly by zoneinfo)."""
    return datetime.fromtimestamp(ts, tz)
