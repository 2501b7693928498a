"""A day-by-day constructive plan for the whole problem: fixed days, the kit pool, shift teams.

One of the two heuristics behind `start.start_plan` (the other, `greedy`, balances home-office
shares but knows neither fixed days nor the kit pool). Per day: calendar and fixed days, then
the assignment of shift teams to shift types (or, with separation by day, the team on site)
that meets coverage and rest times, then office workers seated by urgency, kit users seated
while the pool is short.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from rathaus.engines.roster import model as m


def construct_plan(problem: m.Problem) -> list[m.Assignment] | None:
    """A plan built day by day (no optimisation), or None when the heuristic gets stuck.

    Coverage, kits and weekly minimums are heuristic here: `start_plan` runs the independent
    checker on the result. Shift workers: per day, the assignment of shift teams to shift
    types (or, with separation by day, the team on site) that meets coverage and rest times;
    office workers: seated when they have no
    home office, when they still need office days this week, or when the kit pool is short.
    """
    mode = problem.capacity_mode
    cap = {r.id: r.seats(mode) for r in problem.rooms}
    shifts = sorted(problem.shifts, key=lambda s: s.start)
    cohorts = sorted(problem.cohorts, key=lambda k: k.id)
    cohort_of = {eid: i for i, k in enumerate(cohorts) for eid in k.members}
    out: list[m.Assignment] = []
    onsite_week: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    for index, d in enumerate(problem.days):
        today, used = _calendar_day(problem, d)
        # Shift workers: the team-to-shift mapping of the day that meets coverage and rest.
        prev = {x.employee_id: x for x in out if x.day == d - timedelta(days=1)}
        chosen = _shift_day(problem, d, index, today, prev, shifts, cohorts, cohort_of)
        if chosen is None:
            return None
        today.update(chosen)
        ranked = _office_ranking(problem, d, today, onsite_week)
        seated_ids = _seat_all(ranked, d, cap, used, today)
        if seated_ids is None:
            return None
        _seat_for_kits(problem, d, ranked, seated_ids, cap, used, today)
        for _u, _n, e in ranked:
            if e.id not in today:
                today[e.id] = m.Assignment(e.id, d, m.Kind.HOME)
        for e in problem.employees:
            chosen_today = today.get(e.id)
            if chosen_today is None:
                return None
            if chosen_today.kind in m.ON_SITE_KINDS:
                onsite_week[(e.id, _week(d))] += 1
            out.append(chosen_today)
    return out


def _week(d: date) -> tuple[int, int]:
    iso = d.isocalendar()
    return (iso[0], iso[1])


def _calendar_day(problem: m.Problem, d: date) -> tuple[dict[str, m.Assignment], dict[str, int]]:
    """Calendar and fixed days first: the day's assignments so far and the seats they use."""
    used: dict[str, int] = defaultdict(int)
    today: dict[str, m.Assignment] = {}
    for e in problem.employees:
        kind = problem.base_kind(e, d)
        if kind is None:
            continue
        fixed = problem.fixed_by_key.get((e.id, d))
        a = fixed if fixed is not None else m.Assignment(e.id, d, kind)
        today[e.id] = a
        if a.kind is m.Kind.ON_SITE and a.room_id:
            used[a.room_id] += 1
    return today, used


def _office_ranking(
    problem: m.Problem,
    d: date,
    today: dict[str, m.Assignment],
    onsite_week: dict[tuple[str, tuple[int, int]], int],
) -> list[tuple[float, int, m.Employee]]:
    """Office workers still to place: no home office first, then by urgency (office days
    still missing this week per working day left); (-urgency, office days so far, employee)."""
    wk = _week(d)
    rest_of_week = [x for x in problem.days if _week(x) == wk and x >= d]
    ranked: list[tuple[float, int, m.Employee]] = []
    for e in problem.employees:
        if e.id in today or problem.base_kind(e, d) is not None:
            continue
        done = onsite_week[(e.id, wk)]
        left = sum(1 for x in rest_of_week if problem.base_kind(e, x) is None)
        missing = max(0, min(e.min_onsite_per_week, left + done) - done)
        urgency = 2.0 if not e.home_office else missing / max(1, left)
        if done >= e.max_onsite_per_week and e.home_office:
            urgency = -1.0
        ranked.append((-urgency, done, e))
    ranked.sort(key=lambda t: (t[0], t[1], t[2].id))
    return ranked


def _seat_for_kits(
    problem: m.Problem,
    d: date,
    ranked: list[tuple[float, int, m.Employee]],
    seated_ids: set[str],
    cap: dict[str, int],
    used: dict[str, int],
    today: dict[str, m.Assignment],
) -> None:
    """Kit users get a free seat while more of them would be at home than the pool has."""
    stock = problem.kit_pool.available(d)
    home_kits = sum(1 for _u, _n, e in ranked if e.id not in seated_ids and e.needs_kit) + sum(
        1
        for e in problem.employees
        if e.needs_kit and (home := today.get(e.id)) is not None and home.kind is m.Kind.HOME
    )
    for urgency, _n, e in ranked:
        if home_kits <= stock:
            break
        if e.id in seated_ids or not e.needs_kit or urgency > 0:
            continue
        if _seat(e, d, cap, used, today):
            seated_ids.add(e.id)
            home_kits -= 1


def _seat(e: m.Employee, d: date, cap: dict[str, int], used: dict[str, int], today: dict) -> bool:
    for r in e.rooms:
        if r in cap and used[r] < cap[r]:
            used[r] += 1
            today[e.id] = m.Assignment(e.id, d, m.Kind.ON_SITE, room_id=r)
            return True
    return False


def _seat_all(ranked, d: date, cap, used, today) -> set[str] | None:
    """Seat everyone with positive urgency (in order); None if someone without home office
    finds no seat."""
    seated: set[str] = set()
    for neg_urgency, _n, e in ranked:
        if neg_urgency >= 0:
            break
        if _seat(e, d, cap, used, today):
            seated.add(e.id)
        elif not e.home_office:
            return None
    return seated


def _shift_day(
    problem: m.Problem,
    d: date,
    index: int,
    today: dict[str, m.Assignment],
    prev: dict[str, m.Assignment],
    shifts: list[m.ShiftType],
    cohorts: list[m.Cohort],
    cohort_of: dict[str, int],
) -> dict[str, m.Assignment] | None:
    """The shift workers' day: the candidate team assignment with the smallest gap in
    coverage and rest (the first without a gap), or None when no candidate works."""
    workers = [
        e
        for e in problem.employees
        if e.shifts and e.id not in today and problem.base_kind(e, d) is None
    ]
    if not workers:
        return {}
    day = _ShiftDay(problem, d, workers, prev, shifts, cohort_of)
    best = None
    for candidate in _candidates(problem, index, shifts, len(cohorts)):
        result = day.assign(candidate)
        if result is None:
            continue
        value = day.gap(result)
        if best is None or value < best[0]:
            best = (value, result)
        if value[0] == 0:
            break
    return best[1] if best else None


def _candidates(
    problem: m.Problem, index: int, shifts: list[m.ShiftType], n: int
) -> list[tuple[str, Any]]:
    """Ways to give the day to the `n` shift teams: team -> shift mappings, or one team on
    duty (rotating with the day's `index`), or no teams at all."""
    if problem.cohort_separation is m.CohortSeparation.SHIFT and n:
        if n <= len(shifts):
            mappings = [dict(enumerate(p)) for p in itertools.permutations(shifts, n)]
        else:
            mappings = [
                {k: shifts[(k + r) % len(shifts)] for k in range(n)} for r in range(len(shifts))
            ]
        candidates: list[tuple[str, Any]] = [("shift", mp) for mp in mappings]
        # One team covers every shift of the day, the others work from home.
        return candidates + [("day", (index + r) % n) for r in range(n)]
    if n:
        return [("day", (index + r) % n) for r in range(n)]
    return [("none", None)]


class _ShiftDay:
    """One day's shift workers, to try the candidates of `_candidates` on."""

    def __init__(
        self,
        problem: m.Problem,
        d: date,
        workers: list[m.Employee],
        prev: dict[str, m.Assignment],
        shifts: list[m.ShiftType],
        cohort_of: dict[str, int],
    ) -> None:
        self.problem, self.d, self.workers, self.prev = problem, d, workers, prev
        self.shifts, self.cohort_of = shifts, cohort_of
        self.by_id = problem.shifts_by_id
        self.coverage = [c for c in problem.coverage if c.day == d and c.required > 0]

    def assign(self, candidate: tuple[str, Any]) -> dict[str, m.Assignment] | None:
        """The workers' assignments under `candidate`, or None if someone cannot follow it."""
        kind, value = candidate
        d = self.d
        result: dict[str, m.Assignment] = {}
        free: list[m.Employee] = []
        for e in self.workers:
            k = self.cohort_of.get(e.id)
            if kind == "day" and k is not None and k != value:
                if not e.home_office:
                    return None
                result[e.id] = m.Assignment(e.id, d, m.Kind.HOME)
            elif kind == "shift" and k is not None:
                s = value[k]
                if s.id in e.shifts:
                    result[e.id] = m.Assignment(e.id, d, m.Kind.SHIFT, shift_id=s.id)
                elif e.home_office:
                    result[e.id] = m.Assignment(e.id, d, m.Kind.HOME)
                else:
                    return None
            else:
                free.append(e)
        # Unbound workers (and day cohorts): the shift with the largest remaining need.
        for e in free:
            options = sorted(
                (s for s in self.shifts if s.id in e.shifts), key=lambda s: -self._need(s, result)
            )
            rested = [
                s for s in options if _rest_ok(self.problem, self.prev.get(e.id), s, self.by_id)
            ]
            pick = next(iter(rested or options), None)
            if pick is None:
                return None
            result[e.id] = m.Assignment(e.id, d, m.Kind.SHIFT, shift_id=pick.id)
        return result

    def _need(self, s: m.ShiftType, result: dict[str, m.Assignment]) -> int:
        have = sum(1 for a in result.values() if a.shift_id == s.id)
        want = sum(
            c.required for c in self.coverage if c.shift_id == s.id and c.qualification is None
        )
        return want - have

    def gap(self, result: dict[str, m.Assignment]) -> tuple[int, int]:
        """Missing coverage plus workers without enough rest (0 = the day works)."""
        emps = self.problem.employees_by_id
        by_id = self.by_id
        short = 0
        for c in self.coverage:
            have = sum(
                1
                for eid, a in result.items()
                if a.shift_id == c.shift_id
                and (c.qualification is None or c.qualification in emps[eid].qualifications)
            )
            short += max(0, c.required - have)
        tired = sum(
            1
            for eid, a in result.items()
            if a.kind is m.Kind.SHIFT
            and not _rest_ok(self.problem, self.prev.get(eid), by_id[a.shift_id or ""], by_id)
        )
        return (short + tired, 0)


def _rest_ok(problem: m.Problem, before: m.Assignment | None, s: m.ShiftType, by_id) -> bool:
    if before is None or before.kind is not m.Kind.SHIFT:
        return True
    s1 = by_id[before.shift_id or ""]
    return 1440 + s.start - s1.end_abs >= problem.min_rest_minutes
