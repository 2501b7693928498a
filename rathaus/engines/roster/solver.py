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
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from rathaus.engines.roster.cpmodel import HOME, Built, Key, assignment_of, build
from rathaus.engines.roster.greedy import greedy_plan, repair_kits
from rathaus.engines.roster.model import Assignment, Kind, Plan, Problem, Status

RULES = ("fairness", "wishes", "team_days", "stability")


@dataclass
class _Part:
    status: Status
    assignments: list[Assignment]
    objective: int
    bound: int
    penalties: dict[str, int]


def _cp_status(code: object) -> Status:
    if code == cp_model.OPTIMAL:
        return Status.OPTIMAL
    if code == cp_model.FEASIBLE:
        return Status.FEASIBLE
    if code == cp_model.INFEASIBLE:
        return Status.INFEASIBLE
    return Status.UNKNOWN


def solve_part(
    problem: Problem,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    kit_budget: Mapping[date, int] | None = None,
    hint: Mapping[Key, Assignment] | None = None,
    stability_first: bool = False,
    kit_tiebreak: float = 0.0,
    kit_soft: bool = False,
    fix_hint: bool = False,
) -> _Part:
    """One CP-SAT model.

    With `stability_first`, changed days are minimised before the rest (lexicographic). With
    `kit_tiebreak` > 0, that share of the time is spent afterwards on using as few kits as
    possible without making the objective worse (helps the decomposition fit the pool).
    """
    b = build(problem, kit_budget=kit_budget, kit_soft=kit_soft, hint=hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    # The fairness terms need the full LP relaxation (linearization level 2) to be proven.
    if workers <= 1:
        solver.parameters.linearization_level = 2
    elif workers == 2:
        solver.parameters.subsolvers.extend(["max_lp", "default_lp"])
    if fix_hint:  # only evaluate the hinted plan (exact objective from the model)
        solver.parameters.fix_variables_to_their_hinted_value = True
    deadline = time.monotonic() + time_limit
    main_end = deadline - kit_tiebreak * time_limit
    lexi_optimal = True
    if stability_first and b.rules.get("stability"):
        stab = b.rule_expr("stability")
        b.model.minimize(stab)
        solver.parameters.max_time_in_seconds = max(0.05, (main_end - time.monotonic()) / 2)
        code = solver.solve(b.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Part(_cp_status(code), [], 0, 0, {})
        lexi_optimal = code == cp_model.OPTIMAL
        b.model.add(stab <= round(solver.objective_value))
        _hint_from(b, solver)
    objective_expr = b.objective_expr()
    b.model.minimize(objective_expr)
    solver.parameters.max_time_in_seconds = max(0.05, main_end - time.monotonic())
    code = solver.solve(b.model)
    status = _cp_status(code)
    if status in (Status.INFEASIBLE, Status.UNKNOWN):
        return _Part(status, [], 0, 0, {})
    if status is Status.OPTIMAL and not lexi_optimal:
        status = Status.FEASIBLE
    objective = int(round(solver.objective_value))
    bound = objective if status is Status.OPTIMAL else math.ceil(solver.best_objective_bound - 1e-6)
    if fix_hint:  # a fixed plan proves nothing: penalties are >= 0
        status, bound = Status.FEASIBLE, 0
    part = _extract(b, solver, status, min(bound, objective))
    kits = [
        lits[HOME]
        for (eid, _), lits in b.x.items()
        if HOME in lits and problem.employees_by_id[eid].needs_kit
    ]
    if kit_tiebreak > 0 and kits and deadline - time.monotonic() > 0.05:
        _hint_from(b, solver)
        b.model.add(objective_expr <= objective)
        b.model.minimize(sum(kits))
        solver.parameters.max_time_in_seconds = max(0.05, deadline - time.monotonic())
        if solver.solve(b.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            part = _extract(b, solver, status, part.bound)
    return part


def _extract(b: Built, solver: cp_model.CpSolver, status: Status, bound: int) -> _Part:
    assignments = [Assignment(eid, d, kind) for (eid, d), kind in b.base.items()]
    for (eid, d), lits in b.x.items():
        chosen = next(o for o, v in lits.items() if solver.boolean_value(v))
        assignments.append(assignment_of(eid, d, chosen))
    penalties = {r: int(solver.value(b.rule_expr(r))) for r in RULES}
    return _Part(status, assignments, sum(penalties.values()), bound, penalties)


def _hint_from(b: Built, solver: cp_model.CpSolver) -> None:
    """Keep the incumbent as hint for the next stage of a lexicographic solve."""
    b.model.clear_hints()
    for lits in b.x.values():
        for v in lits.values():
            b.model.add_hint(v, solver.boolean_value(v))


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


def split(problem: Problem, groups: list[list[str]]) -> list[Problem]:
    """`subproblem` for all groups at once, one pass over each list (fast at 5,000 staff)."""
    if len(groups) == 1:
        return [problem]
    where = {eid: i for i, g in enumerate(groups) for eid in g}
    n = len(groups)

    def bucket(items: tuple[Any, ...], key: Callable[[Any], list[int]]) -> list[list[Any]]:
        out: list[list[Any]] = [[] for _ in range(n)]
        for item in items:
            for i in key(item):
                out[i].append(item)
        return out

    emps = bucket(problem.employees, lambda e: [where[e.id]])
    room_of: dict[str, set[int]] = defaultdict(set)
    shift_of: dict[str, set[int]] = defaultdict(set)
    team_of: dict[str, set[int]] = defaultdict(set)
    for e in problem.employees:
        for r in e.rooms:
            room_of[r].add(where[e.id])
        for sid in e.shifts:
            shift_of[sid].add(where[e.id])
        team_of[e.team].add(where[e.id])
    by_emp = lambda a: [where[a.employee_id]] if a.employee_id in where else []  # noqa: E731
    rooms = bucket(problem.rooms, lambda r: sorted(room_of.get(r.id, ())))
    coverage = bucket(problem.coverage, lambda c: sorted(shift_of.get(c.shift_id, ())))
    team_days = bucket(problem.team_days, lambda t: sorted(team_of.get(t.team, ())))
    history = bucket(problem.history, by_emp)
    previous = bucket(problem.previous_plan, by_emp)
    fixed = bucket(problem.fixed, by_emp)
    cohorts: list[list[Any]] = [[] for _ in range(n)]
    for k in problem.cohorts:
        for i in sorted({where[m] for m in k.members if m in where}):
            cohorts[i].append(replace(k, members=k.members & set(groups[i])))
    return [
        replace(
            problem,
            employees=tuple(emps[i]),
            rooms=tuple(rooms[i]),
            coverage=tuple(coverage[i]),
            cohorts=tuple(cohorts[i]),
            team_days=tuple(team_days[i]),
            history=tuple(history[i]),
            previous_plan=tuple(previous[i]),
            fixed=tuple(fixed[i]),
        )
        for i in range(n)
    ]


def _batches(problem: Problem, max_size: int) -> list[list[str]]:
    """Components, with small ones packed together to save model overhead."""
    out: list[list[str]] = []
    current: list[str] = []
    shift_staff = {e.id for e in problem.employees if e.shifts}
    for comp in components(problem):
        if len(comp) >= max_size or shift_staff.intersection(comp):
            out.append(comp)  # shift parts stay alone: they get no greedy start plan
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


def _round(
    problem: Problem,
    subs: list[Problem],
    groups: list[list[str]],
    todo: list[int],
    end: float,
    workers: int,
    seed: int,
    hints: Mapping[int, Mapping[Key, Assignment] | None],
    stability_first: bool,
    floor: float = 1.5,
) -> dict[int, _Part]:
    """Solve the parts `todo` until `end`; one single-worker CP-SAT per thread."""
    if len(groups) == 1:
        sub = problem
        return {
            0: solve_part(
                sub,
                time_limit=max(0.2, end - time.monotonic()),
                workers=workers,
                seed=seed,
                hint=hints.get(0),
                stability_first=stability_first,
            )
        }
    lock = threading.Lock()
    left = [sum(len(groups[i]) for i in todo)]

    def run(i: int) -> _Part:
        sub = subs[i]
        with lock:  # time share decided when the part starts, by its size
            budget = workers * (end - time.monotonic()) * len(groups[i]) / max(1, left[0])
            left[0] -= len(groups[i])
        # Generous cap: most parts finish far below it, a hard one must not starve the rest.
        limit = max(0.05, min(max(floor, 4 * budget), end - time.monotonic()))
        hint = hints.get(i)
        quick = greedy_plan(sub) if hint is None else None
        part = solve_part(
            sub,
            time_limit=limit,
            workers=1,
            seed=seed,
            hint=hint or quick,
            stability_first=stability_first,
        )
        if part.status is Status.UNKNOWN and quick is not None:
            fixed = solve_part(sub, time_limit=5.0, workers=1, hint=quick, fix_hint=True)
            if fixed.status is Status.FEASIBLE:  # else the start plan broke a rule: no plan
                part = fixed
        return part

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return dict(zip(todo, pool.map(run, todo), strict=True))


def _merge(old: _Part, new: _Part) -> _Part:
    """Keep the better solution and the better bound of two attempts at one part."""
    if new.status is Status.UNKNOWN:
        return old
    if old.status is Status.UNKNOWN or new.objective <= old.objective:
        new.bound = max(new.bound, old.bound)
        return new
    old.bound = max(old.bound, new.bound)
    return old


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
    batch_size: int | None = None,
    explain: bool = True,
) -> Plan:
    """Best plan within `time_limit` seconds; INFEASIBLE plans carry an explanation."""
    from rathaus.engines.roster.explain import explain_infeasible, precheck

    t0 = time.monotonic()
    reasons = precheck(problem)
    if reasons:
        return Plan(Status.INFEASIBLE, explanation=tuple(reasons), wall_time=time.monotonic() - t0)
    hint_map = hint.by_key() if hint else None
    if batch_size is None:  # big problems: fewer, larger models (less overhead per model)
        batch_size = 1 if len(problem.employees) <= 1000 else 50
    groups = _batches(problem, batch_size) if decompose else [[e.id for e in problem.employees]]
    notes = [f"{len(groups)} Teilmodell(e)"]
    subs = split(problem, groups)
    user_hint = dict.fromkeys(range(len(groups)), hint_map)
    every = list(range(len(groups)))
    # First round: every part gets its share of 40 % of the time (a first plan, often proven
    # optimal already); later rounds give the rest to parts that are not yet proven.
    floor = 1.5 if len(problem.employees) <= 1000 else 0.1
    parts = _round(
        problem,
        subs,
        groups,
        every,
        t0 + 0.4 * time_limit,
        workers,
        seed,
        user_hint,
        stability_first,
        floor,
    )
    bad = [i for i, p in parts.items() if p.status is Status.INFEASIBLE]
    if bad:  # one infeasible part makes the whole infeasible; explain that part only
        expl = (
            explain_infeasible(subs[bad[0]], time_limit=max(1.0, time_limit / 2)) if explain else ()
        )
        return Plan(Status.INFEASIBLE, explanation=tuple(expl), wall_time=time.monotonic() - t0)
    # Second round: unsolved parts first; unproven ones too unless kits will need the time.
    known = [a for p in parts.values() for a in p.assignments]
    tight = any(n > problem.kit_pool.available(d) for d, n in kit_use(problem, known).items())
    again = [
        i
        for i, p in parts.items()
        if p.status is Status.UNKNOWN or (p.status is Status.FEASIBLE and not tight)
    ]
    if again and len(groups) > 1:
        end = t0 + (0.7 if tight else 0.97) * time_limit
        hints = {
            i: ({(a.employee_id, a.day): a for a in parts[i].assignments} or hint_map)
            for i in again
        }
        for i, q in _round(
            problem, subs, groups, again, end, workers, seed, hints, stability_first
        ).items():
            parts[i] = _merge(parts[i], q)
    unknown = [i for i, p in parts.items() if p.status is Status.UNKNOWN]
    if unknown and t0 + 0.9 * time_limit - time.monotonic() > 0.2:
        for i, q in _round(
            problem,
            subs,
            groups,
            unknown,
            t0 + 0.9 * time_limit,
            workers,
            seed,
            user_hint,
            stability_first,
        ).items():
            parts[i] = _merge(parts[i], q)
    if any(p.status is Status.UNKNOWN for p in parts.values()):
        return Plan(Status.UNKNOWN, wall_time=time.monotonic() - t0, notes=("Zeitlimit",))
    parts_list = [parts[i] for i in every]
    relaxed_bound = sum(p.bound for p in parts_list)
    assignments = [a for p in parts_list for a in p.assignments]
    use = kit_use(problem, assignments)
    short = {d: n for d, n in use.items() if n > problem.kit_pool.available(d)}
    if not short:
        status = (
            Status.OPTIMAL
            if all(p.status is Status.OPTIMAL for p in parts_list)
            else Status.FEASIBLE
        )
        if len(groups) > 1:
            notes.append("Homeoffice-Sets reichen für die Summe der Teilpläne")
        return _plan(status, parts_list, relaxed_bound, t0, notes)
    notes.append(f"Homeoffice-Sets knapp an {len(short)} Tag(en)")
    current = parts_list
    for rnd in range(4):  # re-balance until the parts fit the pool
        left = t0 + 0.9 * time_limit - time.monotonic()
        if left < 0.3:
            break
        end = time.monotonic() + (0.7 * left if rnd < 3 else left)
        current = _budget_phase(
            problem, subs, groups, current, short, end, workers, seed, stability_first
        )
        use = kit_use(problem, [a for p in current for a in p.assignments])
        short = {d: n for d, n in use.items() if n > problem.kit_pool.available(d)}
        if not short:
            notes.append(f"Kit-Budgets in {rnd + 1} Runde(n) verteilt")
            return _plan(Status.FEASIBLE, current, relaxed_bound, t0, notes)
    repaired = _repair(problem, subs, groups, current, workers)
    if repaired is not None:
        notes.append("Kit-Überhang durch Büro-Tage auf freien Plätzen behoben")
        return _plan(Status.FEASIBLE, repaired, relaxed_bound, t0, notes)
    notes.append(f"Kit-Budgets reichen an {len(short)} Tag(en) nicht")
    if time_limit - (time.monotonic() - t0) < 1.0 or len(problem.employees) > 1000:
        return Plan(Status.UNKNOWN, wall_time=time.monotonic() - t0, notes=tuple(notes))
    left = time_limit - (time.monotonic() - t0)
    full = solve_part(
        problem,
        time_limit=max(1.0, left),
        workers=workers,
        seed=seed,
        hint={(a.employee_id, a.day): a for a in assignments},
        stability_first=stability_first,
    )
    if full.status is Status.INFEASIBLE and explain:
        expl = explain_infeasible(problem, time_limit=max(1.0, time_limit / 2))
        return Plan(Status.INFEASIBLE, explanation=tuple(expl), wall_time=time.monotonic() - t0)
    if full.status in (Status.INFEASIBLE, Status.UNKNOWN):
        return Plan(full.status, wall_time=time.monotonic() - t0, notes=tuple(notes))
    notes.append("Gesamtmodell mit Startlösung aus den Teilmodellen")
    bound = full.bound if stability_first else max(full.bound, relaxed_bound)
    return _plan(full.status, [full], bound, t0, notes)


def _repair(
    problem: Problem,
    subs: list[Problem],
    groups: list[list[str]],
    parts: list[_Part],
    workers: int,
) -> list[_Part] | None:
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

    def run(i: int) -> _Part:
        hint = {
            (a.employee_id, a.day): by_key[(a.employee_id, a.day)] for a in parts[i].assignments
        }
        return solve_part(subs[i], time_limit=10.0, workers=1, hint=hint, fix_hint=True)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        redone = dict(zip(changed, pool.map(run, changed), strict=True))
    if any(q.status is not Status.FEASIBLE for q in redone.values()):
        return None
    return [redone.get(i, p) for i, p in enumerate(parts)]


def _budget_phase(
    problem: Problem,
    subs: list[Problem],
    groups: list[list[str]],
    parts: list[_Part],
    short: Mapping[date, int],
    deadline: float,
    workers: int,
    seed: int,
    stability_first: bool,
) -> list[_Part]:
    """Kit budgets per part and day on the short days: each part keeps what its rooms force
    (a matching bound), the rest of the stock is shared in proportion to what the part
    used; parts using kits on those days are re-solved with soft budgets (expensive
    overflow). A part without a new solution in time keeps its old one."""
    from rathaus.engines.roster.explain import seat_plan

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

    def run(i: int) -> _Part:
        budget = workers * (deadline - time.monotonic()) * len(groups[i]) / max(1, left[0])
        left[0] -= len(groups[i])
        limit = max(0.2, min(max(1.0, 2 * budget), deadline - time.monotonic()))
        return solve_part(
            subs[i],
            time_limit=limit,
            workers=1,
            seed=seed,
            kit_budget=budgets[i],
            kit_soft=True,
            stability_first=stability_first,
            hint={(a.employee_id, a.day): a for a in parts[i].assignments},
        )

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        redone = dict(zip(redo, pool.map(run, redo), strict=True))
    return [
        redone[i] if i in redone and redone[i].status is not Status.UNKNOWN else p
        for i, p in enumerate(parts)
    ]


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
