"""Merging per-counter start ranges into runs of slots that share the same counters.

A run ``(first, last, ids)`` stands for the starts first, first + grid, ..., last (epoch
seconds) that the counters ``ids`` can all take. Working on runs instead of single
starts keeps aggregation proportional to the number of free gaps, and lets equal
counter tuples be shared between slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TypeAlias
from zoneinfo import ZoneInfo

from .model import CounterId, Slot

Run: TypeAlias = tuple[int, int, tuple[CounterId, ...]]

__all__ = ["Run", "drop_between", "merge_ranges", "run_length", "runs_to_slots"]


def merge_ranges(per_counter: Sequence[tuple[CounterId, Sequence[range]]], grid: int) -> list[Run]:
    """Runs of starts with their counters; ``per_counter`` must be in ascending id order.

    Each counter's ranges are disjoint. Long ranges on one grid phase (a quiet day) are
    merged by a sweep over range boundaries; short or off-phase ones (a fragmented,
    busy day) start by start, which is cheaper when ranges hold one or two starts.
    """
    n_ranges = 0
    n_starts = 0
    phases = set()
    for _, ranges in per_counter:
        for r in ranges:
            n_ranges += 1
            n_starts += len(r)
            phases.add(r.start % grid)
    if not n_ranges:
        return []
    if len(phases) > 1 or n_starts < 4 * n_ranges:
        return _merge_pointwise(per_counter, grid)
    # (position, -1 close / +1 open, counter): closes sort before opens at one position
    events: list[tuple[int, int, CounterId]] = []
    for cid, ranges in per_counter:
        for r in ranges:
            events.append((r.start, 1, cid))
            events.append((r[-1] + grid, -1, cid))
    events.sort()
    runs: list[Run] = []
    active: set[CounterId] = set()
    i, n = 0, len(events)
    while i < n:
        pos = events[i][0]
        while i < n and events[i][0] == pos:
            _, delta, cid = events[i]
            if delta > 0:
                active.add(cid)
            else:
                active.discard(cid)
            i += 1
        if active:  # a close event always follows, so i < n here
            runs.append((pos, events[i][0] - grid, tuple(sorted(active))))
    return runs


def _merge_pointwise(
    per_counter: Sequence[tuple[CounterId, Sequence[range]]], grid: int
) -> list[Run]:
    acc: dict[int, list[CounterId]] = {}
    for cid, ranges in per_counter:
        for r in ranges:
            for t in r:
                ids = acc.get(t)
                if ids is None:
                    acc[t] = [cid]
                else:
                    ids.append(cid)
    runs: list[Run] = []
    shared: dict[tuple[CounterId, ...], tuple[CounterId, ...]] = {}
    prev_ids: tuple[CounterId, ...] = ()
    prev_last = 0
    for t in sorted(acc):
        here = tuple(acc[t])
        if here == prev_ids and t == prev_last + grid:
            runs[-1] = (runs[-1][0], t, prev_ids)
        else:
            prev_ids = shared.setdefault(here, here)
            runs.append((t, t, prev_ids))
        prev_last = t
    return runs


def drop_between(runs: list[Run], a: int, b: int, grid: int) -> list[Run]:
    """Remove starts in [a, b) (the second pass of a repeated hour) from the runs."""
    out: list[Run] = []
    for first, last, ids in runs:
        if last < a or first >= b:
            out.append((first, last, ids))
            continue
        if first < a:
            out.append((first, first + ((a - 1 - first) // grid) * grid, ids))
        resume = first - ((first - b) // grid) * grid  # first grid point >= b
        if resume <= last:
            out.append((resume, last, ids))
    return out


def run_length(run: Run, grid: int) -> int:
    return (run[1] - run[0]) // grid + 1


def runs_to_slots(
    runs: list[Run], grid: int, duration: int, tz: ZoneInfo, uniform_offset: bool
) -> list[Slot]:
    """Materialise slots. ``uniform_offset``: no UTC-offset change from the first start
    to the last end, so wall-clock arithmetic equals elapsed time and the costly
    epoch -> zoneinfo conversion is done once per run instead of twice per slot."""
    slots: list[Slot] = []
    append = slots.append
    fromts = datetime.fromtimestamp
    if uniform_offset:
        step = timedelta(seconds=grid)
        length = timedelta(seconds=duration)
        origin = runs[0][0]
        base = fromts(origin, tz)
        for first, last, ids in runs:
            start = base + timedelta(seconds=first - origin)
            for _ in range(first, last + 1, grid):
                append(Slot(start, start + length, ids))
                start += step
        return slots
    for first, last, ids in runs:
        for t in range(first, last + 1, grid):
            append(Slot(fromts(t, tz), fromts(t + duration, tz), ids))
    return slots
