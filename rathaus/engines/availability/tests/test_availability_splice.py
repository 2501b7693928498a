"""A counter's busy lists with one piece replaced (``BookingIndex.spliced``) equal the
lists indexed afresh: the same intervals and the same gaps of every length asked before."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rathaus.engines.availability import BookingIndex

LENGTHS = (1, 30, 90)


def _disjoint(draw, size_max: int, first: int) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    at = first
    for _ in range(draw(st.integers(min_value=0, max_value=size_max))):
        at += draw(st.integers(min_value=0, max_value=100))
        length = draw(st.integers(min_value=1, max_value=60))
        starts.append(at)
        ends.append(at + length)
        at += length
    return starts, ends


@st.composite
def splices(draw):
    starts, ends = _disjoint(draw, 12, 0)
    lo = draw(st.integers(min_value=0, max_value=len(starts)))
    hi = draw(st.integers(min_value=lo, max_value=len(starts)))
    # the new piece starts somewhere near the old one: sometimes it fits, sometimes not
    first = (ends[lo - 1] if lo else 0) + draw(st.integers(min_value=-40, max_value=60))
    piece = _disjoint(draw, 5, max(first, 0))
    return starts, ends, lo, hi, piece


def _gaps(index: BookingIndex) -> list[list[int]]:
    return [index.gaps_at_least(1, length) for length in LENGTHS]


@given(splices())
def test_a_spliced_counter_equals_its_lists_indexed_afresh(case) -> None:
    starts, ends, lo, hi, (new_starts, new_ends) = case
    old = BookingIndex.from_intervals({1: (starts, ends)})
    _gaps(old)  # the gaps a request asked for before the change are carried over
    spliced = old.spliced(1, lo, hi, new_starts, new_ends)
    joined = (starts[:lo] + new_starts + starts[hi:], ends[:lo] + new_ends + ends[hi:])
    ordered = all(s < e for s, e in zip(*joined, strict=True)) and all(
        a <= b for a, b in zip(joined[1], joined[0][1:], strict=False)
    )
    if spliced is None:
        assert not ordered
        return
    assert ordered
    fresh = BookingIndex.from_intervals({1: joined})
    assert spliced.intervals(1) == fresh.intervals(1)
    assert _gaps(spliced) == _gaps(fresh)
    assert old.intervals(1) == (starts, ends)  # the old index is unchanged


@given(splices())
def test_a_spliced_counter_taken_from_a_joined_index_keeps_its_gaps_too(case) -> None:
    starts, ends, lo, hi, (new_starts, new_ends) = case
    part = BookingIndex.from_intervals({1: (starts, ends)})
    _gaps(BookingIndex.from_counters({1: part}))  # asked through the joined index
    spliced = part.spliced(1, lo, hi, new_starts, new_ends)
    if spliced is not None:
        fresh = BookingIndex.from_intervals({1: spliced.intervals(1)})
        assert _gaps(spliced) == _gaps(fresh)
