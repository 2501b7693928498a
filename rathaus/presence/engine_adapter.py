"""Translation layer: ORM rows -> roster engine dataclasses -> plan rows back.

The engine (rathaus/engines/roster) knows nothing of Django. Ids in the engine are the primary
keys as strings: employees "12", rooms "r5", shift types "s3", cohorts "k2".
"""

from __future__ import annotations

import contextlib
import itertools
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import holidays
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ortools.sat.python import cp_model

from rathaus.core.models import Employee, KitPool, Room
from rathaus.engines.roster import model as m
from rathaus.engines.roster.checker import check
from rathaus.engines.roster.cpmodel import assignment_of, build
from rathaus.engines.roster.explain import explain_infeasible, fmt_day, precheck
from rathaus.engines.roster.solver import components, kit_use, subproblem
from rathaus.presence.models import (
    Absence,
    Activity,
    Cohort,
    EmployeeRule,
    FairnessRecord,
    PlanAssignment,
    PlanningPeriod,
    ShiftType,
    Wish,
)

WISH_KIND = {
    Wish.Kind.PREFER_HOME: m.WishKind.PREFER_HOME,
    Wish.Kind.PREFER_OFFICE: m.WishKind.PREFER_OFFICE,
    Wish.Kind.NO_OFFICE: m.WishKind.NO_OFFICE,
}


def working_weekdays(employee: Employee) -> frozenset[int]:
    """Working-time share -> number of working weekdays (0.5 -> 3, 0.75 -> 4, 1.0 -> 5).

    Part-timers' free days rotate with the personnel record so that not everyone is off on
    Friday: the n working days start at weekday (pk mod 5).
    """
    share = float(employee.working_time_share or 1)
    n = max(1, min(5, math.floor(5 * share + 0.5)))
    if n == 5:
        return frozenset(range(5))
    offset = (employee.pk or 0) % 5
    return frozenset((offset + i) % 5 for i in range(n))


def emp_id(pk: int) -> str:
    return str(pk)


def room_id(pk: int) -> str:
    return f"r{pk}"


def shift_id(pk: int) -> str:
    return f"s{pk}"


@dataclass
class Context:
    """What the translation needs to map the engine's answer back to rows."""

    period: PlanningPeriod
    employees: dict[str, Employee]
    rooms: dict[str, Room]
    shifts: dict[str, ShiftType]
    holidays: dict[date, str]
    absences: dict[tuple[str, date], str] = field(default_factory=dict)

    def employee_pk(self, eid: str) -> int:
        return int(eid)


def period_employees(period: PlanningPeriod):
    return (
        Employee.objects.filter(
            municipality_id=period.municipality_id,
            org_unit__in=period.org_units.all(),
            active=True,
        )
        .select_related("org_unit", "home_room")
        .prefetch_related("qualifications")
        .order_by("last_name", "first_name", "pk")
    )


def period_rooms(period: PlanningPeriod):
    return (
        Room.objects.filter(
            municipality_id=period.municipality_id, org_unit__in=period.org_units.all()
        )
        .select_related("location")
        .order_by("location__name", "floor", "number")
    )


def kit_pool_for(period: PlanningPeriod) -> KitPool | None:
    if period.kit_pool_id:
        return period.kit_pool
    return KitPool.objects.filter(municipality_id=period.municipality_id).order_by("pk").first()


def kit_stock(period: PlanningPeriod, days: list[date]) -> m.KitPool:
    """Stock per day from the dated changes, minus kits used by other published periods."""
    pool = kit_pool_for(period)
    if pool is None:
        return m.KitPool(((days[0], 0),))
    changes = list(pool.changes.order_by("valid_from").values_list("valid_from", "delta"))
    used: dict[date, int] = defaultdict(int)
    for day in (
        PlanAssignment.objects.filter(
            municipality_id=period.municipality_id,
            day__gte=days[0],
            day__lte=days[-1],
            activity=Activity.HOME,
            employee__equipment_need=Employee.Equipment.FULL_KIT,
            period__status=PlanningPeriod.Status.PUBLISHED,
        )
        .exclude(period=period)
        .values_list("day", flat=True)
    ):
        used[day] += 1
    stock = []
    for d in days:
        n = sum(delta for since, delta in changes if since <= d)
        stock.append((d, max(0, n - used.get(d, 0))))
    return m.KitPool(tuple(stock))


def holidays_for(period: PlanningPeriod, days: list[date]) -> dict[date, str]:
    try:
        cal = holidays.country_holidays(
            "DE", subdiv=period.municipality.federal_state, years={d.year for d in days}
        )
    except (NotImplementedError, KeyError):
        return {}
    return {d: str(cal[d]) for d in days if d in cal}


def build_problem(
    period: PlanningPeriod,
    *,
    previous: list[m.Assignment] | None = None,
    fixed: list[m.Assignment] | None = None,
) -> tuple[m.Problem, Context]:
    """The engine problem of a period, as the database holds it now."""
    days = period.days
    day_set = set(days)
    hol = holidays_for(period, days)
    employees = list(period_employees(period))
    rooms = list(period_rooms(period))
    shifts = list(period.shift_types.select_related("location").all())
    by_unit: dict[int, list[Room]] = defaultdict(list)
    for r in rooms:
        by_unit[r.org_unit_id].append(r)
    overrides = {o.employee_id: o for o in EmployeeRule.objects.filter(period=period)}
    emp_pks = [e.pk for e in employees]
    absences: dict[tuple[str, date], str] = {}
    for a in Absence.objects.filter(
        employee_id__in=emp_pks, start__lte=days[-1], end__gte=days[0]
    ).order_by("start"):
        d = max(a.start, days[0])
        while d <= min(a.end, days[-1]):
            absences[(emp_id(a.employee_id), d)] = a.kind
            d = date.fromordinal(d.toordinal() + 1)
    wishes: dict[int, list[m.Wish]] = defaultdict(list)
    for w in Wish.objects.filter(employee_id__in=emp_pks, day__gte=days[0], day__lte=days[-1]):
        wishes[w.employee_id].append(m.Wish(w.day, WISH_KIND[w.kind], 1))
    history: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for rec in FairnessRecord.objects.filter(
        employee_id__in=emp_pks, period_end__lt=days[0]
    ).exclude(period=period):
        history[rec.employee_id][0] += rec.home_days
        history[rec.employee_id][1] += rec.office_days
    shift_ids = frozenset(shift_id(s.pk) for s in shifts)
    engine_emps = []
    for e in employees:
        unit_rooms = by_unit.get(e.org_unit_id, [])
        allowed = [r for r in unit_rooms if r.pk == e.home_room_id] + [
            r for r in unit_rooms if r.pk != e.home_room_id
        ]
        o = overrides.get(e.pk)
        low = period.min_onsite_per_week
        high = period.max_onsite_per_week
        if o is not None:
            low = o.min_onsite_per_week if o.min_onsite_per_week is not None else low
            high = o.max_onsite_per_week if o.max_onsite_per_week is not None else high
        off_days = {d for d in day_set if d in hol or (emp_id(e.pk), d) in absences}
        engine_emps.append(
            m.Employee(
                id=emp_id(e.pk),
                name=f"{e.first_name} {e.last_name}",
                team=e.org_unit.code,
                org_unit=e.org_unit.code,
                working_weekdays=working_weekdays(e),
                home_office=e.equipment_need != Employee.Equipment.NONE,
                equipment=m.Equipment(e.equipment_need),
                rooms=tuple(room_id(r.pk) for r in allowed),
                shifts=shift_ids if e.job_role == Employee.JobRole.CLERK else frozenset(),
                qualifications=frozenset(q.code for q in e.qualifications.all()),
                min_onsite_per_week=low,
                max_onsite_per_week=max(low, high),
                wishes=tuple(sorted(wishes.get(e.pk, []), key=lambda w: w.day)),
                absences=frozenset(off_days),
            )
        )
    engine_rooms = tuple(
        m.Room(
            id=room_id(r.pk),
            name=_("Raum %(number)s") % {"number": r.number},
            capacity=r.capacity_normal,
            pandemic_capacity=r.capacity_pandemic,
            building=r.location.name,
            floor=r.floor,
            org_unit=str(r.org_unit_id or ""),
        )
        for r in rooms
    )
    engine_shifts = tuple(
        m.ShiftType(
            id=shift_id(s.pk),
            name=s.name,
            start=s.start_time.hour * 60 + s.start_time.minute,
            end=s.end_time.hour * 60 + s.end_time.minute,
            location=s.location.name if s.location else "",
        )
        for s in shifts
    )
    coverage = []
    for c in period.coverage.select_related("qualification").all():
        for d in days:
            if d.weekday() == c.weekday and d not in hol:
                coverage.append(
                    m.Coverage(
                        d,
                        shift_id(c.shift_type_id),
                        c.required,
                        c.qualification.code if c.qualification else None,
                    )
                )
    members_ok = {e.pk for e in employees}
    cohorts = tuple(
        m.Cohort(
            id=f"k{k.pk}",
            name=k.name,
            members=frozenset(
                emp_id(pk) for pk in k.members.values_list("pk", flat=True) if pk in members_ok
            ),
            group=f"p{period.pk}",
        )
        for k in Cohort.objects.filter(period=period).order_by("pk")
    )
    team_days = tuple(
        m.TeamDay(team=t.org_unit.code, weekday=t.weekday, weight=t.weight)
        for t in period.team_days.select_related("org_unit").all()
    )
    problem = m.Problem(
        days=tuple(days),
        employees=tuple(engine_emps),
        rooms=engine_rooms,
        kit_pool=kit_stock(period, days),
        shifts=engine_shifts,
        coverage=tuple(coverage),
        cohorts=cohorts,
        cohort_separation=m.CohortSeparation(period.cohort_separation),
        capacity_mode=m.CapacityMode(period.mode),
        team_days=team_days,
        weights=m.Weights(
            fairness=period.weight_fairness,
            wish=period.weight_wishes,
            team_day=period.weight_team_days,
            stability=period.weight_stability,
        ),
        history=tuple(m.History(emp_id(pk), h, o) for pk, (h, o) in sorted(history.items())),
        previous_plan=tuple(previous or ()),
        fixed=tuple(fixed or ()),
        min_rest_minutes=period.min_rest_hours * 60,
        max_consecutive_working_days=period.max_consecutive_working_days,
        max_consecutive_onsite_days=period.max_consecutive_onsite_days,
    )
    ctx = Context(
        period=period,
        employees={emp_id(e.pk): e for e in employees},
        rooms={room_id(r.pk): r for r in rooms},
        shifts={shift_id(s.pk): s for s in shifts},
        holidays=hol,
        absences=absences,
    )
    return problem, ctx


# --- rows <-> engine assignments ---------------------------------------------------------


def row_to_assignment(row: PlanAssignment) -> m.Assignment:
    eid = emp_id(row.employee_id)
    if row.activity == Activity.OFFICE:
        return m.Assignment(eid, row.day, m.Kind.ON_SITE, room_id=room_id(row.room_id))
    if row.activity == Activity.SHIFT:
        return m.Assignment(eid, row.day, m.Kind.SHIFT, shift_id=shift_id(row.shift_type_id))
    if row.activity == Activity.HOME:
        return m.Assignment(eid, row.day, m.Kind.HOME)
    if row.activity == Activity.ABSENT:
        return m.Assignment(eid, row.day, m.Kind.ABSENT)
    return m.Assignment(eid, row.day, m.Kind.OFF)


def current_assignments(period: PlanningPeriod) -> list[m.Assignment]:
    return [row_to_assignment(r) for r in PlanAssignment.objects.filter(period=period)]


def assignment_to_row(a: m.Assignment, ctx: Context) -> PlanAssignment:
    period = ctx.period
    row = PlanAssignment(
        municipality_id=period.municipality_id,
        period=period,
        employee_id=int(a.employee_id),
        day=a.day,
    )
    if a.kind is m.Kind.ON_SITE:
        row.activity = Activity.OFFICE
        row.room_id = int((a.room_id or "r0")[1:])
    elif a.kind is m.Kind.SHIFT:
        row.activity = Activity.SHIFT
        row.shift_type_id = int((a.shift_id or "s0")[1:])
    elif a.kind is m.Kind.HOME:
        row.activity = Activity.HOME
    elif a.kind is m.Kind.ABSENT and (a.employee_id, a.day) in ctx.absences:
        row.activity = Activity.ABSENT
    else:  # weekends, part-time days, public holidays
        row.activity = Activity.OFF
    return row


def engine_calendar_kind(a: m.Assignment, ctx: Context) -> m.Assignment:
    """Rows store holidays as OFF; the engine sees them as ABSENT (input). Map back for checks."""
    if a.kind is m.Kind.OFF and a.day in ctx.holidays and a.day.weekday() < 5:
        emp = ctx.employees.get(a.employee_id)
        if emp is not None and a.day.weekday() in working_weekdays(emp):
            return replace(a, kind=m.Kind.ABSENT)
    return a


def to_engine(rows: list[m.Assignment], ctx: Context) -> tuple[m.Assignment, ...]:
    return tuple(engine_calendar_kind(a, ctx) for a in rows)


# --- solving with progress and cancel -----------------------------------------------------

ProgressFn = Callable[[int, int | None, int | None], None]
CancelFn = Callable[[], bool]


class Cancelled(Exception):
    pass


class _Callback(cp_model.CpSolverSolutionCallback):
    """Records the incumbent; runs in CP-SAT's threads, so it never touches the database."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.latest: tuple[float, float | None, float | None] | None = None

    def on_solution_callback(self) -> None:
        with self.lock:
            self.latest = (self.wall_time, self.objective_value, self.best_objective_bound)


POLL_SECONDS = 0.25


def _solve_watched(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    report: Callable[[float, float | None, float | None], None],
    cancel: CancelFn,
) -> int:
    """Run CP-SAT in a helper thread; this (calling) thread reports progress and checks the
    cancel flag, so that database access stays in the caller's thread and connection."""
    cb = _Callback()
    result: dict[str, int | BaseException] = {}

    def run() -> None:
        try:
            result["code"] = solver.solve(model, cb)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=run, name="cp-sat", daemon=True)
    t0 = time.monotonic()
    thread.start()
    cancelled = False
    while thread.is_alive():
        thread.join(POLL_SECONDS)
        if not thread.is_alive():
            break
        if not cancelled and cancel():
            cancelled = True
            solver.stop_search()
            continue
        with cb.lock:
            latest = cb.latest
        report(time.monotonic() - t0, latest[1] if latest else None, latest[2] if latest else None)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    if cancelled:
        raise Cancelled
    return int(result["code"])  # type: ignore[arg-type]


@dataclass
class _Part:
    status: m.Status
    assignments: list[m.Assignment]
    objective: int = 0
    bound: int = 0


def _solve_part(
    problem: m.Problem,
    *,
    time_limit: float,
    workers: int,
    report: Callable[[float, float | None, float | None], None],
    cancel: CancelFn,
    hint: dict | None = None,
    kit_budget: dict[date, int] | None = None,
    stability_first: bool = False,
) -> _Part:
    b = build(problem, hint=hint, kit_budget=kit_budget)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = 0
    # As in the engine: the fairness terms need the full LP relaxation to be proven optimal.
    if workers <= 1:
        solver.parameters.linearization_level = 2
    elif workers == 2:
        solver.parameters.subsolvers.extend(["max_lp", "default_lp"])
    deadline = time.monotonic() + time_limit
    if stability_first and b.rules.get("stability"):
        stab = b.rule_expr("stability")
        b.model.minimize(stab)
        solver.parameters.max_time_in_seconds = max(0.05, time_limit / 2)
        code = _solve_watched(solver, b.model, report, cancel)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Part(
                m.Status.INFEASIBLE if code == cp_model.INFEASIBLE else m.Status.UNKNOWN, []
            )
        b.model.add(stab <= round(solver.objective_value))
        b.model.clear_hints()
        for lits in b.x.values():
            for v in lits.values():
                b.model.add_hint(v, solver.boolean_value(v))
    b.model.minimize(b.objective_expr())
    solver.parameters.max_time_in_seconds = max(0.05, deadline - time.monotonic())
    code = _solve_watched(solver, b.model, report, cancel)
    if code == cp_model.INFEASIBLE:
        return _Part(m.Status.INFEASIBLE, [])
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Part(m.Status.UNKNOWN, [])
    out = [m.Assignment(eid, d, kind) for (eid, d), kind in b.base.items()]
    for (eid, d), lits in b.x.items():
        chosen = next(o for o, v in lits.items() if solver.boolean_value(v))
        out.append(assignment_of(eid, d, chosen))
    # Fixed days of kind ABSENT/OFF are kept by build() in b.base; fixed work days are variables.
    objective = int(round(solver.objective_value))
    bound = objective if code == cp_model.OPTIMAL else math.ceil(solver.best_objective_bound - 1e-6)
    status = m.Status.OPTIMAL if code == cp_model.OPTIMAL else m.Status.FEASIBLE
    return _Part(status, out, objective, min(bound, objective))


def solve_with_progress(
    problem: m.Problem,
    *,
    time_limit: float = 20.0,
    workers: int = 2,
    on_progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    stability_first: bool = False,
    hint: list[m.Assignment] | None = None,
    batch_size: int = 60,
    decompose: bool = True,
    fallback: bool = True,
) -> m.Plan:
    """The engine's decomposition, with a progress callback and a cancel flag.

    Independent parts (linked by team, room, cohort or shift) are solved one after another
    with the whole kit pool (a relaxation); if together they need more kits than the pool
    holds on some day, the whole problem is solved as one model, hinted with the parts'
    plans. A simple constructive plan (`greedy_plan`), if the checker accepts it, is the
    start hint and the answer when CP-SAT finds nothing in time. Raises `Cancelled`.
    """
    t0 = time.monotonic()
    progress = on_progress or (lambda pct, obj, bound: None)
    cancel = should_cancel or (lambda: False)
    reasons = precheck(problem)
    if reasons:
        return m.Plan(m.Status.INFEASIBLE, explanation=tuple(reasons))
    start = greedy_plan(problem) if fallback else None
    if start is not None and not check(problem, tuple(start)).ok:
        start = None
    if hint is None and start is not None:
        hint = start
    plan = _solve_decomposed(
        problem,
        t0,
        time_limit,
        workers,
        progress,
        cancel,
        stability_first,
        hint,
        batch_size,
        decompose,
    )
    if plan.status is m.Status.UNKNOWN and start is not None:
        result = check(problem, tuple(start))
        return m.Plan(
            status=m.Status.FEASIBLE,
            assignments=tuple(sorted(start, key=lambda a: (a.employee_id, a.day))),
            objective=result.objective,
            penalties=result.penalties,
            wall_time=time.monotonic() - t0,
            notes=(GREEDY_NOTE,),
        )
    return plan


GREEDY_NOTE = "Startlösung ohne Optimierung"


def _solve_decomposed(
    problem: m.Problem,
    t0: float,
    time_limit: float,
    workers: int,
    progress: ProgressFn,
    cancel: CancelFn,
    stability_first: bool,
    hint: list[m.Assignment] | None,
    batch_size: int,
    decompose: bool,
) -> m.Plan:
    groups: list[list[str]] = []
    current: list[str] = []
    for comp in components(problem):
        if len(current) + len(comp) > batch_size and current:
            groups.append(current)
            current = []
        current += comp
    if current:
        groups.append(current)
    known = {s for e in problem.employees for s in e.shifts}
    if not decompose or any(c.shift_id not in known and c.required > 0 for c in problem.coverage):
        groups = [[e.id for e in problem.employees]]
    hint_map = {(a.employee_id, a.day): a for a in hint} if hint else None
    total = max(1, sum(len(g) for g in groups))
    done = 0
    parts: list[_Part] = []
    relax_budget = time_limit * (0.5 if len(groups) > 1 else 1.0)
    for g in groups:
        if cancel():
            raise Cancelled
        left = relax_budget - (time.monotonic() - t0)
        share = max(0.5, 0.9 * left * len(g) / max(1, total - done))
        sub = subproblem(problem, g) if len(groups) > 1 else problem
        base_pct = 50 * done / total
        span = 50 * len(g) / total

        def report(wall: float, obj, bnd, base_pct=base_pct, span=span, share=share) -> None:
            frac = min(1.0, wall / share) if share > 0 else 1.0
            progress(int(min(99, base_pct + span * frac)), obj, bnd)

        part = _solve_part(
            sub,
            time_limit=share,
            workers=workers,
            report=report,
            cancel=cancel,
            hint=hint_map,
            stability_first=stability_first,
        )
        left = time_limit - (time.monotonic() - t0)
        if part.status is m.Status.UNKNOWN and left > 0.5:
            # No solution within this part's share (busy machine): give it more time.
            part = _solve_part(
                sub,
                time_limit=min(left, max(share, left / 2)),
                workers=workers,
                report=report,
                cancel=cancel,
                hint=hint_map,
                stability_first=stability_first,
            )
        done += len(g)
        progress(int(min(99, 50 * done / total)), None, None)
        parts.append(part)
        if part.status in (m.Status.INFEASIBLE, m.Status.UNKNOWN):
            break
    if parts and parts[-1].status is m.Status.INFEASIBLE:
        expl = explain_infeasible(problem, time_limit=max(1.0, time_limit / 2))
        return m.Plan(m.Status.INFEASIBLE, explanation=tuple(expl))
    unknown = bool(parts) and parts[-1].status is m.Status.UNKNOWN
    if unknown and len(groups) == 1:
        return m.Plan(m.Status.UNKNOWN, notes=("Zeitlimit",))
    relaxed = [a for p in parts for a in p.assignments]
    use = kit_use(problem, relaxed)
    if unknown or any(n > problem.kit_pool.available(d) for d, n in use.items()):
        # The parts together need more kits than the pool holds on some day (or a part found
        # no plan in its share of the time): one model for everything, started from the
        # parts' plans (CP-SAT repairs the few conflicts).
        left = max(1.0, time_limit - (time.monotonic() - t0))

        def report_full(wall: float, obj, bnd, left=left) -> None:
            progress(int(min(99, 50 + 49 * min(1.0, wall / left))), obj, bnd)

        full = _solve_part(
            problem,
            time_limit=left,
            workers=workers,
            report=report_full,
            cancel=cancel,
            hint={(a.employee_id, a.day): a for a in relaxed} or hint_map,
            stability_first=stability_first,
        )
        if full.status is m.Status.INFEASIBLE:
            expl = explain_infeasible(problem, time_limit=max(1.0, time_limit / 2))
            return m.Plan(m.Status.INFEASIBLE, explanation=tuple(expl))
        if full.status is m.Status.UNKNOWN:
            return m.Plan(m.Status.UNKNOWN, notes=("Zeitlimit",))
        parts = [full]
    status = (
        m.Status.OPTIMAL if all(p.status is m.Status.OPTIMAL for p in parts) else m.Status.FEASIBLE
    )
    objective = sum(p.objective for p in parts)
    bound = sum(p.bound for p in parts)
    result = check(problem, tuple(a for p in parts for a in p.assignments))
    return m.Plan(
        status=status,
        assignments=tuple(
            sorted((a for p in parts for a in p.assignments), key=lambda a: (a.employee_id, a.day))
        ),
        objective=objective,
        bound=min(bound, objective),
        penalties=result.penalties,
        wall_time=time.monotonic() - t0,
    )


# --- hard-rule messages in planners' words ------------------------------------------------

VIOLATION_TEXT = {
    "CALENDAR": gettext_lazy(
        "%(name)s: am %(day)s ist sie/er nicht im Dienst (Abwesenheit, Feiertag oder freier Tag)."
    ),
    "NOT_WORKING": gettext_lazy(
        "%(name)s: am %(day)s muss eine Tätigkeit (Büro, Homeoffice oder Schicht) geplant sein."
    ),
    "HOME_NOT_ALLOWED": gettext_lazy(
        "%(name)s hat keinen Homeoffice-Arbeitsplatz (Ausstattung „kein Homeoffice“)."
    ),
    "ROOM_NOT_ALLOWED": gettext_lazy(
        "%(name)s: dieser Raum gehört nicht zu den Räumen der eigenen Organisationseinheit "
        "oder hat keinen Platz."
    ),
    "SHIFT_NOT_ALLOWED": gettext_lazy("%(name)s kann diese Schicht nicht übernehmen."),
    "ROOM_CAPACITY": gettext_lazy(
        "%(room)s: am %(day)s sind mehr Personen eingeplant als Plätze vorhanden sind."
    ),
    "KIT_POOL": gettext_lazy(
        "Am %(day)s sind mehr Personen im Homeoffice als Homeoffice-Sets verfügbar."
    ),
    "COVERAGE": gettext_lazy(
        "Am %(day)s ist die Mindestbesetzung der Schicht %(shift)s nicht erreicht."
    ),
    "COHORTS_MEET": gettext_lazy(
        "Am %(day)s würden sich Mitglieder verschiedener Schichtteams vor Ort begegnen."
    ),
    "WEEK_MIN": gettext_lazy(
        "%(name)s: in dieser Woche wären es weniger Tage vor Ort als die Mindestzahl."
    ),
    "WEEK_MAX": gettext_lazy("%(name)s: in dieser Woche wären es mehr Tage vor Ort als erlaubt."),
    "REST": gettext_lazy("%(name)s: die Ruhezeit zwischen zwei Schichten ab %(day)s wäre zu kurz."),
    "CONSECUTIVE_ONSITE": gettext_lazy("%(name)s: zu viele Tage in Folge vor Ort (bis %(day)s)."),
    "CONSECUTIVE_WORKING": gettext_lazy("%(name)s: zu viele Arbeitstage in Folge (bis %(day)s)."),
    "FIXED_CHANGED": gettext_lazy(
        "%(name)s: der Tag %(day)s liegt in der Vergangenheit und bleibt unverändert."
    ),
}


def describe_violation(problem: m.Problem, text: str) -> str:
    """Message in the active language (German by default) for one line of the checker's output."""
    code, _sep, rest = text.partition(" ")
    parts = rest.replace(":", " ").split()
    emps = problem.employees_by_id
    name = room = shift = ""
    day = ""
    for p in parts:
        p = p.strip("(),'")
        if p in emps and not name:
            name = emps[p].name
        elif p in problem.rooms_by_id:
            room = problem.rooms_by_id[p].name
        elif p in problem.shifts_by_id:
            shift = problem.shifts_by_id[p].name
        else:
            with contextlib.suppress(ValueError):
                day = fmt_day(date.fromisoformat(p))
    template = VIOLATION_TEXT.get(code) or _("Eine Regel des Plans wäre verletzt (%(code)s).")
    values = {
        # Translators: fill-in when the checker's line names no person ("%(name)s: …").
        "name": name or _("Eine Person"),
        # Translators: fill-in when the checker's line names no day ("am %(day)s").
        "day": day or _("diesem Tag"),
        # Translators: fill-in when the checker's line names no room ("%(room)s: am …").
        "room": room or _("Ein Raum"),
        "shift": shift or "",
        "code": code,
    }
    return (str(template) % values).replace("  ", " ")


def check_rows(problem: m.Problem, ctx: Context, rows: list[m.Assignment]) -> list[str]:
    return list(check(problem, to_engine(rows, ctx)).violations)


# --- constructive start plan ---------------------------------------------------------------


def greedy_plan(problem: m.Problem) -> list[m.Assignment] | None:
    """A simple plan built day by day (no optimisation), or None when the heuristic gets stuck.

    Used as a hint for CP-SAT and as a fallback on busy machines; the caller always runs the
    independent checker on it. Shift workers: per day, the assignment of shift teams to shift
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

    def week(d: date) -> tuple[int, int]:
        iso = d.isocalendar()
        return (iso[0], iso[1])

    def works(e: m.Employee, d: date) -> bool:
        return problem.base_kind(e, d) is None

    workdays = list(problem.days)
    for index, d in enumerate(workdays):
        used: dict[str, int] = defaultdict(int)
        today: dict[str, m.Assignment] = {}
        for e in problem.employees:  # calendar and fixed days first
            kind = problem.base_kind(e, d)
            if kind is None:
                continue
            fixed = problem.fixed_by_key.get((e.id, d))
            a = fixed if fixed is not None else m.Assignment(e.id, d, kind)
            today[e.id] = a
            if a.kind is m.Kind.ON_SITE and a.room_id:
                used[a.room_id] += 1
        # Shift workers: the team-to-shift mapping of the day that meets coverage and rest.
        prev = {x.employee_id: x for x in out if x.day == d - timedelta(days=1)}
        chosen = _shift_day(problem, d, index, today, prev, shifts, cohorts, cohort_of)
        if chosen is None:
            return None
        today.update(chosen)
        # Office workers: no home office first, then by urgency (office days still missing
        # this week per working day left), then kit users while the pool is short.
        wk = week(d)
        rest_of_week = [x for x in workdays if week(x) == wk and x >= d]
        ranked: list[tuple[float, int, m.Employee]] = []
        for e in problem.employees:
            if e.id in today or not works(e, d):
                continue
            done = onsite_week[(e.id, wk)]
            left = sum(1 for x in rest_of_week if works(e, x))
            missing = max(0, min(e.min_onsite_per_week, left + done) - done)
            urgency = 2.0 if not e.home_office else missing / max(1, left)
            if done >= e.max_onsite_per_week and e.home_office:
                urgency = -1.0
            ranked.append((-urgency, done, e))
        ranked.sort(key=lambda t: (t[0], t[1], t[2].id))
        seated_ids = _seat_all(ranked, d, cap, used, today)
        if seated_ids is None:
            return None
        stock = problem.kit_pool.available(d)
        home_kits = sum(1 for _u, _n, e in ranked if e.id not in seated_ids and e.needs_kit) + sum(
            1
            for e in problem.employees
            if e.needs_kit and (a := today.get(e.id)) is not None and a.kind is m.Kind.HOME
        )
        for urgency, _n, e in ranked:
            if home_kits <= stock:
                break
            if e.id in seated_ids or not e.needs_kit or urgency > 0:
                continue
            if _seat(e, d, cap, used, today):
                seated_ids.add(e.id)
                home_kits -= 1
        for _u, _n, e in ranked:
            if e.id not in today:
                today[e.id] = m.Assignment(e.id, d, m.Kind.HOME)
        for e in problem.employees:
            a = today.get(e.id)
            if a is None:
                return None
            if a.kind in m.ON_SITE_KINDS:
                onsite_week[(e.id, wk)] += 1
            out.append(a)
    return out


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
    workers = [
        e
        for e in problem.employees
        if e.shifts and e.id not in today and problem.base_kind(e, d) is None
    ]
    if not workers:
        return {}
    by_id = problem.shifts_by_id
    n = len(cohorts)
    if problem.cohort_separation is m.CohortSeparation.SHIFT and n:
        if n <= len(shifts):
            mappings = [dict(enumerate(p)) for p in itertools.permutations(shifts, n)]
        else:
            mappings = [
                {k: shifts[(k + r) % len(shifts)] for k in range(n)} for r in range(len(shifts))
            ]
        candidates = [("shift", mp) for mp in mappings]
        # One team covers every shift of the day, the others work from home.
        candidates += [("day", (index + r) % n) for r in range(n)]
    elif n:
        candidates = [("day", (index + r) % n) for r in range(n)]
    else:
        candidates = [("none", None)]
    coverage = [c for c in problem.coverage if c.day == d and c.required > 0]

    def build(candidate) -> dict[str, m.Assignment] | None:
        kind, value = candidate
        result: dict[str, m.Assignment] = {}
        free: list[m.Employee] = []
        for e in workers:
            k = cohort_of.get(e.id)
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

            def need(s: m.ShiftType) -> int:
                have = sum(1 for a in result.values() if a.shift_id == s.id)
                want = sum(
                    c.required for c in coverage if c.shift_id == s.id and c.qualification is None
                )
                return want - have

            options = sorted((s for s in shifts if s.id in e.shifts), key=lambda s: -need(s))
            rested = [s for s in options if _rest_ok(problem, prev.get(e.id), s, by_id)]
            pick = (rested or options or [None])[0]
            if pick is None:
                return None
            result[e.id] = m.Assignment(e.id, d, m.Kind.SHIFT, shift_id=pick.id)
        return result

    def score(result: dict[str, m.Assignment]) -> tuple[int, int]:
        emps = problem.employees_by_id
        short = 0
        for c in coverage:
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
            and not _rest_ok(problem, prev.get(eid), by_id[a.shift_id or ""], by_id)
        )
        return (short + tired, 0)

    best = None
    for candidate in candidates:
        result = build(candidate)
        if result is None:
            continue
        value = score(result)
        if best is None or value < best[0]:
            best = (value, result)
        if value[0] == 0:
            break
    return best[1] if best else None


def _rest_ok(problem: m.Problem, before: m.Assignment | None, s: m.ShiftType, by_id) -> bool:
    if before is None or before.kind is not m.Kind.SHIFT:
        return True
    s1 = by_id[before.shift_id or ""]
    return 1440 + s.start - s1.end_abs >= problem.min_rest_minutes
