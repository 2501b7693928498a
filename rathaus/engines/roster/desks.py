"""A proven lower bound on the desks of a desk-sharing problem (used by `space`).

`desk_lower_bound(problem, pool)` solves the linear relaxation of the hard rules of
`cpmodel` with one unknown, the capacity P of the room `pool`, and minimises P. Every plan
with at most P desks in use on every day is a solution of this relaxation (each of its
constraints is implied by the CP-SAT model), so ceil(P*) desks are needed by every plan.

Rules kept (all hard rules of `cpmodel`): one activity per working day (fractional),
fixed days, the other rooms' capacity, the dated kit pool (kit users at home <= stock: when
kits are fewer than home-office demand, the rest must be on site), shift coverage with
qualifications, cohorts (an on-site member switches its cohort's day or slot on; one cohort
per group and slot), minimum and maximum on-site days per ISO week (pro rata, as in the
model), 11 h rest, on-site runs. The soft rules (fairness, wishes, team days, stability)
do not restrict the desks and are left out.

The relaxation has one row per employee and day, per employee and week and per day, and is
solved with GLOP in well under a second for 200 staff x 4 weeks; no time limit applies.
`hint` is the LP's plan rounded to the largest share per employee and day (a start for the
CP-SAT search, not necessarily valid).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ortools.linear_solver import pywraplp

from rathaus.engines.roster.cpmodel import HOME, Key, assignment_of, option_of, options_for, week_of
from rathaus.engines.roster.model import Assignment, CohortSeparation, Kind, Problem, Room

# The LP's optimum is a float; a bound may only ever be rounded down (safe side).
EPS = 1e-6


@dataclass(frozen=True)
class DeskBound:
    seats: int  # no plan needs fewer desks on its busiest day
    lp_value: float  # the relaxation's optimum (desks, fractional)
    hint: dict[Key, Assignment] = field(default_factory=dict)


class _Lp:
    """The relaxation's variables and rows, in the order of `cpmodel.build`."""

    def __init__(self, problem: Problem, pool: str) -> None:
        self.problem = problem
        self.pool = pool
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        big = max(1, len(problem.employees))
        self.peak = self.solver.NumVar(0.0, big, "peak")
        self.x: dict[Key, dict[str, pywraplp.Variable]] = {}
        self.base: dict[Key, Kind] = {}
        self.feasible = True

    def onsite(self, key: Key) -> list[pywraplp.Variable]:
        return [v for o, v in self.x.get(key, {}).items() if o != HOME]

    def add_sum(self, vs: list[pywraplp.Variable], lo: float, hi: float) -> None:
        """lo <= sum(vs) <= hi (either side may be infinite); an empty sum must fit."""
        if not vs:
            self.feasible = self.feasible and lo <= 0 <= hi
            return
        total = self.solver.Sum(vs)
        if lo > -math.inf:
            self.solver.Add(total >= lo)
        if hi < math.inf:
            self.solver.Add(total <= hi)


def desk_lower_bound(problem: Problem, pool: str) -> DeskBound | None:
    """The least desks in `pool` any plan of `problem` needs; None when no plan exists for
    any number of desks (the relaxation is infeasible)."""
    problem = _with_open_pool(problem, pool)
    lp = _Lp(problem, pool)
    _decisions(lp)
    _rooms_and_kits(lp)
    _coverage(lp)
    if problem.cohorts:
        _cohorts(lp)
    _onsite_per_week(lp)
    _working_time(lp)
    if not lp.feasible:
        return None
    lp.solver.Minimize(lp.peak)
    if lp.solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    value = lp.peak.solution_value()
    return DeskBound(max(0, math.ceil(value - EPS)), value, _rounded(lp))


def _with_open_pool(problem: Problem, pool: str) -> Problem:
    """The pool with room for everybody (its real limit is the LP's unknown)."""
    big = max(1, len(problem.employees))
    rooms = tuple(Room(r.id, r.name, big, big) if r.id == pool else r for r in problem.rooms)
    if pool not in problem.rooms_by_id:
        rooms = (*rooms, Room(pool, pool, big, big))
    return replace(problem, rooms=rooms)


def _decisions(lp: _Lp) -> None:
    problem, s = lp.problem, lp.solver
    for emp in problem.employees:
        opts = options_for(problem, emp)
        for d in problem.days:
            kind = problem.base_kind(emp, d)
            if kind in (Kind.ABSENT, Kind.OFF):
                lp.base[(emp.id, d)] = kind
                continue
            lits = {o: s.NumVar(0.0, 1.0, f"x{emp.id}_{d:%m%d}_{o}") for o in opts}
            lp.x[(emp.id, d)] = lits
            lp.add_sum(list(lits.values()), 1.0, 1.0)
            fixed = problem.fixed_by_key.get((emp.id, d))
            if fixed is not None:
                want = option_of(fixed)
                if want in lits:
                    s.Add(lits[want] == 1.0)
                else:
                    lp.feasible = False


def _rooms_and_kits(lp: _Lp) -> None:
    problem, s = lp.problem, lp.solver
    per_room: dict[tuple[str, date], list[pywraplp.Variable]] = defaultdict(list)
    home_kit: dict[date, list[pywraplp.Variable]] = defaultdict(list)
    emps = problem.employees_by_id
    for (eid, d), lits in lp.x.items():
        for o, v in lits.items():
            if o.startswith("room:"):
                per_room[(o[5:], d)].append(v)
            elif o == HOME and emps[eid].needs_kit:
                home_kit[d].append(v)
    for (rid, _), vs in per_room.items():
        if rid == lp.pool:
            s.Add(s.Sum(vs) <= lp.peak)
        else:
            lp.add_sum(vs, -math.inf, problem.rooms_by_id[rid].seats(problem.capacity_mode))
    for d, vs in home_kit.items():
        lp.add_sum(vs, -math.inf, problem.kit_pool.available(d))


def _coverage(lp: _Lp) -> None:
    problem = lp.problem
    day_set = set(problem.days)
    for c in problem.coverage:
        if c.day not in day_set or c.required <= 0:
            continue
        opt = f"shift:{c.shift_id}"
        vs = [
            lits[opt]
            for emp in problem.employees
            if (lits := lp.x.get((emp.id, c.day))) is not None
            and opt in lits
            and (c.qualification is None or c.qualification in emp.qualifications)
        ]
        lp.add_sum(vs, c.required, math.inf)


def _cohorts(lp: _Lp) -> None:
    """Members on site switch their cohort's slot on (sum <= members x switch); at most one
    cohort per group and slot is switched on."""
    problem, s = lp.problem, lp.solver
    by_slot = problem.cohort_separation is CohortSeparation.SHIFT
    for d in problem.days:
        active: dict[tuple[str, str], list[pywraplp.Variable]] = defaultdict(list)
        for k in problem.cohorts:
            slot_lits: dict[str, list[pywraplp.Variable]] = defaultdict(list)
            slot_members: dict[str, set[str]] = defaultdict(set)
            for eid in sorted(k.members):
                for o, v in lp.x.get((eid, d), {}).items():
                    if o != HOME:
                        slot = (o if o.startswith("shift:") else "office") if by_slot else "day"
                        slot_lits[slot].append(v)
                        slot_members[slot].add(eid)
            for slot, vs in slot_lits.items():
                act = s.NumVar(0.0, 1.0, f"c{k.id}_{d:%m%d}_{slot}")
                # each member is on site in one slot at most once a day
                s.Add(s.Sum(vs) <= len(slot_members[slot]) * act)
                active[(k.group, slot)].append(act)
        for acts in active.values():
            if len(acts) > 1:
                s.Add(s.Sum(acts) <= 1.0)


def _onsite_per_week(lp: _Lp) -> None:
    """As `cpmodel._onsite_per_week` (pro rata minimum, maximum)."""
    problem = lp.problem
    weeks: dict[tuple[int, int], list[date]] = defaultdict(list)
    for d in problem.days:
        weeks[week_of(d)].append(d)
    for emp in problem.employees:
        for ds in weeks.values():
            worked = [d for d in ds if (emp.id, d) in lp.x]
            week_vars = [v for d in ds for v in lp.onsite((emp.id, d))]
            scheduled = sum(1 for d in ds if lp.base.get((emp.id, d)) is not Kind.OFF)
            low = min(len(worked), emp.min_onsite_per_week * len(worked) // max(1, scheduled))
            high = emp.max_onsite_per_week if emp.max_onsite_per_week < len(worked) else math.inf
            if low > 0 or high < math.inf:
                lp.add_sum(week_vars, low if low > 0 else -math.inf, high)


def _working_time(lp: _Lp) -> None:
    """11 h rest between shifts on consecutive days; at most n on-site days in a row."""
    problem, s = lp.problem, lp.solver
    shifts = problem.shifts_by_id
    limit = problem.max_consecutive_onsite_days
    day_set = set(problem.days)
    for emp in problem.employees:
        for d in problem.days:
            today = lp.x.get((emp.id, d), {})
            tomorrow = lp.x.get((emp.id, d + timedelta(days=1)), {})
            for o1, v1 in today.items():
                for o2, v2 in tomorrow.items():
                    if o1.startswith("shift:") and o2.startswith("shift:"):
                        gap = 1440 + shifts[o2[6:]].start - shifts[o1[6:]].end_abs
                        if gap < problem.min_rest_minutes:
                            s.Add(v1 + v2 <= 1.0)
            if limit is None:
                continue
            window = [d + timedelta(days=i) for i in range(limit + 1)]
            if all(w in day_set for w in window):
                run = [v for w in window for v in lp.onsite((emp.id, w))]
                if len(run) > limit:
                    s.Add(s.Sum(run) <= limit)


def _rounded(lp: _Lp) -> dict[Key, Assignment]:
    """The LP's plan, each employee and day on its largest share (a search start)."""
    out: dict[Key, Assignment] = {}
    for (eid, d), lits in lp.x.items():
        if lits:
            best = max(lits, key=lambda o: lits[o].solution_value())
            out[(eid, d)] = assignment_of(eid, d, best)
    return out
