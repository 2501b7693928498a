"""One CP-SAT solve of a (sub-)problem: the building block of the decomposition."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import cast

from ortools.sat.python import cp_model

from rathaus.engines.roster.clock import WALL, Clock
from rathaus.engines.roster.cpmodel import HOME, Built, Key, assignment_of, build
from rathaus.engines.roster.model import Assignment, Problem, Status
from rathaus.engines.roster.progress import Watch

RULES = ("fairness", "wishes", "team_days", "stability")


@dataclass
class Part:
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
    budget: float,
    workers: int = 2,
    seed: int = 0,
    kit_budget: Mapping[date, int] | None = None,
    hint: Mapping[Key, Assignment] | None = None,
    stability_first: bool = False,
    kit_tiebreak: float = 0.0,
    kit_soft: bool = False,
    fix_hint: bool = False,
    fewest_kits: bool = False,
    watch: Watch | None = None,
    part_key: object = None,
) -> Part:
    """One CP-SAT model within `budget` on the clock of `watch`: CP-SAT deterministic
    work when the solve runs on a work clock (`Clock(work_limit)`, tests and reproducible
    runs), seconds of the wall clock otherwise (and without `watch`).

    With `stability_first`, changed days are minimised before the rest (lexicographic). With
    `kit_tiebreak` > 0, that share of the time is spent afterwards on using as few kits as
    possible without making the objective worse (helps the decomposition fit the pool).
    With `fewest_kits`, one search does the same lexicographically: among the plans of least
    penalty, the one with the fewest kit-days at home (kits are free to the planner's
    rules, but the parts share the pool; see `lexicographic`).
    With `watch`, searches stop on request and the main stage reports its incumbents as
    part `part_key`.
    """

    clock = watch.clock if watch is not None else WALL
    b = build(problem, kit_budget=kit_budget, kit_soft=kit_soft, hint=hint)
    solver = _solver(workers, seed, fix_hint)
    deadline = clock.now() + budget
    main_end = deadline - kit_tiebreak * budget
    lexi_optimal = True
    if stability_first and b.rules.get("stability"):
        code = _stability_stage(b, solver, watch, clock, main_end)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Part(_cp_status(code), [], 0, 0, {})
        lexi_optimal = code == cp_model.OPTIMAL
    objective_expr = b.objective_expr()
    scale = lexicographic(b, objective_expr, _kit_lits(problem, b) if fewest_kits else [])
    clock.limit(solver.parameters, max(0.05, main_end - clock.now()))
    status = _cp_status(_run(solver, b, watch, part_key, scale))
    if status in (Status.INFEASIBLE, Status.UNKNOWN):
        return Part(status, [], 0, 0, {})
    objective = int(round(solver.objective_value)) // scale
    bound = (
        objective
        if status is Status.OPTIMAL
        else math.ceil(solver.best_objective_bound - 1e-6) // scale
    )
    if bound >= objective and scale > 1:  # least penalty proven, fewest kits not yet
        status = Status.OPTIMAL
    if status is Status.OPTIMAL and not lexi_optimal:
        status = Status.FEASIBLE
    if fix_hint:  # a fixed plan proves nothing: penalties are >= 0
        status, bound = Status.FEASIBLE, 0
    part = _extract(b, solver, status, min(bound, objective))
    stopped = watch is not None and watch.stopped
    if kit_tiebreak > 0 and deadline - clock.now() > 0.05 and not stopped:
        part = _fewest_kits(problem, b, solver, clock, deadline, objective_expr, objective, part)
    return part


def lexicographic(
    b: Built, objective_expr: cp_model.LinearExprT, kits: list[cp_model.IntVar]
) -> int:
    """Minimise `objective_expr`, then (if given) the number of true `kits`, in one search:
    scale × objective + kits with scale = len(kits) + 1, so one penalty point always
    outweighs every kit. Returns the scale: penalty = value // scale, and a proven bound B
    of the scaled value gives the valid penalty bound B // scale (kits < scale)."""
    scale = len(kits) + 1
    expr = cast(cp_model.LinearExpr, objective_expr)
    b.model.minimize(scale * expr + cp_model.LinearExpr.sum(kits) if kits else expr)
    return scale


def _kit_lits(problem: Problem, b: Built) -> list[cp_model.IntVar]:
    """The literals "at home with a kit" of the model."""
    emps = problem.employees_by_id
    return [lits[HOME] for (eid, _), lits in b.x.items() if HOME in lits and emps[eid].needs_kit]


def _solver(workers: int, seed: int, fix_hint: bool) -> cp_model.CpSolver:
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
    return solver


def _run(
    solver: cp_model.CpSolver, b: Built, watch: Watch | None, part: object = None, scale: int = 1
) -> object:
    if watch is None:
        return solver.solve(b.model)
    return watch.run(solver, b.model, part, scale)


def _stability_stage(
    b: Built, solver: cp_model.CpSolver, watch: Watch | None, clock: Clock, main_end: float
) -> object:
    """First stage of `stability_first`: fewest changed days, then kept as a constraint (and
    the plan as hint) for the main stage. Returns CP-SAT's status code."""
    stab = b.rule_expr("stability")
    b.model.minimize(stab)
    clock.limit(solver.parameters, max(0.05, (main_end - clock.now()) / 2))
    code = _run(solver, b, watch)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        b.model.add(stab <= round(solver.objective_value))
        _hint_from(b, solver)
    return code


def _fewest_kits(
    problem: Problem,
    b: Built,
    solver: cp_model.CpSolver,
    clock: Clock,
    deadline: float,
    objective_expr: cp_model.LinearExprT,
    objective: int,
    part: Part,
) -> Part:
    """The `kit_tiebreak` stage: as few kits as possible without a worse `objective` than
    the main stage found (kit overflow included, unlike `part.objective`)."""
    kits = _kit_lits(problem, b)
    if not kits:
        return part
    _hint_from(b, solver)
    b.model.add(objective_expr <= objective)
    b.model.minimize(sum(kits))
    clock.limit(solver.parameters, max(0.05, deadline - clock.now()))
    code = solver.solve(b.model)
    clock.charge(solver)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _extract(b, solver, part.status, part.bound)
    return part


def _extract(b: Built, solver: cp_model.CpSolver, status: Status, bound: int) -> Part:
    assignments = [Assignment(eid, d, kind) for (eid, d), kind in b.base.items()]
    for (eid, d), lits in b.x.items():
        chosen = next(o for o, v in lits.items() if solver.boolean_value(v))
        assignments.append(assignment_of(eid, d, chosen))
    penalties = {r: int(solver.value(b.rule_expr(r))) for r in RULES}
    return Part(status, assignments, sum(penalties.values()), bound, penalties)


def _hint_from(b: Built, solver: cp_model.CpSolver) -> None:
    """Keep the incumbent as hint for the next stage of a lexicographic solve."""
    b.model.clear_hints()
    for lits in b.x.values():
        for v in lits.values():
            b.model.add_hint(v, solver.boolean_value(v))


def merge(old: Part, new: Part) -> Part:
    """Keep the better solution and the better bound of two attempts at one part."""
    if new.status is Status.UNKNOWN:
        return old
    if old.status is Status.UNKNOWN or new.objective <= old.objective:
        new.bound = max(new.bound, old.bound)
        return new
    old.bound = max(old.bound, new.bound)
    return old
