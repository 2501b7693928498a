"""Large-neighbourhood search for the NRP benchmark around an incumbent roster.

Every hard rule concerns a single employee, so a roster is feasible iff each row is. Cover is
soft, which makes two kinds of neighbourhood cheap and exact:

* ``staff``: re-optimise the whole rows of 1–4 employees with everybody else fixed. The others'
  cover counts are folded into a sub-instance (requirement minus what the others already
  cover), so the sub-model's objective equals the full penalty up to a constant. These models
  are tiny (a few hundred booleans) and CP-SAT usually proves them optimal in milliseconds.
* ``window`` / ``cells``: a window of days for a subset of employees, or random employee-days;
  the same sub-instance of the employees concerned, with their other days fixed by domains.

The neighbourhood kind is picked adaptively (roulette on recent improvement per second), and
equal-cost moves are accepted to walk plateaus. Rows are lists of shift indexes (-1 = off).

The :class:`Budget` says when to stop: a wall-clock deadline (benchmark, CLI) or a number of
moves. Without a deadline every sub-problem has a deterministic CP-SAT limit and the roulette
counts CP-SAT's deterministic time instead of seconds, so one search thread gives the same
result on an idle and on a loaded machine.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rathaus.engines.roster.nrp.model import NrpModel, Rows, cp_solver
from rathaus.engines.roster.nrp.parser import NrpInstance

KINDS = ("staff", "window", "cells")
_SUB_LIMIT = 1.0  # wall-clock seconds per sub-problem
_SUB_DETERMINISTIC = 0.2  # deterministic seconds per sub-problem in deterministic mode
_STAFF_MAX = 10.0  # most whole rows in one `staff` move


class Evaluator:
    """Plain-Python penalty of a roster (rows of shift indexes), used to accept moves."""

    def __init__(self, inst: NrpInstance) -> None:
        self.inst = inst
        self.n, self.h, self.ns = len(inst.staff), inst.horizon, len(inst.shifts)
        sidx = {s.id: i for i, s in enumerate(inst.shifts)}
        eidx = {s.id: i for i, s in enumerate(inst.staff)}
        self.sidx, self.eidx = sidx, eidx
        self.cover: dict[tuple[int, int], tuple[int, int, int]] = {
            (c.day, sidx[c.shift]): (c.requirement, c.weight_under, c.weight_over)
            for c in inst.cover
        }
        self.on: list[list[tuple[int, int, int]]] = [[] for _ in range(self.n)]
        self.off: list[list[tuple[int, int, int]]] = [[] for _ in range(self.n)]
        for r in inst.on_requests:
            self.on[eidx[r.staff]].append((r.day, sidx[r.shift], r.weight))
        for r in inst.off_requests:
            self.off[eidx[r.staff]].append((r.day, sidx[r.shift], r.weight))

    def request_cost(self, e: int, row: list[int]) -> int:
        cost = sum(w for d, s, w in self.on[e] if row[d] != s)
        return cost + sum(w for d, s, w in self.off[e] if row[d] == s)

    def counts(self, rows: Rows, skip: set[int] | frozenset[int] = frozenset()) -> list[list[int]]:
        cnt = [[0] * self.ns for _ in range(self.h)]
        for e, row in enumerate(rows):
            if e in skip:
                continue
            for d, s in enumerate(row):
                if s >= 0:
                    cnt[d][s] += 1
        return cnt

    def cost(self, rows: Rows) -> int:
        total = sum(self.request_cost(e, row) for e, row in enumerate(rows))
        cnt = self.counts(rows)
        for (d, s), (req, wu, wo) in self.cover.items():
            n = cnt[d][s]
            total += (req - n) * wu if n < req else (n - req) * wo
        return total

    def deficits(self, rows: Rows) -> list[tuple[int, int]]:
        """Cover rows (day, shift) that are under-covered."""
        cnt = self.counts(rows)
        return [(d, s) for (d, s), (req, wu, _wo) in self.cover.items() if wu and cnt[d][s] < req]

    def staff_blame(self, rows: Rows) -> list[float]:
        """A rough per-employee share of the penalty, to bias which rows get re-optimised."""
        cnt = self.counts(rows)
        blame = [1.0 + self.request_cost(e, row) for e, row in enumerate(rows)]
        for e, row in enumerate(rows):
            for d, s in enumerate(row):
                if s >= 0:
                    req, _wu, wo = self.cover.get((d, s), (0, 0, 0))
                    if cnt[d][s] > req:
                        blame[e] += wo
        return blame


def sub_instance(ev: Evaluator, rows: Rows, subset: list[int]) -> NrpInstance:
    """The instance seen by ``subset`` when everybody else keeps their row."""
    inst = ev.inst
    cnt = ev.counts(rows, set(subset))
    ids = {inst.staff[e].id for e in subset}
    # Cover rows no subset member can work are a constant: leave them out.
    workable = {sh.id for e in subset for sh in inst.shifts if inst.staff[e].max_of(sh.id) > 0}
    cover = tuple(
        replace(c, requirement=max(0, c.requirement - cnt[c.day][ev.sidx[c.shift]]))
        for c in inst.cover
        if c.shift in workable
    )
    return replace(
        inst,
        staff=tuple(inst.staff[e] for e in subset),
        days_off=tuple(x for x in inst.days_off if x[0] in ids),
        on_requests=tuple(r for r in inst.on_requests if r.staff in ids),
        off_requests=tuple(r for r in inst.off_requests if r.staff in ids),
        cover=cover,
    )


def solve_rows(
    ev: Evaluator,
    rows: Rows,
    subset: list[int],
    limit: float | None,
    seed: int,
    free: set[tuple[int, int]] | None = None,
    deterministic_limit: float = _SUB_DETERMINISTIC,
) -> tuple[Rows | None, bool, float]:
    """Re-optimise the rows of ``subset`` exactly, starting from their current rows: (new
    rows or None, proven optimal, the deterministic time CP-SAT spent). ``limit`` is
    wall-clock seconds; None means ``deterministic_limit`` (the result then never depends on
    the machine).

    With ``free`` only those (employee, day) cells of the subset's rows may change.
    """
    sub = sub_instance(ev, rows, subset)
    nm = NrpModel(sub, marginal_cover=True)
    proto = nm.model.proto
    for (i, d, s), var in nm.x.items():
        v = int(rows[subset[i]][d] == s)
        if free is not None and (subset[i], d) not in free:
            dom = proto.variables[var.index].domain
            dom[0] = dom[1] = v
        else:
            nm.model.add_hint(var, v)
    if limit is None:
        solver = cp_solver(seed, deterministic_limit=deterministic_limit)
    else:
        solver = cp_solver(seed, time_limit=limit)
    status = solver.solve(nm.model)
    spent = solver.response_proto.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False, spent
    new = [row[:] for row in rows]
    for i in range(len(subset)):
        new[subset[i]] = [-1] * ev.h
    for (i, d, s), var in nm.x.items():
        if solver.value(var):
            new[subset[i]][d] = s
    return new, status == cp_model.OPTIMAL, spent


@dataclass(frozen=True)
class Budget:
    """When the LNS stops: a wall-clock ``deadline`` (monotonic seconds) and/or a number of
    moves. Without a deadline every sub-problem gets a deterministic limit, so with one
    worker the search is the same on an idle and on a loaded machine."""

    deadline: float | None = None
    iterations: int | None = None

    def __post_init__(self) -> None:
        if self.deadline is None and self.iterations is None:
            raise ValueError("an LNS budget needs a deadline or a number of iterations")


class _Shared:
    """The incumbent shared by the LNS threads; moves are merged row by row."""

    def __init__(self, ev: Evaluator, rows: Rows, budget: Budget) -> None:
        self.ev = ev
        self.rows = rows
        self.cost = ev.cost(rows)
        self.lock = threading.Lock()
        self.budget = budget
        self.moves = 0

    def snapshot(self) -> tuple[Rows, int]:
        with self.lock:
            return self.rows, self.cost

    def next_move(self, bound: int) -> tuple[int, float | None] | None:
        """Claim one move: (its number, wall seconds left or None), or None to stop."""
        with self.lock:
            if self.cost <= bound:
                return None
            if self.budget.iterations is not None and self.moves >= self.budget.iterations:
                return None
            left = None
            if self.budget.deadline is not None:
                left = self.budget.deadline - time.monotonic()
                if left < 0.03:
                    return None
            self.moves += 1
            return self.moves, left

    def offer(self, base: Rows, new: Rows) -> int:
        """Merge the rows ``new`` changed w.r.t. ``base`` into the incumbent; the gain, or -1.

        Whole rows are merged, never single cells: a row is feasible on its own, so the
        merge is feasible even when another thread changed the incumbent meanwhile.
        """
        changed = [e for e in range(len(new)) if new[e] != base[e]]
        with self.lock:
            if not changed:
                return 0 if self.rows is base else -1
            merged = list(self.rows)
            for e in changed:
                merged[e] = new[e]
            cost = self.ev.cost(merged)
            if cost > self.cost:
                return -1
            gain = self.cost - cost
            self.rows, self.cost = merged, cost
            return gain


def lns(
    inst: NrpInstance,
    rows: Rows,
    budget: Budget,
    bound: int = 0,
    workers: int = 1,
    seed: int = 0,
    log: bool = False,
    kinds: tuple[str, ...] | None = None,
) -> tuple[Rows, int]:
    """Improve the complete roster ``rows`` within ``budget`` or until the bound is reached;
    (rows, penalty). Every accepted move keeps every row feasible and never raises the cost.

    With ``workers`` > 1 that many search threads (one CP-SAT worker each) share the
    incumbent; CP-SAT releases the GIL while it solves, so they overlap. Threads make the
    result depend on timing: a deterministic run uses one worker and no deadline.
    """
    ev = Evaluator(inst)
    shared = _Shared(ev, rows, budget)
    threads = []
    for t in range(1, max(1, workers)):
        args = (shared, bound, seed + 1000 * t, log, kinds)
        threads.append(threading.Thread(target=_search, args=args, daemon=True))
    for th in threads:
        th.start()
    _search(shared, bound, seed, log, kinds)
    for th in threads:
        th.join()
    return shared.snapshot()


def _search(
    shared: _Shared,
    bound: int,
    seed: int,
    log: bool,
    kinds: tuple[str, ...] | None,
) -> None:
    ev = shared.ev
    rng = random.Random(seed)
    n, h = ev.n, ev.h
    # Adaptive state: score per kind (improvement per second, smoothed) and sizes.
    score = dict.fromkeys(KINDS, 1.0)
    k_staff = 2.0
    free_frac = {"window": min(1.0, 2.0 * 7 / h) if n > 1 else 1.0, "cells": 0.2}
    allowed = set(KINDS if kinds is None else kinds)
    usable = [k for k in KINDS if k in allowed and (n > 1 or k != "staff")] or ["cells"]
    while (claim := shared.next_move(bound)) is not None:
        it, left = claim
        cur, _best = shared.snapshot()
        now = time.monotonic()
        limit = None if left is None else min(left, _SUB_LIMIT)
        kind = _pick_kind(rng, usable, score)
        if kind == "staff":
            subset = _staff_subset(ev, rng, cur, max(1, min(n, int(k_staff + rng.random()))))
            size = len(subset)
            new, optimal, det = solve_rows(ev, cur, subset, limit, seed + it)
        else:
            free = _free_cells(ev, rng, cur, kind, free_frac[kind])
            if not free:
                continue
            staff = sorted({e for e, _d in free})
            size = len(free)
            new, optimal, det = solve_rows(ev, cur, staff, limit, seed + it, free)
        # Deterministic mode scores by CP-SAT's deterministic time, so the kinds picked
        # never depend on the machine's speed.
        spent = det if left is None else time.monotonic() - now
        gain = 0 if new is None else max(0, shared.offer(cur, new))
        score[kind] = 0.8 * score[kind] + 0.2 * (gain / max(spent, 0.01) + 0.05)
        # Grow neighbourhoods that are solved to optimality, shrink those that time out.
        if kind == "staff":
            k_staff = min(_STAFF_MAX, k_staff * 1.05) if optimal else max(1.0, k_staff * 0.8)
        else:
            f = free_frac[kind]
            free_frac[kind] = min(1.0, f * 1.05) if optimal else max(0.02, f * 0.8)
        if log:
            print(
                f"lns {seed} {it} {kind} size={size} opt={optimal} gain={gain} "
                f"best={shared.cost} t={spent:.2f}",
                file=sys.stderr,
            )


def _pick_kind(rng: random.Random, usable: list[str], score: dict[str, float]) -> str:
    if rng.random() < 0.25:  # keep exploring every kind
        return rng.choice(usable)
    pick = rng.random() * sum(score[k] for k in usable)
    for k in usable:
        pick -= score[k]
        if pick <= 0:
            return k
    return usable[-1]


def _staff_subset(ev: Evaluator, rng: random.Random, cur: Rows, size: int) -> list[int]:
    """Blame-weighted employees; half the time seeded with someone who is off on an
    under-covered day, who must take it on while the others absorb the knock-on changes."""
    blame = ev.staff_blame(cur)
    subset: list[int] = []
    pool = list(range(ev.n))
    holes = ev.deficits(cur) if rng.random() < 0.5 else []
    if holes:
        d, _s = rng.choice(holes)
        idle = [e for e in pool if cur[e][d] < 0]
        if idle:
            first = rng.choice(idle)
            subset.append(first)
            pool.remove(first)
    while len(subset) < size:
        e = rng.choices(pool, weights=[blame[i] for i in pool])[0]
        subset.append(e)
        pool.remove(e)
    return subset


def _free_cells(
    ev: Evaluator, rng: random.Random, cur: Rows, kind: str, frac: float
) -> set[tuple[int, int]]:
    """The (employee, day) cells a ``window`` or ``cells`` move may change."""
    n, h = ev.n, ev.h
    if kind == "window":
        width = max(2, min(h, round(frac * h)))
        holes = ev.deficits(cur) if rng.random() < 0.5 else []
        if holes:  # centre the window on an under-covered day
            d, _s = rng.choice(holes)
            lo = max(0, min(h - width, d - width // 2))
        else:
            lo = rng.randrange(0, h - width + 1)
        share = min(1.0, max(0.3, 14.0 * 2 / max(n, 1)))
        staff = [e for e in range(n) if rng.random() < share] or [rng.randrange(n)]
        return {(e, d) for e in staff for d in range(lo, lo + width)}
    # On big instances only part of the staff, to keep the sub-model small.
    share = min(1.0, max(0.25, 30.0 / max(n, 1)))
    staff = [e for e in range(n) if rng.random() < share]
    return {(e, d) for e in staff for d in range(h) if rng.random() < frac}
