"""Existing bookings and holds, indexed per counter as sorted disjoint intervals.

Times are kept as integer UTC epoch seconds: comparing ints is much cheaper than
comparing aware datetimes, and elapsed-time arithmetic is trivially correct across DST.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Booking", "BookingIndex"]


@dataclass(frozen=True, slots=True)
class Booking:
    """An appointment or a temporary hold occupying ``counter_id`` during [start, end)."""

    counter_id: int
    start: datetime
    end: datetime


class _Raw:
    __slots__ = ("rows", "sorted")

    def __init__(self) -> None:
        self.rows: list[tuple[int, int]] = []
        self.sorted = True


class BookingIndex:
    """Busy intervals per counter; sorting and merging happen lazily per counter.

    Only counters that a request can use are ever sorted, so indexing the whole
    location's bookings costs one pass plus the sort of the eligible counters.
    Immutable after construction (the lazy cache is an implementation detail).
    """

    __slots__ = ("_merged", "_raw")

    def __init__(self, rows: Iterable[tuple[int, int, int]] = ()) -> None:
        """``rows``: (counter_id, start_epoch_s, end_epoch_s) tuples."""
        raw: dict[int, _Raw] = {}
        for counter_id, start, end in rows:
            if end <= start:
                raise ValueError(f"booking on counter {counter_id} must have start < end")
            bucket = raw.get(counter_id)
            if bucket is None:
                bucket = raw[counter_id] = _Raw()
            elif bucket.sorted and bucket.rows[-1][0] > start:
                bucket.sorted = False
            bucket.rows.append((start, end))
        self._raw = raw
        self._merged: dict[int, tuple[list[int], list[int]]] = {}

    @classmethod
    def build(cls, bookings: Iterable[Booking]) -> BookingIndex:
        """Index :class:`Booking` objects (aware datetimes; naive ones are rejected)."""
        return cls(_epoch_rows(bookings))

    def intervals(self, counter_id: int) -> tuple[list[int], list[int]]:
        """Sorted, disjoint (merged) busy intervals of a counter as (starts, ends)."""
        merged = self._merged.get(counter_id)
        if merged is None:
            merged = self._merged[counter_id] = self._merge(counter_id)
        return merged

    def overlapping(
        self, counter_id: int, lo: int, hi: int
    ) -> tuple[list[int], list[int], int, int]:
        """(starts, ends, i, j): intervals i..j-1 are those overlapping [lo, hi)."""
        starts, ends = self.intervals(counter_id)
        # ends are sorted too because the intervals are disjoint
        return starts, ends, bisect_right(ends, lo), bisect_left(starts, hi)

    def _merge(self, counter_id: int) -> tuple[list[int], list[int]]:
        bucket = self._raw.get(counter_id)
        if bucket is None:
            return [], []
        rows = bucket.rows if bucket.sorted else sorted(bucket.rows)
        starts: list[int] = []
        ends: list[int] = []
        for start, end in rows:
            # overlapping holds (or touching bookings) become one busy block
            if ends and start <= ends[-1]:
                if end > ends[-1]:
                    ends[-1] = end
            else:
                starts.append(start)
                ends.append(end)
        return starts, ends


def _epoch_rows(bookings: Iterable[Booking]) -> Iterable[tuple[int, int, int]]:
    for b in bookings:
        if b.start.tzinfo is None or b.end.tzinfo is None:
            raise ValueError("booking times must be aware datetimes")
        # round outward so that a booking never shrinks
        yield b.counter_id, math.floor(b.start.timestamp()), math.ceil(b.end.timestamp())
