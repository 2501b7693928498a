"""Space planning: how many workstations does a hybrid policy need?

The period's office staff share one pool of desks (desk sharing in a new building); the
citizen office keeps its counters. For a policy of at least `min_onsite` office days a week,
the smallest number of desks for which a plan exists is found by bisection on one week, and a
curve capacity -> penalties (fairness, wishes, team days) shows what more desks buy.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

from rathaus.engines.roster import model as m
from rathaus.presence import engine_adapter as ea
from rathaus.presence.conf import space_time_limit

DESK = "desk"


def desk_problem(problem: m.Problem, seats: int, min_onsite: int) -> m.Problem:
    week = tuple(problem.days[:7])
    room = m.Room(DESK, "Gemeinsame Arbeitsplätze", max(0, seats), max(0, seats))
    emps = []
    for e in problem.employees:
        if e.shifts:
            emps.append(replace(e, rooms=(), wishes=tuple(w for w in e.wishes if w.day in week)))
            continue
        emps.append(
            replace(
                e,
                rooms=(DESK,) if seats > 0 else (),
                min_onsite_per_week=min_onsite,
                max_onsite_per_week=max(min_onsite, e.max_onsite_per_week),
                wishes=tuple(w for w in e.wishes if w.day in week),
            )
        )
    return replace(
        problem,
        days=week,
        employees=tuple(emps),
        rooms=(room,),
        capacity_mode=m.CapacityMode.NORMAL,
        coverage=tuple(c for c in problem.coverage if c.day in week),
        previous_plan=(),
        fixed=(),
    )


def lower_bound(problem: m.Problem, min_onsite: int) -> int:
    """Seats that are needed in any plan (no home office; kit shortage; weekly minimum)."""
    desk = desk_problem(problem, 0, min_onsite)
    best = 0
    weekly = 0.0
    workdays = [d for d in desk.days if d.weekday() < 5] or list(desk.days)
    for e in desk.employees:
        if e.shifts:
            continue
        worked = [d for d in desk.days if desk.base_kind(e, d) is None]
        weekly += min(min_onsite, len(worked))
    for d in desk.days:
        present = [e for e in desk.employees if not e.shifts and desk.base_kind(e, d) is None]
        must = sum(1 for e in present if not e.home_office)
        kit = sum(1 for e in present if e.home_office and e.needs_kit)
        best = max(best, must + max(0, kit - desk.kit_pool.available(d)))
    return max(best, math.ceil(weekly / max(1, len(workdays))))


def space_analysis(
    problem: m.Problem,
    *,
    min_onsite: int,
    on_progress=None,
    should_cancel=None,
    workers: int = 2,
    points: int = 5,
) -> dict:
    progress = on_progress or (lambda pct, obj, bound: None)
    limit = space_time_limit()
    office_staff = sum(1 for e in problem.employees if not e.shifts)
    low = lower_bound(problem, min_onsite)
    hi = max(low, office_staff)
    steps = max(1, math.ceil(math.log2(max(2, hi - low + 1)))) + points + 1
    done = [0]

    def trial(seats: int) -> m.Plan:
        plan = ea.solve_with_progress(
            desk_problem(problem, seats, min_onsite),
            time_limit=limit,
            workers=workers,
            should_cancel=should_cancel,
            batch_size=10_000,
        )
        done[0] += 1
        progress(int(min(99, 100 * done[0] / steps)), None, None)
        return plan

    def ok(plan: m.Plan) -> bool:
        return plan.status in (m.Status.OPTIMAL, m.Status.FEASIBLE)

    top = trial(hi)
    result: dict = {
        "min_onsite": min_onsite,
        "office_staff": office_staff,
        "lower_bound": low,
        "week": [problem.days[0].isoformat(), (problem.days[0] + timedelta(days=6)).isoformat()],
        "min_seats": None,
        "curve": [],
        "reasons": [],
    }
    if not ok(top):
        result["reasons"] = [r.message for r in top.explanation][:5]
        return result
    lo, best = max(0, low), hi
    plans = {hi: top}
    while lo < best:
        mid = (lo + best) // 2
        plan = trial(mid)
        if ok(plan):
            best = mid
            plans[mid] = plan
        else:
            lo = mid + 1
    result["min_seats"] = best
    caps = sorted({best + round(i * (hi - best) / max(1, points - 1)) for i in range(points)})
    for cap in caps:
        plan = plans.get(cap) or trial(cap)
        if not ok(plan):
            continue
        pen = dict(plan.penalties)
        home = sum(1 for a in plan.assignments if a.kind is m.Kind.HOME)
        work = sum(1 for a in plan.assignments if a.kind in m.WORK_KINDS)
        result["curve"].append(
            {
                "seats": cap,
                "fairness": pen.get("fairness", 0),
                "wishes": pen.get("wishes", 0),
                "team_days": pen.get("team_days", 0),
                "home_share": round(100 * home / work) if work else 0,
                "optimal": plan.status is m.Status.OPTIMAL,
            }
        )
    return result
