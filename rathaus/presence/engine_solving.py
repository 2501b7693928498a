"""Running the roster engine for a job: progress reports, cancel flag, decomposition.

CP-SAT runs in a helper thread; the caller's thread reports progress and polls the cancel
flag, so that database access stays in the caller's thread and connection.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from rathaus.engines.roster import model as m
from rathaus.engines.roster.checker import check
from rathaus.engines.roster.cpmodel import assignment_of, build
from rathaus.engines.roster.explain import explain_infeasible, precheck
from rathaus.engines.roster.solver import components, kit_use, subproblem
from rathaus.presence.engine_start_plan import greedy_plan

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

        solve_sub = functools.partial(
            _solve_part,
            sub,
            workers=workers,
            report=report,
            cancel=cancel,
            hint=hint_map,
            stability_first=stability_first,
        )
        part = solve_sub(time_limit=share)
        left = time_limit - (time.monotonic() - t0)
        if part.status is m.Status.UNKNOWN and left > 0.5:
            # No solution within this part's share (busy machine): give it more time.
            part = solve_sub(time_limit=min(left, max(share, left / 2)))
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
