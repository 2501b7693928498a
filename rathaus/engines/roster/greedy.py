"""A quick constructive plan used as CP-SAT hint, so that large runs always start feasible.

Day by day: each cohort group picks the cohort on duty (the one with most people available,
alternating on ties); shift coverage is filled from it (qualified people first, 11 h rest,
weekly maximum); then people who must be on site (no home office, or the weekly minimum
would otherwise be missed) get a room seat, then everyone else while seats are free
(kits are scarce; those with the largest home share so far first) unless they wish to
be at home. The kit pool is
ignored (the decomposition treats it separately). Returns None when it gets stuck; the
result is only a hint, CP-SAT checks everything.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from rathaus.engines.roster.cpmodel import HOME, Key, options_for, week_of
from rathaus.engines.roster.model import Assignment, Employee, Kind, Problem

Week = tuple[int, int]


def greedy_plan(problem: Problem) -> dict[Key, Assignment] | None:
    if problem.fixed:
        return None
    g = _Greedy(problem)
    for d in problem.days:
        if not g.plan_day(d):
            return None
    return g.out


class _Greedy:
    """The state of the day-by-day construction (see the module docstring)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.cap = {r.id: r.seats(problem.capacity_mode) for r in problem.rooms}
        self.opts = {e.id: options_for(problem, e) for e in problem.employees}
        self.status = {
            (e.id, d): problem.base_kind(e, d) for e in problem.employees for d in problem.days
        }
        self.need: dict[tuple[str, Week], int] = {}
        self.left: dict[tuple[str, Week], int] = defaultdict(int)
        weeks: dict[Week, list[date]] = defaultdict(list)
        for d in problem.days:
            weeks[week_of(d)].append(d)
        for e in problem.employees:
            for wk, ds in weeks.items():  # weekly minimum, pro rata as in the model
                worked = sum(1 for d in ds if self.status[(e.id, d)] is None)
                scheduled = sum(1 for d in ds if self.status[(e.id, d)] is not Kind.OFF)
                low = e.min_onsite_per_week * worked // max(1, scheduled)
                self.need[(e.id, wk)] = min(worked, low)
                self.left[(e.id, wk)] = worked
        self.cohort_of = {m: k for k in problem.cohorts for m in k.members}
        self.groups: dict[str, list[str]] = defaultdict(list)
        for k in problem.cohorts:
            self.groups[k.group].append(k.id)
        self.onsite_week: dict[tuple[str, Week], int] = defaultdict(int)
        self.run: dict[str, int] = defaultdict(int)
        self.out: dict[Key, Assignment] = {}
        self.last_duty: dict[str, str] = {}
        self.rank = {e.id: i for i, e in enumerate(problem.employees)}
        hist = {h.employee_id: h for h in problem.history}
        self.home = {e.id: hist[e.id].home_days if e.id in hist else 0 for e in problem.employees}
        self.work = {
            e.id: hist[e.id].home_days + hist[e.id].office_days if e.id in hist else 0
            for e in problem.employees
        }

    def can_onsite(self, e: Employee, wk: Week) -> bool:
        limit = self.problem.max_consecutive_onsite_days
        return self.onsite_week[(e.id, wk)] < e.max_onsite_per_week and (
            limit is None or self.run[e.id] < limit
        )

    def missing(self, e_id: str, wk: Week) -> int:
        return self.need[(e_id, wk)] - self.onsite_week[(e_id, wk)]

    def plan_day(self, d: date) -> bool:
        """Plan day `d`; False when stuck."""
        problem = self.problem
        working = [e for e in problem.employees if self.status[(e.id, d)] is None]
        duty = self._duty(working)
        assigned = self._cover_shifts(d, working, duty)
        if assigned is None:
            return False
        used: dict[str, int] = defaultdict(int)
        for e in self._seat_order(working, week_of(d)):
            if not self._place(e, d, duty, assigned, used):
                return False
        for e in problem.employees:
            if self.status[(e.id, d)] is not None:
                self.run[e.id] = 0
        return True

    def _duty(self, working: list[Employee]) -> dict[str, str]:
        """Cohort on duty per group: most people available, the other one than last time
        on ties."""
        cohort_of = self.cohort_of
        duty: dict[str, str] = {}
        for group, ks in self.groups.items():
            avail = {
                k: sum(1 for e in working if cohort_of.get(e.id) and cohort_of[e.id].id == k)
                for k in ks
            }
            duty[group] = max(ks, key=lambda k: (avail[k], k != self.last_duty.get(group), k))
            self.last_duty[group] = duty[group]
        return duty

    def _allowed(self, e: Employee, duty: dict[str, str]) -> bool:
        k = self.cohort_of.get(e.id)
        return k is None or duty.get(k.group) == k.id

    def _cover_shifts(
        self, d: date, working: list[Employee], duty: dict[str, str]
    ) -> dict[str, str] | None:
        """Employee -> shift for the day's coverage rows (qualified rows first), or None."""
        problem = self.problem
        assigned: dict[str, str] = {}
        rows = sorted(
            (c for c in problem.coverage if c.day == d and c.required > 0),
            key=lambda c: c.qualification is None,
        )
        for c in rows:
            have = sum(
                1
                for eid, s in assigned.items()
                if s == c.shift_id
                and (
                    c.qualification is None
                    or c.qualification in problem.employees_by_id[eid].qualifications
                )
            )
            for e in working:
                if have >= c.required:
                    break
                if (
                    e.id not in assigned
                    and f"shift:{c.shift_id}" in self.opts[e.id]
                    and self._allowed(e, duty)
                    and self._rested(e, d, c.shift_id)
                    and self.can_onsite(e, week_of(d))
                    and (c.qualification is None or c.qualification in e.qualifications)
                ):
                    assigned[e.id] = c.shift_id
                    have += 1
            if have < c.required:
                return None
        return assigned

    def _rested(self, e: Employee, d: date, shift_id: str) -> bool:
        """Enough rest since yesterday's shift before `shift_id` today."""
        shifts = self.problem.shifts_by_id
        prev = self.out.get((e.id, d - timedelta(days=1)))
        return (
            prev is None
            or prev.kind is not Kind.SHIFT
            or (
                1440 + shifts[shift_id].start - shifts[prev.shift_id or ""].end_abs
                >= self.problem.min_rest_minutes
            )
        )

    def _seat_order(self, working: list[Employee], wk: Week) -> list[Employee]:
        """No home office first, then those whose weekly minimum is most at risk, then those
        with the largest home share so far (history included): seats go to them first."""
        working.sort(
            key=lambda e: (
                HOME in self.opts[e.id],
                self.left[(e.id, wk)] - self.missing(e.id, wk)
                if self.missing(e.id, wk) > 0
                else 99,
                -self.home[e.id] / max(1, self.work[e.id]),
                self.rank[e.id],
            )
        )
        return working

    def _place(
        self,
        e: Employee,
        d: date,
        duty: dict[str, str],
        assigned: dict[str, str],
        used: dict[str, int],
    ) -> bool:
        """Employee `e`'s activity on day `d`; False when they must be on site and cannot."""
        wk = week_of(d)
        key = (e.id, wk)
        self.work[e.id] += 1
        opts = self.opts[e.id]
        if e.id in assigned:
            self.out[(e.id, d)] = Assignment(e.id, d, Kind.SHIFT, shift_id=assigned[e.id])
        else:
            must = HOME not in opts or self.missing(e.id, wk) >= self.left[key]
            rooms = [o[5:] for o in opts if o.startswith("room:")]
            ok = self.can_onsite(e, wk) and self._allowed(e, duty)
            free = [r for r in rooms if used[r] < self.cap[r]] if ok else []
            spare = [o[6:] for o in opts if o.startswith("shift:")] if ok else []
            wants_home = any(w.day == d and w.kind.value != "prefer_office" for w in e.wishes)
            # A free seat is taken unless the person wants to be home: saves kits.
            if free and (must or not wants_home):
                used[free[0]] += 1
                self.out[(e.id, d)] = Assignment(e.id, d, Kind.ON_SITE, room_id=free[0])
            elif must and spare:  # an extra person on a shift is allowed
                self.out[(e.id, d)] = Assignment(e.id, d, Kind.SHIFT, shift_id=spare[0])
            elif must:
                return False
            else:
                self.out[(e.id, d)] = Assignment(e.id, d, Kind.HOME)
                self.home[e.id] += 1
                self.run[e.id] = 0
                self.left[key] -= 1
                return True
        self.onsite_week[key] += 1
        self.run[e.id] += 1
        self.left[key] -= 1
        return True


def repair_kits(problem: Problem, assignments: list[Assignment]) -> list[Assignment] | None:
    """Bring kit use down to the stock by sending kit users with a free seat to the office.

    Cheapest first (no wish to be at home that day); cohort members, the weekly maximum and
    the on-site run limit are respected. None if the seats do not suffice.
    """
    emps = problem.employees_by_id
    cap = {r.id: r.seats(problem.capacity_mode) for r in problem.rooms}
    in_cohort = {m for k in problem.cohorts for m in k.members}
    by_key = {(a.employee_id, a.day): a for a in assignments}
    seats: dict[tuple[str, date], int] = defaultdict(int)
    kits: dict[date, list[Assignment]] = defaultdict(list)
    onsite_week: dict[tuple[str, Week], int] = defaultdict(int)
    for a in assignments:
        if a.kind is Kind.ON_SITE and a.room_id:
            seats[(a.room_id, a.day)] += 1
        if a.kind in (Kind.ON_SITE, Kind.SHIFT):
            onsite_week[(a.employee_id, week_of(a.day))] += 1
        if a.kind is Kind.HOME and emps[a.employee_id].needs_kit:
            kits[a.day].append(a)
    limit = problem.max_consecutive_onsite_days
    for d in sorted(kits):
        excess = len(kits[d]) - problem.kit_pool.available(d)
        if excess <= 0:
            continue

        def cost(a: Assignment, d: date = d) -> int:
            e = emps[a.employee_id]
            return sum(w.weight for w in e.wishes if w.day == d and w.kind.value == "prefer_home")

        for a in sorted(kits[d], key=lambda a: (cost(a), a.employee_id)):
            if excess == 0:
                break
            e = emps[a.employee_id]
            wk = week_of(d)
            free = [r for r in e.rooms if r in cap and seats[(r, d)] < cap[r]]
            if (
                not free
                or e.id in in_cohort
                or onsite_week[(e.id, wk)] >= e.max_onsite_per_week
                or limit is not None
            ):
                continue
            by_key[(e.id, d)] = Assignment(e.id, d, Kind.ON_SITE, room_id=free[0])
            seats[(free[0], d)] += 1
            onsite_week[(e.id, wk)] += 1
            excess -= 1
        if excess > 0:
            return None
    return list(by_key.values())
