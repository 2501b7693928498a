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


def merge_ranges(per_counter: Sequence[tuple[CounterId, list[range]]], grid: int) -> list[Run]:
    """Runs of starts with their counters; ``per_counter`` must be in ascending id order.

    Each counter's ranges are disjoint. If all ranges lie on one grid phase (the usual
    case: opening hours on the grid) a sweep over range boundaries does the merge;
    otherwise starts are merged one by one.
    """
    phases = {r.start % grid for _, ranges in per_counter for r in ranges}
    if not phases:
        return []
    if len(phases) > 1:
        return _merge_pointwise(per_counter)
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


def _merge_pointwise(per_counter: Sequence[tuple[CounterId, list[range]]]) -> list[Run]:
    acc: dict[int, list[CounterId]] = {}
    for cid, ranges in per_counter:
        for r in ranges:
            for t in r:
                acc.setdefault(t, []).append(cid)
    return [(t, t, tuple(acc[t])) for t in sorted(acc)]


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
        for first, last, ids in runs:
            start = fromts(first, tz)
            for _ in range(first, last + 1, grid):
                append(Slot(start, start + length, ids))
                start += step
        return slots
    for first, last, ids in runs:
        for t in range(first, last + 1, grid):
            append(Slot(fromts(t, tz), fromts(t + duration, tz), ids))
    return slots
