"""Independent validation of a plan: plain Python, no OR-Tools, no import of the solver.

Every hard rule is checked again from the problem data and every soft penalty is recomputed,
so that a bug in the CP-SAT formulation shows up as a disagreement here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from rathaus.engines.roster.model import (
    Assignment,
    CohortSeparation,
    Kind,
    Plan,
    Problem,
    WishKind,
)

ONSITE = (Kind.ON_SITE, Kind.SHIFT)
WORK = (Kind.ON_SITE, Kind.SHIFT, Kind.HOME)


@dataclass(frozen=True)
class CheckResult:
    violations: tuple[str, ...]
    penalties: tuple[tuple[str, int], ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> int:
        return sum(v for _, v in self.penalties)


PlanMap = dict[tuple[str, date], Assignment]


def check(problem: Problem, plan: Plan | tuple[Assignment, ...]) -> CheckResult:
    assignments = plan.assignments if isinstance(plan, Plan) else plan
    plan_map, v = _plan_map(problem, assignments)
    if v:
        return CheckResult(tuple(v), ())
    for rule in (_calendar, _capacity, _coverage, _cohorts, _onsite_per_week, _working_time):
        v += rule(problem, plan_map)
    return CheckResult(tuple(v), tuple(sorted(_penalties(problem, plan_map).items())))


def _plan_map(problem: Problem, assignments: tuple[Assignment, ...]) -> tuple[PlanMap, list[str]]:
    """Exactly one activity per employee and day: the plan by key, and the violations."""
    v: list[str] = []
    emps = problem.employees_by_id
    day_set = set(problem.days)
    plan_map: PlanMap = {}
    for a in assignments:
        key = (a.employee_id, a.day)
        if key in plan_map:
            v.append(f"DOUBLE {key}")
        if a.employee_id not in emps or a.day not in day_set:
            v.append(f"UNKNOWN {key}")
            continue
        plan_map[key] = a
    for e in problem.employees:
        for d in problem.days:
            if (e.id, d) not in plan_map:
                v.append(f"MISSING {(e.id, d)}")
    return plan_map, v


def _calendar(problem: Problem, plan_map: PlanMap) -> list[str]:
    """Input calendar, fixed days and admissible activities."""
    v: list[str] = []
    emps = problem.employees_by_id
    fixed = {(a.employee_id, a.day): a for a in problem.fixed}
    for (eid, d), a in plan_map.items():
        e = emps[eid]
        if (eid, d) in fixed:
            if not a.same_as(fixed[(eid, d)]):
                v.append(f"FIXED_CHANGED {eid} {d}")
            must = fixed[(eid, d)].kind
        elif d.weekday() not in e.working_weekdays:
            must = Kind.OFF
        elif d in e.absences:
            must = Kind.ABSENT
        else:
            must = None
        if must in (Kind.OFF, Kind.ABSENT) and a.kind is not must:
            v.append(f"CALENDAR {eid} {d}: {a.kind} statt {must}")
        if must is None and a.kind not in WORK:
            v.append(f"NOT_WORKING {eid} {d}")
        v += _admissible(problem, a)
    return v


def _admissible(problem: Problem, a: Assignment) -> list[str]:
    """The activity is one the employee may do: home office, one of their rooms or shifts."""
    e, eid, d = problem.employees_by_id[a.employee_id], a.employee_id, a.day
    rooms = problem.rooms_by_id
    v: list[str] = []
    if a.kind is Kind.HOME and not e.home_office:
        v.append(f"HOME_NOT_ALLOWED {eid} {d}")
    if a.kind is Kind.ON_SITE:
        r = rooms.get(a.room_id or "")
        if r is None or a.room_id not in e.rooms or r.seats(problem.capacity_mode) <= 0:
            v.append(f"ROOM_NOT_ALLOWED {eid} {d} {a.room_id}")
    shifts = problem.shifts_by_id
    if a.kind is Kind.SHIFT and (a.shift_id not in shifts or a.shift_id not in e.shifts):
        v.append(f"SHIFT_NOT_ALLOWED {eid} {d} {a.shift_id}")
    return v


def _capacity(problem: Problem, plan_map: PlanMap) -> list[str]:
    """Room capacity and kit pool per day."""
    v: list[str] = []
    emps = problem.employees_by_id
    rooms = {r.id: r for r in problem.rooms}
    room_use: dict[tuple[str, date], int] = defaultdict(int)
    kits: dict[date, int] = defaultdict(int)
    for a in plan_map.values():
        if a.kind is Kind.ON_SITE and a.room_id:
            room_use[(a.room_id, a.day)] += 1
        if a.kind is Kind.HOME and emps[a.employee_id].needs_kit:
            kits[a.day] += 1
    for (rid, d), n in room_use.items():
        if rid in rooms and n > rooms[rid].seats(problem.capacity_mode):
            v.append(f"ROOM_CAPACITY {rid} {d}: {n}")
    for d, n in kits.items():
        if n > problem.kit_pool.available(d):
            v.append(f"KIT_POOL {d}: {n} > {problem.kit_pool.available(d)}")
    return v


def _coverage(problem: Problem, plan_map: PlanMap) -> list[str]:
    """Coverage with qualifications."""
    v: list[str] = []
    day_set = set(problem.days)
    for c in problem.coverage:
        if c.day not in day_set:
            continue
        n = sum(
            1
            for e in problem.employees
            if plan_map[(e.id, c.day)].kind is Kind.SHIFT
            and plan_map[(e.id, c.day)].shift_id == c.shift_id
            and (c.qualification is None or c.qualification in e.qualifications)
        )
        if n < c.required:
            v.append(f"COVERAGE {c.day} {c.shift_id} {c.qualification}: {n} < {c.required}")
    return v


def _cohorts(problem: Problem, plan_map: PlanMap) -> list[str]:
    """Cohorts never on site in the same day (or slot)."""
    v: list[str] = []
    for d in problem.days:
        slots: dict[tuple[str, str], set[str]] = defaultdict(set)
        for k in problem.cohorts:
            for eid in k.members:
                member = plan_map.get((eid, d))
                if member is None or member.kind not in ONSITE:
                    continue
                if problem.cohort_separation is CohortSeparation.SHIFT:
                    where = f"shift:{member.shift_id}" if member.kind is Kind.SHIFT else "office"
                else:
                    where = "day"
                slots[(k.group, where)].add(k.id)
        for group_slot, ks in slots.items():
            if len(ks) > 1:
                v.append(f"COHORTS_MEET {d} {group_slot}: {sorted(ks)}")
    return v


def _onsite_per_week(problem: Problem, plan_map: PlanMap) -> list[str]:
    """Weekly on-site bounds (minimum pro rata: min * worked // scheduled, at most worked)."""
    v: list[str] = []
    for e in problem.employees:
        weeks: dict[tuple[int, int], list[date]] = defaultdict(list)
        for d in problem.days:
            iso = d.isocalendar()
            weeks[(iso[0], iso[1])].append(d)
        for wk, ds in weeks.items():
            kinds = [plan_map[(e.id, d)].kind for d in ds]
            worked = sum(1 for k in kinds if k in WORK)
            onsite = sum(1 for k in kinds if k in ONSITE)
            scheduled = sum(1 for k in kinds if k is not Kind.OFF)
            low = min(worked, e.min_onsite_per_week * worked // max(1, scheduled))
            if onsite < low:
                v.append(f"WEEK_MIN {e.id} {wk}: {onsite}")
            if onsite > e.max_onsite_per_week:
                v.append(f"WEEK_MAX {e.id} {wk}: {onsite}")
    return v


def _working_time(problem: Problem, plan_map: PlanMap) -> list[str]:
    """Working time: rest between shifts, consecutive on-site and working days."""
    v: list[str] = []
    shifts = problem.shifts_by_id
    days = list(problem.days)
    for e in problem.employees:
        for d in days:
            nxt = d + timedelta(days=1)
            a, b = plan_map[(e.id, d)], plan_map.get((e.id, nxt))
            if b and a.kind is Kind.SHIFT and b.kind is Kind.SHIFT:
                s1, s2 = shifts[a.shift_id or ""], shifts[b.shift_id or ""]
                end = s1.end if s1.end > s1.start else s1.end + 1440
                if 1440 + s2.start - end < problem.min_rest_minutes:
                    v.append(f"REST {e.id} {d}")
        for limit, kinds, code in (
            (problem.max_consecutive_onsite_days, ONSITE, "CONSECUTIVE_ONSITE"),
            (problem.max_consecutive_working_days, WORK, "CONSECUTIVE_WORKING"),
        ):
            if limit is None:
                continue
            run, prev = 0, None
            for d in days:
                hit = plan_map[(e.id, d)].kind in kinds
                run = (
                    (run + 1 if prev is not None and d - prev == timedelta(days=1) else 1)
                    if hit
                    else 0
                )
                prev = d
                if run > limit:
                    v.append(f"{code} {e.id} {d}")
    return v


def _penalties(problem: Problem, plan_map: PlanMap) -> dict[str, int]:
    return {
        "fairness": _fairness(problem, plan_map),
        "wishes": _wishes(problem, plan_map),
        "team_days": _team_days(problem, plan_map),
        "stability": _stability(problem, plan_map),
    }


def _wishes(problem: Problem, plan_map: PlanMap) -> int:
    total = 0
    for e in problem.employees:
        for wish in e.wishes:
            a = plan_map.get((e.id, wish.day))
            if a is None or a.kind not in WORK or wish.weight <= 0:
                continue
            bad = {
                WishKind.PREFER_HOME: a.kind is not Kind.HOME,
                WishKind.PREFER_OFFICE: a.kind not in ONSITE,
                WishKind.NO_OFFICE: a.kind in ONSITE,
            }[wish.kind]
            total += problem.weights.wish * wish.weight * bad
    return total


def _team_days(problem: Problem, plan_map: PlanMap) -> int:
    total = 0
    for td in problem.team_days:
        for d in problem.days:
            if not td.matches(d):
                continue
            for e in problem.employees:
                a = plan_map[(e.id, d)]
                if e.team == td.team and a.kind is Kind.HOME:
                    total += problem.weights.team_day * td.weight
    return total


def _stability(problem: Problem, plan_map: PlanMap) -> int:
    fixed = {(a.employee_id, a.day) for a in problem.fixed}
    total = 0
    for p in problem.previous_plan:
        key = (p.employee_id, p.day)
        if key in plan_map and key not in fixed and not plan_map[key].same_as(p):
            total += problem.weights.stability
    return total


def _fairness(problem: Problem, plan_map: PlanMap) -> int:
    """Whole days of deviation from the fair home share within each team (history included)."""
    w = problem.weights
    days = list(problem.days)
    hist = {h.employee_id: h for h in problem.history}
    teams: dict[str, list[str]] = defaultdict(list)
    for e in problem.employees:
        if e.home_office:
            teams[e.team].append(e.id)
    total = 0
    for members in teams.values():
        if len(members) < 2 or w.fairness <= 0:
            continue
        home, work = {}, {}
        for eid in members:
            h = hist.get(eid)
            home[eid] = sum(plan_map[(eid, d)].kind is Kind.HOME for d in days)
            work[eid] = sum(plan_map[(eid, d)].kind in WORK for d in days)
            if h:
                home[eid] += h.home_days
                work[eid] += h.home_days + h.office_days
        sw, sh = sum(work.values()), sum(home.values())
        if sw == 0:
            continue
        for eid in members:  # whole days of deviation from the fair share
            total += w.fairness * (abs(sw * home[eid] - work[eid] * sh) // sw)
    return total
