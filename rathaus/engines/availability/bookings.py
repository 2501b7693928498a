"""Existing bookings and holds, indexed per counter as sorted disjoint intervals.

Times are kept as integer UTC epoch seconds: comparing ints is much cheaper than
comparing aware datetimes, and elapsed-time arithmetic is trivially correct across DST.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import compress, count, repeat
from operator import ge, gt, itemgetter, sub

__all__ = ["Booking", "BookingIndex"]


@dataclass(frozen=True, slots=True)
class Booking:
    """An appointment or a temporary hold occupying ``counter_id`` during [start, end)."""

    counter_id: int
    start: datetime
    end: datetime


class BookingIndex:
    """Busy intervals per counter; sorting and merging happen lazily per counter.

    Only counters that a request can use are ever sorted, so indexing the whole
    location's bookings costs one grouping pass plus the sort of the eligible counters
    (linear when rows come ordered by start). Immutable after construction (the lazy
    cache is an implementation detail), so the app may cache and share an index.
    """

    __slots__ = ("_long_gaps", "_merged", "_parts", "_raw")

    def __init__(self, rows: Iterable[tuple[int, int, int]] = ()) -> None:
        """``rows``: (counter_id, start_epoch_s, end_epoch_s) tuples."""
        raw: defaultdict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for row in rows:
            raw[row[0]].append(row)
        self._raw = raw
        self._merged: dict[int, tuple[list[int], list[int]]] = {}
        self._long_gaps: dict[tuple[int, int], list[int]] = {}
        self._parts: dict[int, BookingIndex] = {}

    @classmethod
    def build(cls, bookings: Iterable[Booking]) -> BookingIndex:
        """Index :class:`Booking` objects (aware datetimes; naive ones are rejected)."""
        return cls(_epoch_rows((b.counter_id, b.start, b.end) for b in bookings))

    @classmethod
    def from_datetimes(cls, rows: Iterable[tuple[int, datetime, datetime]]) -> BookingIndex:
        """Index (counter_id, start, end) rows, e.g. a Django ``values_list`` result."""
        return cls(_epoch_rows(rows))

    @classmethod
    def from_intervals(cls, per_counter: Mapping[int, tuple[list[int], list[int]]]) -> BookingIndex:
        """Index per-counter (starts, ends) lists that are already ordered by start, e.g. the
        concatenated days of an incrementally maintained index; overlaps are merged here.

        The lists are taken over, not copied (the caller must not change them)."""
        index = cls()
        for counter_id, (starts, ends) in per_counter.items():
            if any(map(ge, starts, ends)):
                raise ValueError(f"booking on counter {counter_id} must have start < end")
            if any(map(gt, starts[:-1], starts[1:])):
                raise ValueError(f"intervals of counter {counter_id} must be ordered by start")
            index._merged[counter_id] = _merged(starts, ends)
        return index

    @classmethod
    def from_counters(cls, parts: Mapping[int, BookingIndex]) -> BookingIndex:
        """One index from per-counter indexes (counter id → an index holding that counter),
        taken over as they are: nothing is checked or merged again, and their cached gaps are
        shared – an index kept up to date by changing one counter at a time reuses the rest."""
        index = cls()
        for counter_id, part in parts.items():
            index._merged[counter_id] = part.intervals(counter_id)
            index._parts[counter_id] = part
        return index

    def spliced(
        self, counter_id: int, lo: int, hi: int, starts: list[int], ends: list[int]
    ) -> BookingIndex | None:
        """A new index of ``counter_id`` alone: its intervals ``lo:hi`` replaced by
        (``starts``, ``ends``), ordered by start. The gaps already found for any length are
        carried over – only those next to the new piece are looked at again – so a change
        to one day of a long window costs that day, not the window. None if the result
        would not be ordered and disjoint (then build it with :meth:`from_intervals`).

        ``self`` is not changed; the new index does not share lists with it."""
        old_starts, old_ends = self.intervals(counter_id)
        if not _disjoint_piece(old_starts, old_ends, lo, hi, starts, ends):
            return None
        index = BookingIndex()
        new_starts = old_starts[:lo] + starts + old_starts[hi:]
        new_ends = old_ends[:lo] + ends + old_ends[hi:]
        index._merged[counter_id] = (new_starts, new_ends)
        shift = len(starts) - (hi - lo)
        # gap k lies between intervals k and k + 1: gaps before lo - 1 keep their number,
        # gaps from hi on move by ``shift``, the ones touching the new piece are looked at
        first, last = max(lo - 1, 0), min(lo + len(starts), len(new_starts) - 1)
        for (counter, length), found in self._long_gaps_of(counter_id).items():
            head = found[: bisect_left(found, lo - 1)]
            tail = found[bisect_left(found, hi) :]
            middle = [k for k in range(first, last) if new_starts[k + 1] - new_ends[k] >= length]
            index._long_gaps[(counter, length)] = head + middle + list(map(shift.__add__, tail))
        return index

    def _long_gaps_of(self, counter_id: int) -> dict[tuple[int, int], list[int]]:
        part = self._parts.get(counter_id)
        owner = part if part is not None else self
        # list() copies in one step: another thread may add a length to a shared index
        items = list(owner._long_gaps.items())
        return {key: found for key, found in items if key[0] == counter_id}

    def intervals(self, counter_id: int) -> tuple[list[int], list[int]]:
        """Sorted, disjoint busy intervals of a counter as (starts, ends)."""
        merged = self._merged.get(counter_id)
        if merged is None:
            merged = self._merged[counter_id] = self._merge(counter_id)
        return merged

    def gaps_at_least(self, counter_id: int, length: int) -> list[int]:
        """Ascending k with ``starts[k + 1] - ends[k] >= length``: the free gaps between
        busy blocks that can hold an appointment of ``length`` seconds."""
        part = self._parts.get(counter_id)
        if part is not None:
            return part.gaps_at_least(counter_id, length)
        key = (counter_id, length)
        found = self._long_gaps.get(key)
        if found is None:
            starts, ends = self.intervals(counter_id)
            # map/compress iterate in C: ~40k bookings cost about a millisecond
            fits = map(ge, map(sub, starts[1:], ends[:-1]), repeat(length))
            found = self._long_gaps[key] = list(compress(count(), fits))
        return found

    def overlapping(
        self, counter_id: int, lo: int, hi: int
    ) -> tuple[list[int], list[int], int, int]:
        """(starts, ends, i, j): intervals i..j-1 are those overlapping [lo, hi)."""
        starts, ends = self.intervals(counter_id)
        # ends are sorted too because the intervals are disjoint
        return starts, ends, bisect_right(ends, lo), bisect_left(starts, hi)

    def _merge(self, counter_id: int) -> tuple[list[int], list[int]]:
        rows = self._raw.get(counter_id)
        if not rows:
            return [], []
        rows.sort()  # timsort: linear for rows already ordered by start
        starts = list(map(itemgetter(1), rows))
        ends = list(map(itemgetter(2), rows))
        if any(map(ge, starts, ends)):
            raise ValueError(f"booking on counter {counter_id} must have start < end")
        return _merged(starts, ends)


def _disjoint_piece(
    old_starts: list[int], old_ends: list[int], lo: int, hi: int, starts: list[int], ends: list[int]
) -> bool:
    """Would ``old[:lo] + piece + old[hi:]`` be ordered by start and disjoint, given that
    the old lists were? Only the piece and its two seams are looked at."""
    if not 0 <= lo <= hi <= len(old_starts) or len(starts) != len(ends):
        return False
    if any(map(ge, starts, ends)) or any(map(gt, ends[:-1], starts[1:])):
        return False
    before = old_ends[lo - 1] if lo > 0 else None
    after = old_starts[hi] if hi < len(old_starts) else None
    if not starts:
        return before is None or after is None or before <= after
    return (before is None or before <= starts[0]) and (after is None or ends[-1] <= after)


def _merged(starts: list[int], ends: list[int]) -> tuple[list[int], list[int]]:
    """Disjoint busy blocks from intervals ordered by start."""
    if not any(map(gt, ends[:-1], starts[1:])):
        return starts, ends  # already disjoint: the normal case for real bookings
    # overlapping holds become one busy block
    m_starts: list[int] = []
    m_ends: list[int] = []
    for start, end in zip(starts, ends, strict=True):
        if m_ends and start < m_ends[-1]:
            if end > m_ends[-1]:
                m_ends[-1] = end
        else:
            m_starts.append(start)
            m_ends.append(end)
    return m_starts, m_ends


def _epoch_rows(rows: Iterable[tuple[int, datetime, datetime]]) -> Iterator[tuple[int, int, int]]:
    for counter_id, start, end in rows:
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("booking times must be aware datetimes")
        # round outward so that a booking never shrinks
        yield counter_id, math.floor(start.timestamp()), math.ceil(end.timestamp())
