"""Solve an NRP benchmark instance; the answer is always a complete, checker-valid roster.

1. **Start roster** (:mod:`.construct`, plain Python, no clock): every employee gets a
   feasible row. A row the heuristic misses is solved exactly by CP-SAT under deterministic
   limits. This roster is the answer whenever nothing later beats it — whatever the time limit
   (0.01 s included) and however busy the machine. Only an employee whose hard rules cannot be
   met at all makes the result INFEASIBLE, with a note naming them.
2. **Small models** (≤ 600 x variables: Instances 1–4): column generation (:mod:`.bound`,
   up to 35 % of the limit) gives a proven lower bound and a pool of rows; the best roster
   made of those rows (price-and-branch, up to 50 %); then plain CP-SAT hinted with it and
   floored by the bound, so it stops as soon as it reaches the bound (Instances 2–4 are
   proven optimal this way). ``lns=False``: plain CP-SAT only, for the whole run. On bigger models
   instead the **exact construction**: every row rebuilt by CP-SAT against the cover the
   earlier rows left open (deterministic limit per row; until 60 % of the time limit, rows not
   reached keep their start row).
3. **LNS** (:mod:`.lns`) around the incumbent.
4. The independent checker re-validates the final roster; it replaces the start roster only
   when it is complete, valid and not dearer.

Limits: ``time_limit`` is wall-clock seconds for steps 2–3 (benchmark, CLI); step 1 always
runs to the end. With ``deterministic_limit`` (CP-SAT deterministic seconds for step 2) the
run ignores the wall clock: one worker, ``lns_iterations`` moves with deterministic
sub-problem limits — the same result on an idle and on a loaded machine (tests use this).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rathaus.engines.roster.nrp.bound import integer_master, lower_bound
from rathaus.engines.roster.nrp.checker import check
from rathaus.engines.roster.nrp.construct import construct
from rathaus.engines.roster.nrp.lns import Budget, Evaluator, solve_rows, sub_instance
from rathaus.engines.roster.nrp.lns import lns as run_lns
from rathaus.engines.roster.nrp.model import NrpModel, Rows, cp_solver
from rathaus.engines.roster.nrp.parser import NrpInstance

# Share of the time limit for plain CP-SAT before the LNS takes over, and the model size (x
# variables) from which it is skipped. Measured at 10 s: plain CP-SAT is better on
# Instances 1-4 (<= 598 x variables), construction + LNS from Instance5 on.
_PHASE1 = 0.7
_CPSAT_FIRST = 600
# Small models: share of the time limit for column generation (a proven bound and a pool of
# rows), then for the best roster made of those rows; plain CP-SAT follows, floored by the bound.
_COLUMNS_SHARE = 0.35
_MASTER_SHARE = 0.15
# Big models (wall clock only): LNS until this share of the limit, column generation seeded
# with its roster until the next, the best roster of generated rows until the third, then LNS.
# Only up to _COLUMNS_MAX employee-day-shift cells (Instances 5-7): on bigger models the
# column generation did not converge in time at 60 s and the LNS time it took was missed.
_COLUMNS_MAX = 2000
_LNS_FIRST = 0.4
_CG_UNTIL = 0.7
_MASTER_UNTIL = 0.85
# Column-generation iterations in deterministic mode.
_CG_ITERATIONS = 30
# Share of the time limit the exact construction may use on big models (the rest is LNS).
_CONSTRUCT_SHARE = 0.2
# Deterministic seconds per row of the exact construction.
_ROW_DETERMINISTIC = 0.1
# LNS moves in deterministic mode when the caller does not say.
DEFAULT_LNS_ITERATIONS = 100
# Deterministic limits (seconds) for a row the construction heuristic missed; the last
# attempt has no limit, so it ends with a row or a proof that there is none.
_ROW_LIMITS: tuple[float | None, ...] = (1.0, 10.0, None)


@dataclass(frozen=True)
class NrpSolution:
    assignment: dict[str, tuple[str | None, ...]]  # staff id -> shift id (or None) per day
    objective: int | None
    bound: int | None
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE
    wall_time: float
    note: str = ""  # why the answer is the start roster, or why there is none


def solve(
    inst: NrpInstance,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    lns: bool | None = None,
    log: bool = False,
    *,
    deterministic_limit: float | None = None,
    lns_iterations: int | None = None,
) -> NrpSolution:
    """Best roster found within the limits (see the module docstring).

    ``lns=None`` means on; ``lns=False`` is plain CP-SAT after the start roster.
    ``lns_iterations`` also caps the LNS in wall-clock mode.
    """
    begin = time.monotonic()
    deterministic = deterministic_limit is not None
    if deterministic:
        workers = 1  # parallel search depends on thread timing
    start, note = start_rows(inst, seed)
    if start is None:
        return NrpSolution({}, None, None, "INFEASIBLE", time.monotonic() - begin, note)
    ev = Evaluator(inst)
    rows, best, bound = start, ev.cost(start), 0
    nm = NrpModel(inst)
    use_lns = lns is not False
    small = len(nm.x) <= _CPSAT_FIRST
    if use_lns and small:
        cg_end = None if deterministic else begin + _COLUMNS_SHARE * time_limit
        ip_end = None if deterministic else begin + (_COLUMNS_SHARE + _MASTER_SHARE) * time_limit
        found, bound = _columns(
            inst, ev, [rows], rows, seed, workers, cg_end, ip_end, deterministic_limit
        )
        if found is not None and ev.cost(found) <= best:
            rows, best = found, ev.cost(found)
    if (not use_lns or small) and best > bound:
        if deterministic:
            found, cp_bound = _full_model(
                nm, rows, seed, 1, None, deterministic_limit, None, log, bound
            )
        else:
            share = _PHASE1 if use_lns else 1.0
            wall = share * time_limit - (time.monotonic() - begin)
            patience = max(3.0, 0.5 * time_limit) if use_lns else None
            found, cp_bound = _full_model(nm, rows, seed, workers, wall, None, patience, log, bound)
        bound = max(bound, cp_bound)
        if found is not None and ev.cost(found) <= best:
            rows, best = found, ev.cost(found)
    elif not small and best > bound:
        deadline = None if deterministic else begin + _CONSTRUCT_SHARE * time_limit
        found = exact_construction(inst, start, seed, deadline)
        if ev.cost(found) <= best:
            rows, best = found, ev.cost(found)
    if use_lns and best > bound:
        rows, best, bound = _improve(
            inst,
            ev,
            start,
            rows,
            bound,
            seed,
            workers,
            begin,
            time_limit,
            small,
            deterministic,
            lns_iterations,
            log,
        )
    return _answer(inst, start, rows, bound, note, time.monotonic() - begin)


def start_rows(inst: NrpInstance, seed: int = 0) -> tuple[Rows | None, str]:
    """A complete feasible roster (step 1), or None and the employee whose rules are
    unsatisfiable. Never looks at the clock."""
    rows = construct(inst, seed)
    missing = [e for e, row in enumerate(rows) if row is None]
    full = [[-1] * inst.horizon if row is None else row for row in rows]
    ev = Evaluator(inst)
    for e in missing:
        row = _exact_row(ev, full, e, seed)
        if row is None:
            return None, (
                f"{inst.staff[e].id}: no row meets this employee's hard rules "
                "(minutes, consecutive shifts / days off, weekends, days off, rotation)"
            )
        full[e] = row
    return full, ""


def exact_construction(inst: NrpInstance, start: Rows, seed: int, deadline: float | None) -> Rows:
    """Rebuild the roster one row at a time, each solved by CP-SAT (deterministic limit,
    hinted with its start row) against the cover the earlier rows left open. A row not
    found within its limit, or once the wall-clock ``deadline`` has passed, keeps its
    ``start`` row, so the result is always complete. One thread: two gave worse rows (each
    saw less of the others' cover) and were no faster on the shared machine.
    """
    ev = Evaluator(inst)
    built = [[-1] * inst.horizon for _ in inst.staff]
    order = list(range(len(inst.staff)))
    random.Random(seed).shuffle(order)
    for e in order:
        snapshot = list(built)
        snapshot[e] = start[e]  # the hint; the others' cover comes from the built rows
        row = _construction_row(ev, snapshot, e, seed, deadline)
        built[e] = start[e] if row is None else row
    return built


def _construction_row(
    ev: Evaluator, rows: Rows, e: int, seed: int, deadline: float | None
) -> list[int] | None:
    # Deterministic limits even in wall-clock mode: on a loaded machine short wall-clock
    # limits gave much worse rows; the deadline only decides how many rows get rebuilt.
    if deadline is not None and time.monotonic() > deadline:
        return None
    new, _opt, _det = solve_rows(ev, rows, [e], None, seed, deterministic_limit=_ROW_DETERMINISTIC)
    return None if new is None else new[e]


def _exact_row(ev: Evaluator, rows: Rows, e: int, seed: int) -> list[int] | None:
    """Employee ``e``'s best row against the others' cover, by CP-SAT (deterministic limits)."""
    nm = NrpModel(sub_instance(ev, rows, [e]), marginal_cover=True)
    for limit in _ROW_LIMITS:
        solver = cp_solver(seed, deterministic_limit=limit)
        status = solver.solve(nm.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return nm.rows(list(solver.response_proto.solution))[0]
        if status == cp_model.INFEASIBLE:
            return None
    return None


def _full_model(
    nm: NrpModel,
    start: Rows,
    seed: int,
    workers: int,
    wall: float | None,
    deterministic_limit: float | None,
    patience: float | None,
    log: bool,
    floor: int = 0,
) -> tuple[Rows | None, int]:
    """Plain CP-SAT on the whole model from ``start``: (its best roster or None, bound).
    With ``patience`` (wall seconds) it stops once it has not improved for that long.
    ``floor`` is a proven lower bound (column generation): the objective may not go below
    it, so CP-SAT stops as soon as it finds a roster that reaches it."""
    nm.hint_rows(start)
    if floor > 0:
        nm.model.add(nm.objective >= floor)
    solver = cp_solver(seed, workers, wall, deterministic_limit, log)
    if patience is not None:
        status = _solve_watching(solver, nm.model, _StallStop(patience))
    else:
        status = solver.solve(nm.model)
    nm.model.clear_hints()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, 0
    values = list(solver.response_proto.solution)
    if status == cp_model.OPTIMAL:
        return nm.rows(values), nm.penalty(values)
    return nm.rows(values), max(0, int(round(solver.best_objective_bound)))


def _improve(
    inst: NrpInstance,
    ev: Evaluator,
    start: Rows,
    rows: Rows,
    bound: int,
    seed: int,
    workers: int,
    begin: float,
    time_limit: float,
    small: bool,
    deterministic: bool,
    lns_iterations: int | None,
    log: bool,
) -> tuple[Rows, int, int]:
    """Step 3: the LNS (big models, wall clock: with column generation halfway)."""
    if deterministic:
        moves = DEFAULT_LNS_ITERATIONS if lns_iterations is None else lns_iterations
        rows, best = run_lns(inst, rows, Budget(iterations=moves), bound, 1, seed, log)
        return rows, best, bound
    if small or len(start) * inst.horizon * len(inst.shifts) > _COLUMNS_MAX:
        budget = Budget(deadline=begin + time_limit, iterations=lns_iterations)
        rows, best = run_lns(inst, rows, budget, bound, max(1, workers), seed, log)
        return rows, best, bound
    return _lns_and_columns(
        inst, ev, start, rows, bound, seed, workers, begin, time_limit, lns_iterations, log
    )


def _lns_and_columns(
    inst: NrpInstance,
    ev: Evaluator,
    start: Rows,
    rows: Rows,
    bound: int,
    seed: int,
    workers: int,
    begin: float,
    time_limit: float,
    lns_iterations: int | None,
    log: bool,
) -> tuple[Rows, int, int]:
    """Big models, wall clock: LNS, then column generation seeded with the LNS roster (a
    proven bound and a pool of rows) and the best roster made of those rows, then LNS again
    from the better of the two: (rows, penalty, bound)."""
    workers = max(1, workers)
    budget = Budget(deadline=begin + _LNS_FIRST * time_limit, iterations=lns_iterations)
    rows, best = run_lns(inst, rows, budget, bound, workers, seed, log)
    if best > bound:
        cg_end = begin + _CG_UNTIL * time_limit
        ip_end = begin + _MASTER_UNTIL * time_limit
        found, cg = _columns(inst, ev, [start, rows], rows, seed, workers, cg_end, ip_end, None)
        bound = max(bound, cg)
        if found is not None and ev.cost(found) <= best:
            rows, best = found, ev.cost(found)
    if best > bound:
        budget = Budget(deadline=begin + time_limit, iterations=lns_iterations)
        rows, best = run_lns(inst, rows, budget, bound, workers, seed + 7, log)
    return rows, best, bound


def _columns(
    inst: NrpInstance,
    ev: Evaluator,
    seeds: list[Rows],
    incumbent: Rows,
    seed: int,
    workers: int,
    cg_end: float | None,
    ip_end: float | None,
    deterministic_limit: float | None,
) -> tuple[Rows | None, int]:
    """Column generation from the rosters ``seeds`` (a proven bound), then the best roster
    made of the generated rows and ``incumbent``'s (price-and-branch): (that roster or None,
    bound). Wall-clock deadlines ``cg_end`` / ``ip_end``, or deterministic limits."""
    if deterministic_limit is not None:
        res = lower_bound(
            inst,
            seeds,
            iterations=_CG_ITERATIONS,
            seed=seed,
            workers=1,
            pricing_limit=deterministic_limit,
        )
    else:
        res = lower_bound(inst, seeds, deadline=cg_end, seed=seed, workers=workers)
    if res.bound >= ev.cost(incumbent):
        return None, res.bound
    if deterministic_limit is not None:
        found = integer_master(
            ev, res.pool, incumbent, seed, deterministic_limit=deterministic_limit
        )
    else:
        wall = (ip_end or 0.0) - time.monotonic()
        found = integer_master(ev, res.pool, incumbent, seed, time_limit=wall, workers=workers)
    return found, res.bound


def _answer(
    inst: NrpInstance, start: Rows, rows: Rows, bound: int, note: str, wall: float
) -> NrpSolution:
    """The improved roster if the checker accepts it and it is not dearer, else the start."""
    fallback = _schedule(inst, start)
    fallback_report = check(inst, fallback)
    schedule, report = _schedule(inst, rows), None
    if rows is not start:
        report = check(inst, schedule)
    if report is None or not report.ok or report.penalty > fallback_report.penalty:
        schedule, report = fallback, fallback_report
        note = note or "start roster: the search did not improve on it in the time given"
    status = "OPTIMAL" if report.penalty <= bound else "FEASIBLE"
    return NrpSolution(schedule, report.penalty, bound, status, wall, note)


def _schedule(inst: NrpInstance, rows: Rows) -> dict[str, tuple[str | None, ...]]:
    return {
        staff.id: tuple(None if s < 0 else inst.shifts[s].id for s in rows[e])
        for e, staff in enumerate(inst.staff)
    }


class _StallStop(cp_model.CpSolverSolutionCallback):
    """Tells when plain CP-SAT has not improved for ``patience`` seconds (after a first solution)."""

    def __init__(self, patience: float) -> None:
        super().__init__()
        self.patience = patience
        self.last: float | None = None

    def on_solution_callback(self) -> None:
        self.last = time.monotonic()

    def stalled(self) -> bool:
        return self.last is not None and time.monotonic() - self.last > self.patience


def _solve_watching(
    solver: cp_model.CpSolver, model: cp_model.CpModel, stall: _StallStop
) -> cp_model.CpSolverStatus:
    """Run ``solver.solve`` in a thread and poll the stall detector from here."""
    result: list[cp_model.CpSolverStatus] = []
    thread = threading.Thread(target=lambda: result.append(solver.solve(model, stall)))
    thread.start()
    while thread.is_alive():
        thread.join(0.2)
        if stall.stalled():
            solver.stop_search()
    return result[0]
