"""Hypothesis strategies: random small NRP instances that are feasible by construction.

A random row is drawn for every employee first ("planted"), then each hard rule is set so
that this row meets it (max shifts >= its counts, minutes window around its minutes, max
consecutive >= its longest block, min consecutive <= its shortest inner block, weekends,
days off only where it is off, forbidden successions only where it has none). The solver
must then always find a complete valid roster; cover and requests are drawn freely.
"""

from __future__ import annotations

from hypothesis import strategies as st

from rathaus.engines.roster.nrp.parser import Cover, NrpInstance, Request, Shift, Staff

SHIFT_IDS = ("E", "L", "N")
STAFF_IDS = ("A", "B", "C", "D")


def _blocks(row: list[int], working: bool) -> list[tuple[int, int]]:
    """Maximal runs of worked (or free) days as (start, length)."""
    out: list[tuple[int, int]] = []
    start = None
    for d, s in enumerate([*row, -1 if working else 0]):
        if (s >= 0) == working and start is None:
            start = d
        elif (s >= 0) != working and start is not None:
            out.append((start, d - start))
            start = None
    return out


def _min_inner(row: list[int], working: bool, draw) -> int:
    """A min-consecutive value the planted row meets (blocks touching an edge are free)."""
    h = len(row)
    inner = [n for start, n in _blocks(row, working) if start > 0 and start + n < h]
    return draw(st.integers(1, min(inner) if inner else 3))


def _staff(sid: str, row: list[int], lengths: list[int], draw) -> Staff:
    h = len(row)
    counts = [row.count(s) for s in range(len(lengths))]
    minutes = sum(lengths[s] for s in row if s >= 0)
    longest = max((n for _s, n in _blocks(row, True)), default=0)
    weekends = sum(1 for w in range(h // 7) if row[7 * w + 5] >= 0 or row[7 * w + 6] >= 0)
    return Staff(
        id=sid,
        max_shifts=tuple((SHIFT_IDS[s], c + draw(st.integers(0, 2))) for s, c in enumerate(counts)),
        max_total_minutes=minutes + draw(st.sampled_from([0, 240, 480, 10_000])),
        min_total_minutes=max(0, minutes - draw(st.sampled_from([0, 240, 480, 10_000]))),
        max_consecutive_shifts=longest + draw(st.integers(0, 2)),
        min_consecutive_shifts=_min_inner(row, True, draw),
        min_consecutive_days_off=_min_inner(row, False, draw),
        max_weekends=weekends + draw(st.integers(0, 1)),
    )


@st.composite
def planted_instances(draw) -> NrpInstance:
    horizon = draw(st.sampled_from([3, 5, 7, 8, 14]))
    n_shifts = draw(st.integers(1, 3))
    lengths = [draw(st.sampled_from([240, 480, 600, 720])) for _ in range(n_shifts)]
    staff_ids = STAFF_IDS[: draw(st.integers(1, 4))]
    rows = [
        draw(st.lists(st.integers(-1, n_shifts - 1), min_size=horizon, max_size=horizon))
        for _ in staff_ids
    ]
    used = {(r[d], r[d + 1]) for r in rows for d in range(horizon - 1)}
    free_pairs = [(a, b) for a in range(n_shifts) for b in range(n_shifts) if (a, b) not in used]
    banned = draw(st.lists(st.sampled_from(free_pairs), unique=True)) if free_pairs else []
    shifts = tuple(
        Shift(SHIFT_IDS[a], lengths[a], tuple(SHIFT_IDS[b] for x, b in banned if x == a))
        for a in range(n_shifts)
    )
    days_off = []
    for sid, row in zip(staff_ids, rows, strict=True):
        free = [d for d in range(horizon) if row[d] < 0]
        chosen = draw(st.lists(st.sampled_from(free), unique=True, max_size=3)) if free else []
        if chosen:
            days_off.append((sid, tuple(sorted(chosen))))
    request = st.builds(
        Request,
        staff=st.sampled_from(staff_ids),
        day=st.integers(0, horizon - 1),
        shift=st.sampled_from(SHIFT_IDS[:n_shifts]),
        weight=st.integers(1, 5),
    )
    return NrpInstance(
        name="planted",
        horizon=horizon,
        shifts=shifts,
        staff=tuple(
            _staff(sid, row, lengths, draw) for sid, row in zip(staff_ids, rows, strict=True)
        ),
        days_off=tuple(days_off),
        on_requests=tuple(draw(st.lists(request, max_size=4))),
        off_requests=tuple(draw(st.lists(request, max_size=4))),
        cover=tuple(
            Cover(
                d,
                SHIFT_IDS[s],
                draw(st.integers(0, len(staff_ids))),
                draw(st.integers(0, 100)),
                draw(st.integers(0, 5)),
            )
            for d in range(horizon)
            for s in range(n_shifts)
        ),
    )
