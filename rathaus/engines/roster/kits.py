"""Coordination of the global kit pool between independently solved parts.

Budgets per part and day (soft, then hard), a greedy repair when budgets do not add up, and a
polish round that can only improve a combined plan that fits the pool.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from rathaus.engines.roster.clock import WALL
from rathaus.engines.roster.decompose import kit_use, subproblem
from rathaus.engines.roster.explain import seat_plan
from rathaus.engines.roster.greedy import repair_kits
from rathaus.engines.roster.model import Problem, Status
from rathaus.engines.roster.parts import Part, solve_part
from rathaus.engines.roster.progress import Watch

log = logging.getLogger(__name__)


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


def exchange(
    problem: Problem,
    subs: list[Problem],
    groups: list[list[str]],
    parts: list[Part],
    end: float,
    workers: int,
    seed: int,
    notes: list[str],
    watch: Watch | None = None,
    max_staff: int = 30,
) -> list[Part]:
    """Large-neighbourhood search over the kit pool: a few parts are solved together in one
    CP-SAT model whose kit budget per day is the stock minus what every other part uses, so
    kit-days move between them wherever that lowers their summed penalty (the polish keeps
    each part's own kits). The part furthest above its bound is joined by the parts using
    the most kits on the days the pool is fully used, in turn; the current plan is the hint,
    and only a better joint plan is kept (split back into its parts, each re-evaluated with
    its plan fixed), so nothing gets worse."""
    clock = watch.clock if watch is not None else WALL
    parts = list(parts)
    days = problem.days
    stock = {d: problem.kit_pool.available(d) for d in days}
    tried: set[frozenset[int]] = set()
    steps = better = 0
    while end - clock.now() > 1.0 and not (watch is not None and watch.stopped):
        uses = [kit_use(problem, p.assignments) for p in parts]
        total = {d: sum(u.get(d, 0) for u in uses) for d in days}
        full = [d for d in days if total[d] >= stock[d]]
        pick = _neighbourhood(parts, groups, uses, full, tried, max_staff)
        if pick is None:
            break
        tried.add(frozenset(pick))
        ids = [eid for i in pick for eid in groups[i]]
        budget = {d: stock[d] - total[d] + sum(uses[i].get(d, 0) for i in pick) for d in days}
        before = sum(parts[i].objective for i in pick)
        left = end - clock.now()
        steps += 1
        q = solve_part(
            subproblem(problem, ids),
            budget=min(left, max(1.5, left / 4)),
            workers=workers,
            seed=seed,
            kit_budget=budget,
            hint={(a.employee_id, a.day): a for i in pick for a in parts[i].assignments},
            watch=watch,
        )
        found = q.status in (Status.FEASIBLE, Status.OPTIMAL)
        log.debug(
            "exchange %d: parts %s (%d staff) %d -> %s, plan %d",
            steps,
            pick,
            len(ids),
            before,
            q.objective if found else q.status.value,
            sum(p.objective for p in parts),
        )
        if not found or q.objective >= before:
            continue
        split_back = _split_back(subs, groups, parts, pick, q)
        if split_back is not None:
            better += 1
            parts = split_back
            tried = set()  # the plan changed: earlier neighbourhoods may help again
    notes.append(f"Kit-Tausch zwischen Teilmodellen: {better} von {steps} Schritt(en) besser")
    return parts


def _split_back(
    subs: list[Problem], groups: list[list[str]], parts: list[Part], pick: list[int], q: Part
) -> list[Part] | None:
    """The joint plan `q` of the parts `pick` as one plan per part (objective and penalties
    from each part's own model, its plan fixed; the bounds stay), or None if a part's plan
    does not evaluate (then the joint plan is dropped)."""
    by_key = {(a.employee_id, a.day): a for a in q.assignments}
    out = list(parts)
    for i in pick:
        hint = {
            (a.employee_id, a.day): by_key[(a.employee_id, a.day)] for a in parts[i].assignments
        }
        redone = solve_part(subs[i], budget=10.0, workers=1, hint=hint, fix_hint=True)
        if redone.status is not Status.FEASIBLE:
            return None
        redone.bound = parts[i].bound
        out[i] = redone
    if sum(out[i].objective for i in pick) != q.objective:
        return None
    return out


def _neighbourhood(
    parts: list[Part],
    groups: list[list[str]],
    uses: list[dict[date, int]],
    full: list[date],
    tried: set[frozenset[int]],
    max_staff: int,
) -> list[int] | None:
    """The next parts to solve together (see `exchange`), or None when every promising
    neighbourhood was tried."""
    above = sorted(
        (i for i, p in enumerate(parts) if p.objective > p.bound),
        key=lambda i: (parts[i].bound - parts[i].objective, i),
    )
    donors = sorted(
        (i for i, u in enumerate(uses) if any(u.get(d, 0) for d in full)),
        key=lambda i: (-sum(uses[i].get(d, 0) for d in full), i),
    )
    for worst in above:
        for shift in range(len(donors)):
            pick, size = [worst], len(groups[worst])
            for i in donors[shift:] + donors[:shift]:
                if i != worst and size + len(groups[i]) <= max_staff:
                    pick.append(i)
                    size += len(groups[i])
            if len(pick) > 1 and frozenset(pick) not in tried:
                return pick
    # No partner left to try (or the pool has room): each part above its bound alone, with
    # the stock the others leave it.
    return next(([i] for i in above if frozenset([i]) not in tried), None)
