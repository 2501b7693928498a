"""Space planning for a hybrid policy: how many desks does the (new) building need?

All office workers share one desk pool (desk sharing); shifts, kits, absences and the other
rules stay. `plan_space` finds the least number of desks for which a plan exists and a curve
of the best penalties for more desks:

1. a lower bound (`desks.desk_lower_bound`: the linear relaxation of every hard rule with the
   pool's capacity as unknown, rounded up): no plan manages with fewer desks;
2. one CP-SAT model that minimises the daily peak of desk use, with the peak's domain
   starting at the bound and the relaxation's rounded plan as hint; as soon as it finds a
   plan whose peak equals the bound, that number is proven minimal (`proven`), otherwise
   `lower_bound` and `min_seats` show the gap honestly;
3. the curve: the decomposed solver (`solve`) at each desk count, started from the plan of
   step 2 (valid for every count above the least).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rathaus.engines.roster.checker import check
from rathaus.engines.roster.clock import WALL, Clock
from rathaus.engines.roster.cpmodel import Key, assignment_of, build
from rathaus.engines.roster.desks import desk_lower_bound
from rathaus.engines.roster.explain import explain_infeasible
from rathaus.engines.roster.model import (
    Assignment,
    CapacityMode,
    Kind,
    Plan,
    Problem,
    Reason,
    Room,
    Status,
)
from rathaus.engines.roster.progress import Progress, Watch, scaled
from rathaus.engines.roster.solver import solve
from rathaus.engines.roster.start import START_NOTE, start_plan

POOL = "desk-pool"


@dataclass(frozen=True)
class SpacePoint:
    seats: int
    status: Status
    objective: int | None
    fairness: int | None
    wishes: int | None
    team_days: int | None
    peak_onsite: int | None  # most desks used on one day
    home_share: float | None  # share of working days in home office


@dataclass(frozen=True)
class SpaceResult:
    min_seats: int | None  # least desks with a feasible plan
    proven: bool  # min_seats proven minimal (it meets lower_bound, or CP-SAT OPTIMAL)
    current_seats: int  # desks in today's rooms (in the problem's capacity mode)
    points: tuple[SpacePoint, ...]
    wall_time: float
    notes: tuple[str, ...] = ()  # how min_seats was found (e.g. from the start plan)
    explanation: tuple[Reason, ...] = ()  # why there is no min_seats
    lower_bound: int | None = None  # no plan manages with fewer desks (`desks`)
    least_plan: tuple[Assignment, ...] = ()  # a checked plan with min_seats desks (desk pool)
    least_time: float = 0.0  # seconds until min_seats (and its proof) were found

    @property
    def gap(self) -> int | None:
        """Desks between the best plan found and the bound (0: proven minimal)."""
        if self.min_seats is None or self.lower_bound is None:
            return None
        return max(0, self.min_seats - self.lower_bound)


def desk_sharing(problem: Problem, seats: int, min_onsite_per_week: int | None = None) -> Problem:
    """Every employee with an office gets the shared pool instead; optional new policy."""
    employees = tuple(
        replace(
            e,
            rooms=(POOL,) if e.rooms else (),
            min_onsite_per_week=(
                e.min_onsite_per_week
                if min_onsite_per_week is None or not e.rooms
                else min_onsite_per_week
            ),
        )
        for e in problem.employees
    )
    shared = replace(problem, employees=employees, capacity_mode=CapacityMode.NORMAL)
    return with_seats(shared, seats)


def with_seats(problem: Problem, seats: int) -> Problem:
    """A desk-sharing problem with `seats` desks in its pool."""
    return replace(problem, rooms=(Room(POOL, "Desk-Sharing-Fläche", seats, seats),))


def min_seats(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    watch: Watch | None = None,
    lower_bound: int = 0,
    hint: dict[Key, Assignment] | None = None,
) -> tuple[int | None, bool]:
    """Least daily peak of desk use over all feasible plans of a desk-sharing problem
    (and whether CP-SAT proved it); `lower_bound` is a proven bound of the peak."""
    found = _least_peak(problem, time_limit, workers, watch, lower_bound, hint)
    return found[0], found[1]


def _least_peak(
    problem: Problem,
    time_limit: float,
    workers: int,
    watch: Watch | None,
    lower_bound: int,
    hint: dict[Key, Assignment] | None,
) -> tuple[int | None, bool, tuple[Assignment, ...]]:
    """(least peak found, proven, its plan); proven also when the peak meets the bound."""
    big = max(sum(1 for e in problem.employees if e.rooms), lower_bound)
    b = build(with_seats(problem, big), hint=hint)
    # The bound is proven (`desks`): the search only looks at peaks it cannot rule out.
    peak = b.model.new_int_var(lower_bound, big, "peak")
    desk = f"room:{POOL}"
    for d in problem.days:
        at_desk = [opts[desk] for (_, day), opts in b.x.items() if day == d and desk in opts]
        if at_desk:
            b.model.add(sum(at_desk) <= peak)
    b.model.minimize(peak)
    s = cp_model.CpSolver()
    s.parameters.num_workers = workers
    (watch.clock if watch is not None else WALL).limit(s.parameters, time_limit)
    code = s.solve(b.model) if watch is None else watch.run(s, b.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, code == cp_model.INFEASIBLE, ()
    assignments = [Assignment(eid, d, kind) for (eid, d), kind in b.base.items()]
    for (eid, d), opts in b.x.items():
        chosen = next(o for o, v in opts.items() if s.boolean_value(v))
        assignments.append(assignment_of(eid, d, chosen))
    least = int(s.value(peak))
    return least, code == cp_model.OPTIMAL or least <= lower_bound, tuple(assignments)


def plan_space(
    problem: Problem,
    *,
    min_onsite_per_week: int | None = None,
    steps: int = 5,
    time_limit: float = 30.0,
    work_limit: float | None = None,
    workers: int = 2,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SpaceResult:
    """Minimum desks for the policy and a curve up to today's capacity.

    `work_limit`, `on_progress` and `should_stop` as in `solve`. It always answers: when the
    search finds no least number in time, the desk peak of a checked start plan is reported
    (not proven, with a note); when no plan exists for any number of desks, `explanation`
    says why. After a stop, the points so far are returned."""
    clock = Clock(work_limit)
    if work_limit is not None:
        time_limit, workers = work_limit, 1
    with Watch(time_limit, on_progress, should_stop, clock) as watch:
        result = _plan_space(
            problem, min_onsite_per_week, steps, time_limit, work_limit, workers, watch
        )
    watch.report("fertig", 1.0)
    return result


@dataclass(frozen=True)
class _Least:
    seats: int | None
    proven: bool
    plan: tuple[Assignment, ...] = ()  # a valid plan with `seats` desks (a start for the curve)
    notes: tuple[str, ...] = ()
    explanation: tuple[Reason, ...] = ()
    lower_bound: int | None = None


def _least_seats(base: Problem, time_limit: float, workers: int, watch: Watch) -> _Least:
    """Least desks for the desk-sharing problem `base`: the bound first, then the search."""
    bound = desk_lower_bound(base, POOL)
    if bound is None:  # not even the relaxation has a plan: no number of desks helps
        return _Least(None, False, explanation=tuple(explain_infeasible(base, clock=watch.clock)))
    low, optimal, plan = _least_peak(base, time_limit, workers, watch, bound.seats, bound.hint)
    if low is not None and check(with_seats(base, low), Plan(Status.FEASIBLE, plan)).ok:
        proven = low <= bound.seats or (optimal and not watch.stopped)
        return _Least(low, proven, plan, lower_bound=bound.seats)
    if low is None and optimal:  # INFEASIBLE: no number of desks helps
        return _Least(None, False, explanation=tuple(explain_infeasible(base, clock=watch.clock)))
    start = start_plan(base)
    if start.assignments is None:
        reason = Reason(
            "NO_PLAN_IN_TIME",
            "In der Rechenzeit wurde keine kleinste Platzzahl gefunden, und die einfache "
            f"Startlösung verletzt eine Regel ({start.problem}).",
        )
        return _Least(None, False, explanation=(reason,), lower_bound=bound.seats)
    seats = _peak(start.assignments)
    return _Least(
        seats, seats <= bound.seats, start.assignments, (START_NOTE,), lower_bound=bound.seats
    )


def _peak(assignments) -> int:
    onsite: dict[object, int] = {}
    for a in assignments:
        if a.kind is Kind.ON_SITE:
            onsite[a.day] = onsite.get(a.day, 0) + 1
    return max(onsite.values(), default=0)


def _plan_space(
    problem: Problem,
    min_onsite_per_week: int | None,
    steps: int,
    time_limit: float,
    work_limit: float | None,
    workers: int,
    watch: Watch,
) -> SpaceResult:
    t0 = time.monotonic()
    now = watch.clock.now
    started = now()
    mode = problem.capacity_mode
    current = sum(r.seats(mode) for r in problem.rooms)
    base = desk_sharing(problem, current, min_onsite_per_week)
    least = _least_seats(base, time_limit / 3, workers, watch)
    least_time = time.monotonic() - t0
    low = least.seats
    if low is None or watch.stopped:
        return _result(least, current, (), time.monotonic() - t0, least_time)
    watch.report("kleinste Platzzahl gefunden", 1 / 3)
    high = max(low, current)
    n = max(1, min(steps, high - low + 1))
    seats = sorted({low + round(i * (high - low) / max(1, n - 1)) for i in range(n)})
    per_point = (time_limit - (now() - started)) / max(1, len(seats))
    points = []
    # The best plan so far keeps every rule with more desks too: carried up the curve.
    carried = Plan(Status.FEASIBLE, least.plan)
    for n_done, k in enumerate(seats):
        if watch.stopped:
            break
        start = 1 / 3 + 2 / 3 * n_done / len(seats)
        plan = solve(
            desk_sharing(problem, k, min_onsite_per_week),
            time_limit=max(1.0, per_point),
            work_limit=None if work_limit is None else max(0.5, per_point),
            workers=workers,
            explain=False,
            on_progress=(
                scaled(watch.report_progress, start, start + 2 / 3 / len(seats))
                if watch.on_progress
                else None
            ),
            should_stop=(lambda: watch.stopped) if watch.should_stop else None,
        )
        carried = _better(problem, min_onsite_per_week, k, plan, carried)
        points.append(_point(k, carried))
    return _result(least, current, tuple(points), time.monotonic() - t0, least_time)


def _result(
    least: _Least, current: int, points: tuple[SpacePoint, ...], wall: float, least_time: float
) -> SpaceResult:
    notes = least.notes
    if least.lower_bound is not None:
        notes = (*notes, f"Untere Schranke (LP-Relaxierung): {least.lower_bound} Plätze")
    return SpaceResult(
        least.seats,
        least.proven,
        current,
        points,
        wall,
        notes,
        least.explanation,
        least.lower_bound,
        least.plan,
        least_time,
    )


def _better(
    problem: Problem, min_onsite_per_week: int | None, seats: int, plan: Plan, carried: Plan
) -> Plan:
    """The solve's plan, or the best plan of fewer desks (at first the least plan) when that
    is better: it keeps every rule with more desks, so no point of the curve is left without
    a plan or is worse than a point with fewer desks. Not hinted into the solve: at 4 weeks
    the search started from it found nothing better in time (docs/benchmarks-roster-
    municipal.md, "Space planning proven minimal")."""
    if not carried.assignments:
        return plan
    result = check(desk_sharing(problem, seats, min_onsite_per_week), carried)
    if not result.ok or (plan.objective is not None and plan.objective <= result.objective):
        return plan
    return Plan(
        Status.FEASIBLE,
        carried.assignments,
        objective=result.objective,
        penalties=result.penalties,
        notes=("Plan mit weniger Arbeitsplätzen",),
    )


def _point(seats: int, plan: Plan) -> SpacePoint:
    """One point of the curve: the plan's figures with ``seats`` desks."""
    if plan.objective is None:
        return SpacePoint(seats, plan.status, None, None, None, None, None, None)
    work = sum(a.kind in (Kind.ON_SITE, Kind.SHIFT, Kind.HOME) for a in plan.assignments)
    home = sum(a.kind is Kind.HOME for a in plan.assignments)
    return SpacePoint(
        seats,
        plan.status,
        plan.objective,
        plan.penalty("fairness"),
        plan.penalty("wishes"),
        plan.penalty("team_days"),
        _peak(plan.assignments),
        home / work if work else None,
    )
