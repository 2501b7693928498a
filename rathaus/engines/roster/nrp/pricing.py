"""Exact pricing of one employee's row by dynamic programming (label setting).

The pricing problem of the column generation (:mod:`.bound`) is: the cheapest feasible row of
one employee for a cost per (day, shift) cell. Every hard rule of the benchmark concerns that
one row, and the row is a path over the days through states ``(last shift or off, length of
the current run, does the run touch day 0)``:

* rotation (which shift may follow which), max / min consecutive shifts, min consecutive days
  off (blocks touching the horizon's ends are exempt, as in the checker) and days off are
  transitions between states;
* total minutes (two-sided window) are part of the label's key, exactly;
* shifts per type and weekends are resources of the label; a label dominates another with
  the same key when it is not dearer and uses no more of any of them. Resources a row can
  never exceed (a limit at least the number of days the shift can be worked) are dropped.

A backward pass over the states with the remaining minutes (but without weekends and
per-type limits) gives a lower bound on the cheapest completion of every label; labels whose
cost plus that bound cannot beat ``bound`` (the reduced cost of a row already known) are
pruned, which keeps the search small once the duals settle. The result is exact: the cheapest
row, or the proof that no row is cheaper than ``bound``. If more than ``max_labels`` labels
would be created the search gives up (``exact=False``) and the caller falls back to CP-SAT;
the count does not depend on the machine, so neither does the answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce
from typing import Any

import numpy as np

from rathaus.engines.roster.nrp.parser import NrpInstance

OFF = -1
_TOL = 1e-9
MAX_LABELS = 8_000  # labels per pricing call before the DP gives up (deterministic)
MAX_UNITS = 2_000  # minute units (gcd of the shift lengths) the backward pass may hold


@dataclass(frozen=True)
class RowRules:
    """One employee's hard rules, compiled for the DP. States are ``(last, run, init)``."""

    horizon: int
    off_day: tuple[bool, ...]  # per day: a fixed day off
    units: tuple[int, ...]  # per shift: minutes / unit (0 if the employee may not work it)
    min_units: int
    max_units: int
    states: tuple[tuple[int, int, bool], ...]
    working: tuple[bool, ...]  # per state: the last day was worked
    first: tuple[tuple[int, int, int], ...]  # day 0: (action, state, minute units)
    moves: tuple[tuple[tuple[int, int, int], ...], ...]  # per state: (action, next, units)
    off_moves: tuple[tuple[tuple[int, int, int], ...], ...]  # the same on a day off
    by_action: dict[int, tuple[np.ndarray, np.ndarray]]  # action -> (states, next states)
    sundays: frozenset[int]  # days d where (d - 1, d) is a weekend
    max_weekends: int | None  # None: never binding
    limits: tuple[tuple[int, int], ...]  # binding (shift, max count)

    @classmethod
    def of(cls, inst: NrpInstance, e: int) -> RowRules | None:
        """The rules of employee ``e``, or None when the DP cannot hold them (minute units)."""
        staff, h = inst.staff[e], inst.horizon
        off = inst.days_off_of(staff.id)
        can = [s for s, sh in enumerate(inst.shifts) if staff.max_of(sh.id) > 0]
        lengths = [inst.shifts[s].minutes for s in can]
        unit = reduce(math.gcd, lengths, 0) or 1
        max_units = min(staff.max_total_minutes // unit, h * max(lengths, default=0) // unit)
        if max_units > MAX_UNITS:
            return None
        units = tuple(sh.minutes // unit if s in can else 0 for s, sh in enumerate(inst.shifts))
        workable = h - len(off)
        limits = tuple(
            (s, staff.max_of(inst.shifts[s].id))
            for s in can
            if staff.max_of(inst.shifts[s].id) < workable
        )
        weekends = len(inst.weekends)
        states, pairs = _automaton(inst, e, can)
        index = {st: k for k, st in enumerate(states)}
        moves = tuple(tuple((a, nst, units[a] if a >= 0 else 0) for a, nst in out) for out in pairs)
        return cls(
            horizon=h,
            off_day=tuple(d in off for d in range(h)),
            units=units,
            min_units=-(-staff.min_total_minutes // unit),
            max_units=max_units,
            states=states,
            working=tuple(last != OFF for last, _r, _i in states),
            first=tuple((a, index[a, 1, True], units[a] if a >= 0 else 0) for a in (OFF, *can)),
            moves=moves,
            off_moves=tuple(tuple(mv for mv in out if mv[0] == OFF) for out in moves),
            by_action=_by_action(pairs),
            sundays=frozenset(sun for _sat, sun in inst.weekends),
            max_weekends=None if staff.max_weekends >= weekends else staff.max_weekends,
            limits=limits,
        )


def _automaton(
    inst: NrpInstance, e: int, can: list[int]
) -> tuple[tuple[tuple[int, int, bool], ...], tuple[tuple[tuple[int, int], ...], ...]]:
    """The states (last, run, init) and their moves. Work runs are counted up to the max
    (or up to the min when the max never binds), off runs up to the min days off."""
    staff, h = inst.staff[e], inst.horizon
    sidx = {sh.id: i for i, sh in enumerate(inst.shifts)}
    banned = {(s, sidx[b]) for s, sh in enumerate(inst.shifts) for b in sh.cannot_follow}
    max_run = staff.max_consecutive_shifts
    work_cap = max_run if max_run < h else max(1, staff.min_consecutive_shifts)
    off_cap = max(1, staff.min_consecutive_days_off)
    states = [(OFF, r, i) for r in range(1, off_cap + 1) for i in (True, False)]
    states += [(s, r, i) for s in can for r in range(1, work_cap + 1) for i in (True, False)]
    index = {st: k for k, st in enumerate(states)}
    moves = []
    for last, run, init in states:
        out = []
        if last == OFF:
            out.append((OFF, index[OFF, min(run + 1, off_cap), init]))
            if init or run >= staff.min_consecutive_days_off:
                out += [(t, index[t, 1, False]) for t in can]
        else:
            if init or run >= staff.min_consecutive_shifts:
                out.append((OFF, index[OFF, 1, False]))
            if max_run >= h or run + 1 <= max_run:
                nxt = min(run + 1, work_cap)
                out += [(t, index[t, nxt, init]) for t in can if (last, t) not in banned]
        moves.append(tuple(out))
    return tuple(states), tuple(moves)


def _by_action(
    pairs: tuple[tuple[tuple[int, int], ...], ...],
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    grouped: dict[int, tuple[list[int], list[int]]] = {}
    for st, out in enumerate(pairs):
        for a, nst in out:
            src, dst = grouped.setdefault(a, ([], []))
            src.append(st)
            dst.append(nst)
    return {
        a: (np.array(src, dtype=np.intp), np.array(dst, dtype=np.intp))
        for a, (src, dst) in grouped.items()
    }


@dataclass(frozen=True)
class Priced:
    rows: tuple[tuple[int, ...], ...]  # rows cheaper than the bound, cheapest first
    value: float  # the cheapest row's cost (or the bound when no row is cheaper)
    exact: bool  # False: heuristic or the label limit was hit; only ``relaxed`` is proven
    labels: int
    relaxed: float  # a proven lower bound on every row's cost (weekends, per-type limits relaxed)


def price(
    rules: RowRules,
    cost: np.ndarray,
    bound: float = math.inf,
    columns: int = 1,
    max_labels: int = MAX_LABELS,
    heuristic: bool = False,
) -> Priced:
    """The cheapest rows (up to ``columns``) of cost ``sum cost[d, row[d]]`` that are
    cheaper than ``bound``; ``cost`` has one row per day and one column per shift (off is
    free). ``value`` is a proven lower bound on every row's cost when ``exact``.

    First the relaxed optimum (weekends and per-type limits left out: the backward pass);
    when its row keeps those rules it is the exact optimum. Otherwise labels:
    ``heuristic`` keeps one label per key (the cheapest; rules still checked) — fast,
    feasible rows, no proof; else the full Pareto sets — exact."""
    tails = _completion(rules, cost)
    relaxed, row = _relaxed_row(rules, cost, tails)
    if row is not None and _resources_ok(rules, row):
        rows = (row,) if relaxed < bound - _TOL else ()
        return Priced(rows, min(relaxed, bound - _TOL), True, 0, relaxed)
    if relaxed >= bound - _TOL:  # nothing can beat the bound
        return Priced((), bound - _TOL, True, 0, relaxed)
    tail = [t.tolist() for t in tails]
    cells = cost.tolist()
    layer = _first_layer(rules, cells, tail, bound)
    labels = len(layer)
    for d in range(1, rules.horizon):
        layer = _next_layer(rules, cells, tail[d], bound, d, layer, heuristic)
        labels += sum(len(v) for v in layer.values())
        if labels > max_labels:
            return Priced((), relaxed, False, labels, relaxed)
    final = sorted(
        (lab for (_st, m), bucket in layer.items() if m >= rules.min_units for lab in bucket),
        key=lambda lab: lab[0],
    )
    found = tuple(_row(lab, rules.horizon) for lab in final[:columns])
    # Rows within _TOL below ``bound`` may have been pruned: the proof stops there.
    value = final[0][0] if final else bound
    return Priced(found, min(value, bound - _TOL), not heuristic, labels, relaxed)


# A label: (cost, weekends, counts of the binding shift types, shift of the day, parent).
_Label = tuple[float, int, tuple[int, ...], int, Any]


def _row(lab: _Label, h: int) -> tuple[int, ...]:
    out = [OFF] * h
    d, cur = h - 1, lab
    while cur is not None:
        out[d] = cur[3]
        cur, d = cur[4], d - 1
    return tuple(out)


def _resources_ok(rules: RowRules, row: tuple[int, ...]) -> bool:
    """Weekends and per-type limits (the rules the backward pass leaves out)."""
    if any(row.count(s) > mx for s, mx in rules.limits):
        return False
    if rules.max_weekends is None:
        return True
    worked = sum(1 for sun in rules.sundays if row[sun] >= 0 or row[sun - 1] >= 0)
    return worked <= rules.max_weekends


def _relaxed_row(
    rules: RowRules, cost: np.ndarray, tails: list[np.ndarray]
) -> tuple[float, tuple[int, ...] | None]:
    """The optimum of the relaxed problem and a row attaining it (by following the
    backward pass forward), or (inf, None) when the employee has no row at all."""
    best, start = math.inf, None
    for a, st, u in rules.first:
        if (a >= 0 and rules.off_day[0]) or u > rules.max_units:
            continue
        value = (float(cost[0, a]) if a >= 0 else 0.0) + float(tails[0][st, u])
        if value < best:
            best, start = value, (a, st, u)
    if start is None or best == math.inf:
        return math.inf, None
    a, st, m = start
    row = [a]
    for d in range(1, rules.horizon):
        moves = rules.off_moves[st] if rules.off_day[d] else rules.moves[st]
        pick, pick_value = None, math.inf
        for a2, nst, u in moves:
            m2 = m + u
            if m2 > rules.max_units:
                continue
            value = (float(cost[d, a2]) if a2 >= 0 else 0.0) + float(tails[d][nst, m2])
            if value < pick_value:
                pick, pick_value = (a2, nst, m2), value
        if pick is None:
            return best, None
        a, st, m = pick
        row.append(a)
    return best, tuple(row)


def _first_layer(
    rules: RowRules, cells: list[list[float]], tail: list[list[list[float]]], bound: float
) -> dict[tuple[int, int], list[_Label]]:
    layer: dict[tuple[int, int], list[_Label]] = {}
    for a, st, m in rules.first:
        if (a >= 0 and rules.off_day[0]) or m > rules.max_units:
            continue
        c = cells[0][a] if a >= 0 else 0.0
        if c + tail[0][st][m] >= bound - _TOL:
            continue
        counts = tuple(int(a == s) for s, _mx in rules.limits)
        if any(n > mx for n, (_s, mx) in zip(counts, rules.limits, strict=True)):
            continue
        weekends = 0  # day 0 is a Monday or the horizon has no weekend before day 1
        layer[st, m] = [(c, weekends, counts, a, None)]
    return layer


def _next_layer(
    rules: RowRules,
    cells: list[list[float]],
    tail: list[list[float]],
    bound: float,
    d: int,
    layer: dict[tuple[int, int], list[_Label]],
    heuristic: bool,
) -> dict[tuple[int, int], list[_Label]]:
    """All moves of every label into day ``d``."""
    nxt: dict[tuple[int, int], list[_Label]] = {}
    day, limit = cells[d], bound - _TOL
    sunday = d in rules.sundays
    max_units, limits = rules.max_units, rules.limits
    max_weekends = rules.max_weekends if rules.max_weekends is not None else 10**9
    all_moves = rules.off_moves if rules.off_day[d] else rules.moves
    worked = rules.working
    for (st, m), bucket in layer.items():
        moves = all_moves[st]
        for lab in bucket:
            cost0, weekends0, counts0 = lab[0], lab[1], lab[2]
            for a, nst, u in moves:
                m2 = m + u
                if m2 > max_units:
                    continue
                c = cost0 + day[a] if a >= 0 else cost0
                if c + tail[nst][m2] >= limit:
                    continue
                counts = counts0
                if limits and a >= 0:
                    counts = tuple(
                        n + (s == a) for n, (s, _mx) in zip(counts0, limits, strict=True)
                    )
                    if any(n > mx for n, (_s, mx) in zip(counts, limits, strict=True)):
                        continue
                weekends = weekends0 + (sunday and (worked[st] or a >= 0))
                if weekends > max_weekends:
                    continue
                new = (c, weekends, counts, a, lab)
                if heuristic:  # one label per key: the cheapest
                    old = nxt.get((nst, m2))
                    if old is None or c < old[0][0]:
                        nxt[nst, m2] = [new]
                else:
                    _insert(nxt.setdefault((nst, m2), []), new)
    return nxt


def _insert(bucket: list[_Label], new: _Label) -> None:
    """Add ``new`` unless a label in ``bucket`` dominates it; drop the ones it dominates."""
    cost, weekends, counts = new[0], new[1], new[2]
    beaten = []
    for k, old in enumerate(bucket):
        if (
            old[0] <= cost + _TOL
            and old[1] <= weekends
            and all(a <= b for a, b in zip(old[2], counts, strict=True))
        ):
            return
        if (
            cost <= old[0]
            and weekends <= old[1]
            and all(a <= b for a, b in zip(counts, old[2], strict=True))
        ):
            beaten.append(k)
    for k in reversed(beaten):
        del bucket[k]
    bucket.append(new)


def _completion(rules: RowRules, cost: np.ndarray) -> list[np.ndarray]:
    """``tails[d][st, m]``: the cheapest cost of days d+1.. for a label in state ``st`` on
    day ``d`` with ``m`` minute units so far that ends inside the minutes window (weekends
    and per-type limits left out, so a lower bound); ``inf`` when there is none."""
    h, k = rules.horizon, rules.max_units
    n = len(rules.states)
    ends = np.where(np.arange(k + 1) >= rules.min_units, 0.0, np.inf)
    tail = np.tile(ends, (n, 1))
    tails = [tail] * h
    for d in range(h - 1, 0, -1):
        new = np.full((n, k + 1), np.inf)
        for a, (src, dst) in rules.by_action.items():
            if a >= 0 and rules.off_day[d]:
                continue
            if a < 0:
                cand = tail[dst]
            else:
                u = rules.units[a]
                cand = np.full((len(dst), k + 1), np.inf)
                if u <= k:
                    cand[:, : k + 1 - u] = tail[dst, u:] + float(cost[d, a])
            new[src] = np.minimum(new[src], cand)  # one move per (state, action)
        tail = new
        tails[d - 1] = tail
    return tails
