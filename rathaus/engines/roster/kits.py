"""Coordination of the global kit pool between independently solved parts.

Budgets per part and day (soft, then hard), a greedy repair when budgets do not add up, and a
polish round that can only improve a combined plan that fits the pool.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from rathaus.engines.roster.clock import WALL
from rathaus.engines.roster.decompose import kit_use
from rathaus.engines.roster.explain import seat_plan
from rathaus.engines.roster.greedy import repair_kits
from rathaus.engines.roster.model import Problem, Status
from rathaus.engines.roster.parts import Part, solve_part
from rathaus.engines.roster.progress import Watch


def polish(
    problem: Problem,
    subs: list[Problem],
    groups: list[list[str]],
    parts: list[Part],
    wanted: list[dict[date, int]],
    end: float,
    workers: int,
    seed: int,
    stability_first: bool,
    notes: list[str],
    watch: Watch | None = None,
) -> list[Part]:
    """Improve a combined plan that fits the pool: every part keeps its kits per day (hard
    budget) plus a share of the unused stock for parts that wanted more; the current plan is
    the hint, so no part gets worse."""
    clock = watch.clock if watch is not None else WALL
    if end - clock.now() < 0.3:
        return parts
    uses = [kit_use(problem, p.assignments) for p in parts]
    budgets: list[dict[date, int]] = [dict(u) for u in uses]
    for d in problem.days:
        slack = problem.kit_pool.available(d) - sum(u.get(d, 0) for u in uses)
        want = [max(0, w.get(d, 0) - u.get(d, 0)) for w, u in zip(wanted, uses, strict=True)]
        total = sum(want)
        for i in range(len(parts)):
            share = max(0, slack) * want[i] // total if total else 0
            budgets[i][d] = uses[i].get(d, 0) + share
    redo = [i for i, p in enumerate(parts) if p.objective > p.bound]
    left = [sum(len(groups[i]) for i in redo)]

    def run(i: int) -> Part:
        budget = workers * (end - clock.now()) * len(groups[i]) / max(1, left[0])
        left[0] -= len(groups[i])
        limit = min(max(0.2, 2 * budget), end - clock.now())
        if limit < 0.05 or (watch is not None and watch.stopped):
            return parts[i]
        return solve_part(
            subs[i],
            budget=limit,
            workers=1,
            seed=seed,
            kit_budget=budgets[i],
            stability_first=stability_first,
            hint={(a.employee_id, a.day): a for a in parts[i].assignments},
            watch=watch,
        )

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        redone = dict(zip(redo, pool.map(run, redo), strict=True))
    out = []
    for i, p in enumerate(parts):
        q = redone.get(i)
        better = q is not None and q.status is not Status.UNKNOWN and q.objective < p.objective
        out.append(q if better and q is not None else p)
    notes.append(f"Nachbesserung mit festen Kit-Budgets für {len(redo)} Teilmodell(e)")
    return out


def repair(
    problem: Problem,
    subs: list[Problem],
    groups: list[list[str]],
    parts: list[Part],
    workers: int,
) -> list[Part] | None:
    """Greedy kit repair of the combined plan; changed parts are re-evaluated by CP-SAT with
    all variables fixed, so objective and penalties come from the model."""
    fixed = repair_kits(problem, [a for p in parts for a in p.assignments])
    if fixed is None:
        return None
    by_key = {(a.employee_id, a.day): a for a in fixed}
    changed = [
        i
        for i, p in enumerate(parts)
        if any(by_key[(a.employee_id, a.day)] != a for a in p.assignments)
    ]

    def run(i: int) -> Part:
        hint = {
            (a.employee_id, a.day): by_key[(a.employee_id, a.day)] for a in parts[i].assignments
        }
        return solve_part(subs[i], budget=10.0, workers=1, hint=hint, fix_hint=True)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        redone = dict(zip(changed, pool.map(run, changed), strict=True))
    if any(q.status is not Status.FEASIBLE for q in redone.values()):
        return None
    return [redone.get(i, p) for i, p in enumerate(parts)]


def budget_phase(
    problem: Problem,
    subs: list[Problem],
    groups: list[list[str]],
    parts: list[Part],
    short: Mapping[date, int],
    deadline: float,
    workers: int,
    seed: int,
    stability_first: bool,
    watch: Watch | None = None,
) -> list[Part]:
    """Kit budgets per part and day on the short days: each part keeps what its rooms force
    (a matching bound), the rest of the stock is shared in proportion to what the part
    used; parts using kits on those days are re-solved with soft budgets (expensive
    overflow). A part without a new solution in time keeps its old one."""
    clock = watch.clock if watch is not None else WALL

    uses = [kit_use(problem, p.assignments) for p in parts]
    redo = [i for i, u in enumerate(uses) if any(u.get(d, 0) for d in short)]
    budgets: dict[int, dict[date, int]] = {i: {} for i in redo}
    for d in problem.days:
        base = {i: uses[i].get(d, 0) for i in range(len(parts))}
        if d in short:
            for i in redo:
                base[i] = min(base[i], max(0, seat_plan(subs[i], d)[2]))
        extra = problem.kit_pool.available(d) - sum(base.values())
        want = {i: max(0, uses[i].get(d, 0) - base[i]) for i in redo}
        total = sum(want.values())
        for i in redo:
            share = max(0, extra) * want[i] // total if total else 0
            budgets[i][d] = base[i] + share
    left = [sum(len(groups[i]) for i in redo)]

    def run(i: int) -> Part:
        if clock.now() >= deadline or (watch is not None and watch.stopped):
            # late or stopped: the part keeps its plan
            return Part(Status.UNKNOWN, [], 0, 0, {})
        budget = workers * (deadline - clock.now()) * len(groups[i]) / max(1, left[0])
        left[0] -= len(groups[i])
        limit = max(0.2, min(max(1.0, 2 * budget), deadline - clock.now()))
        return solve_part(
            subs[i],
            budget=limit,
            workers=1,
            seed=seed,
            kit_budget=budgets[i],
            kit_soft=True,
            stability_first=stability_first,
            hint={(a.employee_id, a.day): a for a in parts[i].assignments},
            watch=watch,
        )

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        redone = dict(zip(redo, pool.map(run, redo), strict=True))
    return [
        redone[i] if i in redone and redone[i].status is not Status.UNKNOWN else p
        for i, p in enumerate(parts)
    ]
