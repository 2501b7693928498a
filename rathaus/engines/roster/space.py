"""Space planning for a hybrid policy: how many desks does the (new) building need?

All office workers share one desk pool (desk sharing); shifts, kits, absences and the other
rules stay. `plan_space` finds the least number of desks for which a plan exists (one CP-SAT
model that minimises the daily peak) and a curve of the best penalties for more desks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rathaus.engines.roster.clock import WALL, Clock
from rathaus.engines.roster.cpmodel import build
from rathaus.engines.roster.explain import explain_infeasible
from rathaus.engines.roster.model import CapacityMode, Kind, Plan, Problem, Reason, Room, Status
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
    proven: bool  # min_seats proven minimal (CP-SAT OPTIMAL)
    current_seats: int  # desks in today's rooms (in the problem's capacity mode)
    points: tuple[SpacePoint, ...]
    wall_time: float
    notes: tuple[str, ...] = ()  # how min_seats was found (e.g. from the start plan)
    explanation: tuple[Reason, ...] = ()  # why there is no min_seats


def desk_sharing(problem: Problem, seats: int, min_onsite_per_week: int | None = None) -> Problem:
    """Every employee with an office gets the shared pool instead; optional new policy."""
    pool = Room(POOL, "Desk-Sharing-Fläche", seats, seats)
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
    return replace(problem, employees=employees, rooms=(pool,), capacity_mode=CapacityMode.NORMAL)


def min_seats(
    problem: Problem, *, time_limit: float = 10.0, workers: int = 2, watch: Watch | None = None
) -> tuple[int | None, bool]:
    """Least daily peak of desk use over all feasible plans of a desk-sharing problem."""
    big = sum(1 for e in problem.employees if e.rooms)
    b = build(replace(problem, rooms=(Room(POOL, "Desk-Sharing-Fläche", big, big),)))
    peak = b.model.new_int_var(0, big, "peak")
    for d in problem.days:
        lits = [
            lits[f"room:{POOL}"]
            for (eid, day), lits in b.x.items()
            if day == d and f"room:{POOL}" in lits
        ]
        if lits:
            b.model.add(sum(lits) <= peak)
    b.model.minimize(peak)
    s = cp_model.CpSolver()
    s.parameters.num_workers = workers
    (watch.clock if watch is not None else WALL).limit(s.parameters, time_limit)
    code = s.solve(b.model) if watch is None else watch.run(s, b.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, code == cp_model.INFEASIBLE
    return int(s.value(peak)), code == cp_model.OPTIMAL


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


def _least_seats(
    base: Problem, time_limit: float, workers: int, watch: Watch
) -> tuple[int | None, bool, tuple[str, ...], tuple[Reason, ...]]:
    """(least desks, proven, notes, explanation) for the desk-sharing problem `base`."""
    low, proven = min_seats(base, time_limit=time_limit, workers=workers, watch=watch)
    if low is not None:
        return low, proven and not watch.stopped, (), ()
    if proven:  # INFEASIBLE: no number of desks helps
        return None, False, (), tuple(explain_infeasible(base, clock=watch.clock))
    start = start_plan(base)
    if start.assignments is None:
        reason = Reason(
            "NO_PLAN_IN_TIME",
            "In der Rechenzeit wurde keine kleinste Platzzahl gefunden, und die einfache "
            f"Startlösung verletzt eine Regel ({start.problem}).",
        )
        return None, False, (), (reason,)
    return _peak(start.assignments), False, (START_NOTE,), ()


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
    low, proven, notes, explanation = _least_seats(base, time_limit / 3, workers, watch)
    if low is None or watch.stopped:
        return SpaceResult(low, proven, current, (), time.monotonic() - t0, notes, explanation)
    watch.report("kleinste Platzzahl gefunden", 1 / 3)
    high = max(low, current)
    n = max(1, min(steps, high - low + 1))
    seats = sorted({low + round(i * (high - low) / max(1, n - 1)) for i in range(n)})
    per_point = (time_limit - (now() - started)) / max(1, len(seats))
    points = []
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
        points.append(_point(k, plan))
    return SpaceResult(low, proven, current, tuple(points), time.monotonic() - t0, notes)


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
