"""Solve a roster problem with CP-SAT, decomposed into independent parts where the rules allow.

Employees are linked when they share a room, a team (fairness, team days), a cohort or a shift
type (coverage). Linked groups ("components") only interact through the global kit pool:

1. every component is solved with the whole pool (a relaxation; the sum of its bounds is a
   valid lower bound of the whole problem);
2. if the combined kit use fits the pool on every day, the combination is optimal whenever
   every component is;
3. otherwise small problems are solved as one model (hinted with step 1), large ones get kit
   budgets per component and day, proportional to step 1's use, and are re-solved.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from ortools.sat.python import cp_model

from rathaus.engines.roster.cpmodel import HOME, Key, assignment_of, build
from rathaus.engines.roster.model import Assignment, Kind, Plan, Problem, Status

RULES = ("fairness", "wishes", "team_days", "stability")
MONOLITHIC_LIMIT = 400  # employees: above this, kit conflicts are resolved by budgets


@dataclass
class _Part:
    status: Status
    assignments: list[Assignment]
    objective: int
    bound: int
    penalties: dict[str, int]


def _cp_status(code: int) -> Status:
    return {
        cp_model.OPTIMAL: Status.OPTIMAL,
        cp_model.FEASIBLE: Status.FEASIBLE,
        cp_model.INFEASIBLE: Status.INFEASIBLE,
    }.get(code, Status.UNKNOWN)


def solve_part(
    problem: Problem,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    kit_budget: Mapping[date, int] | None = None,
    hint: Mapping[Key, Assignment] | None = None,
    stability_first: bool = False,
) -> _Part:
    """One CP-SAT model; with `stability_first`, changed days are minimised before the rest."""
    b = build(problem, kit_budget=kit_budget, hint=hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    deadline = time.monotonic() + time_limit
    lexi_optimal = True
    if stability_first and b.rules.get("stability"):
        stab = b.rule_expr("stability")
        b.model.minimize(stab)
        solver.parameters.max_time_in_seconds = max(0.05, time_limit / 2)
        code = solver.solve(b.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Part(_cp_status(code), [], 0, 0, {})
        lexi_optimal = code == cp_model.OPTIMAL
        b.model.add(stab <= round(solver.objective_value))
        _hint_from(b, solver)
    b.model.minimize(b.objective_expr())
    solver.parameters.max_time_in_seconds = max(0.05, deadline - time.monotonic())
    code = solver.solve(b.model)
    status = _cp_status(code)
    if status in (Status.INFEASIBLE, Status.UNKNOWN):
        return _Part(status, [], 0, 0, {})
    if status is Status.OPTIMAL and not lexi_optimal:
        status = Status.FEASIBLE
    assignments = [Assignment(eid, d, kind) for (eid, d), kind in b.base.items()]
    for (eid, d), lits in b.x.items():
        chosen = next(o for o, v in lits.items() if solver.boolean_value(v))
        assignments.append(assignment_of(eid, d, chosen))
    penalties = {r: int(solver.value(b.rule_expr(r))) for r in RULES}
    objective = int(round(solver.objective_value))
    bound = objective if status is Status.OPTIMAL else math.ceil(solver.best_objective_bound - 1e-6)
    return _Part(status, assignments, objective, min(bound, objective), penalties)


def _hint_from(b: object, solver: cp_model.CpSolver) -> None:
    built = b  # keeps the hint in the model for the second, lexicographic stage
    model = built.model  # type: ignore[attr-defined]
    model.clear_hints()
    for lits in built.x.values():  # type: ignore[attr-defined]
        for v in lits.values():
            model.add_hint(v, solver.boolean_value(v))


def components(problem: Problem) -> list[list[str]]:
    """Groups of employees that share a room, team, cohort or shift type."""
    parent: dict[str, str] = {e.id: e.id for e in problem.employees}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first: dict[str, str] = {}

    def link(label: str, eid: str) -> None:
        if label in first:
            parent[find(eid)] = find(first[label])
        else:
            first[label] = eid

    for emp in problem.employees:
        link(f"team:{emp.team}", emp.id)
        for r in emp.rooms:
            link(f"room:{r}", emp.id)
        for s in emp.shifts:
            link(f"shift:{s}", emp.id)
    for k in problem.cohorts:
        for eid in sorted(k.members):
            if eid in parent:
                link(f"cohort:{k.group}", eid)
    groups: dict[str, list[str]] = defaultdict(list)
    for emp in problem.employees:
        groups[find(emp.id)].append(emp.id)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def subproblem(problem: Problem, member_ids: list[str]) -> Problem:
    ids = set(member_ids)
    emps = tuple(e for e in problem.employees if e.id in ids)
    rooms = {r for e in emps for r in e.rooms}
    shifts = {s for e in emps for s in e.shifts}
    teams = {e.team for e in emps}
    return replace(
        problem,
        employees=emps,
        rooms=tuple(r for r in problem.rooms if r.id in rooms),
        coverage=tuple(c for c in problem.coverage if c.shift_id in shifts),
        cohorts=tuple(
            replace(k, members=k.members & ids) for k in problem.cohorts if k.members & ids
        ),
        team_days=tuple(t for t in problem.team_days if t.team in teams),
        history=tuple(h for h in problem.history if h.employee_id in ids),
        previous_plan=tuple(a for a in problem.previous_plan if a.employee_id in ids),
        fixed=tuple(a for a in problem.fixed if a.employee_id in ids),
    )


def _batches(problem: Problem, max_size: int) -> list[list[str]]:
    """Components, with small ones packed together to save model overhead."""
    out: list[list[str]] = []
    current: list[str] = []
    for comp in components(problem):
        if len(comp) >= max_size:
            out.append(comp)
        elif len(current) + len(comp) > max_size:
            out.append(current)
            current = list(comp)
        else:
            current += comp
    if current:
        out.append(current)
    # Coverage for shifts nobody can work must still be seen (and reported infeasible).
    known = {s for e in problem.employees for s in e.shifts}
    if out and any(c.shift_id not in known and c.required > 0 for c in problem.coverage):
        return [[e.id for e in problem.employees]]
    return out


def kit_use(problem: Problem, assignments: list[Assignment]) -> dict[date, int]:
    emps = problem.employees_by_id
    use: dict[date, int] = defaultdict(int)
    for a in assignments:
        if a.kind is Kind.HOME and emps[a.employee_id].needs_kit:
            use[a.day] += 1
    return use


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    decompose: bool = True,
    stability_first: bool = False,
    hint: Plan | None = None,
    batch_size: int = 60,
    explain: bool = True,
) -> Plan:
    """Best plan within `time_limit` seconds; INFEASIBLE plans carry an explanation."""
    from rathaus.engines.roster.explain import explain_infeasible, precheck

    t0 = time.monotonic()
    reasons = precheck(problem)
    if reasons:
        return Plan(Status.INFEASIBLE, explanation=tuple(reasons), wall_time=time.monotonic() - t0)
    hint_map = hint.by_key() if hint else None
    groups = _batches(problem, batch_size) if decompose else [[e.id for e in problem.employees]]
    notes = [f"{len(groups)} Teilmodell(e)"]
    parts: list[_Part] = []
    remaining = sum(len(g) for g in groups)
    for g in groups:
        left = time_limit - (time.monotonic() - t0)
        share = max(0.2, 0.9 * left * len(g) / max(1, remaining))
        sub = subproblem(problem, g) if len(groups) > 1 else problem
        part = solve_part(
            sub,
            time_limit=share,
            workers=workers,
            seed=seed,
            hint=hint_map,
            stability_first=stability_first,
        )
        remaining -= len(g)
        if part.status is Status.INFEASIBLE:
            expl = (
                explain_infeasible(problem, time_limit=max(1.0, time_limit / 2)) if explain else ()
            )
            return Plan(Status.INFEASIBLE, explanation=tuple(expl), wall_time=time.monotonic() - t0)
        if part.status is Status.UNKNOWN:
            return Plan(Status.UNKNOWN, wall_time=time.monotonic() - t0, notes=("Zeitlimit",))
        parts.append(part)
    relaxed_bound = sum(p.bound for p in parts)
    assignments = [a for p in parts for a in p.assignments]
    use = kit_use(problem, assignments)
    short = {d: n for d, n in use.items() if n > problem.kit_pool.available(d)}
    if not short:
        status = (
            Status.OPTIMAL if all(p.status is Status.OPTIMAL for p in parts) else Status.FEASIBLE
        )
        if len(groups) > 1:
            notes.append("Homeoffice-Sets reichen für die Summe der Teilpläne")
        return _plan(status, parts, relaxed_bound, t0, notes)
    notes.append(f"Homeoffice-Sets knapp an {len(short)} Tag(en)")
    left = time_limit - (time.monotonic() - t0)
    if len(problem.employees) <= MONOLITHIC_LIMIT or left <= 0:
        full = solve_part(
            problem,
            time_limit=max(0.5, left),
            workers=workers,
            seed=seed,
            hint={(a.employee_id, a.day): a for a in assignments},
            stability_first=stability_first,
        )
        if full.status is Status.INFEASIBLE and explain:
            expl = explain_infeasible(problem, time_limit=max(1.0, time_limit / 2))
            return Plan(Status.INFEASIBLE, explanation=tuple(expl), wall_time=time.monotonic() - t0)
        if full.status in (Status.INFEASIBLE, Status.UNKNOWN):
            return Plan(full.status, wall_time=time.monotonic() - t0)
        full.bound = max(full.bound, relaxed_bound) if not stability_first else full.bound
        notes.append("Gesamtmodell mit Startlösung aus den Teilmodellen")
        return _plan(full.status, [full], full.bound, t0, notes)
    return _budget_phase(
        problem, groups, parts, relaxed_bound, t0, time_limit, workers, seed, stability_first, notes
    )


def _budget_phase(
    problem: Problem,
    groups: list[list[str]],
    parts: list[_Part],
    relaxed_bound: int,
    t0: float,
    time_limit: float,
    workers: int,
    seed: int,
    stability_first: bool,
    notes: list[str],
) -> Plan:
    """Split each day's kit stock over the parts in proportion to their relaxed use."""
    uses = [kit_use(problem, p.assignments) for p in parts]
    budgets: list[dict[date, int]] = [{} for _ in parts]
    for d in problem.days:
        stock = problem.kit_pool.available(d)
        total = sum(u.get(d, 0) for u in uses)
        if total <= stock:
            extra = (stock - total) // max(1, len(uses))  # share the slack, never overbook
            for i, u in enumerate(uses):
                budgets[i][d] = u.get(d, 0) + extra
            continue
        raw = [stock * u.get(d, 0) / total for u in uses]
        alloc = [math.floor(r) for r in raw]
        order = sorted(range(len(raw)), key=lambda i: alloc[i] - raw[i])
        for i in order[: stock - sum(alloc)]:
            alloc[i] += 1
        for i in range(len(parts)):
            budgets[i][d] = alloc[i]
    new_parts: list[_Part] = []
    redo = [i for i, u in enumerate(uses) if any(u.get(d, 0) > budgets[i][d] for d in u)]
    remaining = sum(len(groups[i]) for i in redo)
    for i, p in enumerate(parts):
        if i not in redo:
            new_parts.append(p)
            continue
        left = time_limit - (time.monotonic() - t0)
        share = max(0.5, 0.95 * left * len(groups[i]) / max(1, remaining))
        remaining -= len(groups[i])
        q = solve_part(
            subproblem(problem, groups[i]),
            time_limit=share,
            workers=workers,
            seed=seed,
            kit_budget=budgets[i],
            hint={(a.employee_id, a.day): a for a in p.assignments},
            stability_first=stability_first,
        )
        if q.status not in (Status.OPTIMAL, Status.FEASIBLE):
            return Plan(
                Status.UNKNOWN,
                wall_time=time.monotonic() - t0,
                notes=(*notes, "Kit-Budget für ein Teilmodell unzulässig"),
            )
        new_parts.append(q)
    notes.append(f"Kit-Budgets für {len(redo)} Teilmodell(e) neu gelöst")
    status = Status.FEASIBLE
    total = sum(p.objective for p in new_parts)
    if total == relaxed_bound:
        status = Status.OPTIMAL
    return _plan(status, new_parts, relaxed_bound, t0, notes)


def _plan(status: Status, parts: list[_Part], bound: int, t0: float, notes: list[str]) -> Plan:
    objective = sum(p.objective for p in parts)
    penalties = {r: sum(p.penalties.get(r, 0) for p in parts) for r in RULES}
    assignments = sorted(
        (a for p in parts for a in p.assignments), key=lambda a: (a.employee_id, a.day)
    )
    return Plan(
        status=status,
        assignments=tuple(assignments),
        objective=objective,
        bound=min(bound, objective),
        penalties=tuple(sorted(penalties.items())),
        wall_time=time.monotonic() - t0,
        notes=tuple(notes),
    )


__all__ = ["HOME", "components", "solve", "solve_part", "subproblem"]
