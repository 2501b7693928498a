"""CP-SAT model for the NRP benchmark, plus a small large-neighbourhood search (LNS) loop.

The model follows Curtois & Qu (2014): booleans x[e, d, s], a work literal per employee-day,
short-block clauses for the min-consecutive rules (blocks strictly inside the horizon only),
sliding windows for max-consecutive, a literal per weekend, and integer under/over slack per
cover row. Plain CP-SAT proves the small instances quickly; on the larger ones it stalls with
two workers, so after a first phase we run our own LNS: fix most of the schedule to the
incumbent by narrowing variable domains in the proto and re-solve the rest.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rathaus.engines.roster.nrp.parser import Cover, NrpInstance


@dataclass(frozen=True)
class NrpSolution:
    assignment: dict[str, tuple[str | None, ...]]  # staff id -> shift id (or None) per day
    objective: int | None
    bound: int | None
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    wall_time: float


class NrpModel:
    """The CP-SAT model of one instance; keeps the variable handles the LNS needs."""

    def __init__(self, inst: NrpInstance, marginal_cover: bool = False) -> None:
        """``marginal_cover`` (one employee only): price cover by the row's marginal effect
        (requirement left -> -under weight, else +over weight) instead of slack variables;
        the objective then equals the penalty up to a constant."""
        self.inst = inst
        self.marginal_cover = marginal_cover and len(inst.staff) == 1
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self._build()

    def _build(self) -> None:
        inst, m = self.inst, self.model
        h = inst.horizon
        sidx = {s.id: i for i, s in enumerate(inst.shifts)}
        for e, staff in enumerate(inst.staff):
            off = inst.days_off_of(staff.id)
            for d in range(h):
                if d in off:
                    continue
                for s, shift in enumerate(inst.shifts):
                    if staff.max_of(shift.id) > 0:
                        self.x[e, d, s] = m.new_bool_var(f"x_{staff.id}_{d}_{shift.id}")
        self.work: dict[tuple[int, int], cp_model.IntVar] = {}
        for e, staff in enumerate(inst.staff):
            w = []
            for d in range(h):
                lits = [self.x[e, d, s] for s in range(len(inst.shifts)) if (e, d, s) in self.x]
                wd = m.new_bool_var(f"w_{staff.id}_{d}")
                m.add(wd == sum(lits))  # also enforces at most one shift per day
                self.work[e, d] = wd
                w.append(wd)
            self._staff_rules(e, w, sidx)
        self._objective()

    def _staff_rules(self, e: int, w: list[cp_model.IntVar], sidx: dict[str, int]) -> None:
        inst, m, x = self.inst, self.model, self.x
        staff, h, n_shift = inst.staff[e], inst.horizon, len(inst.shifts)
        for d in range(h - 1):
            for s, shift in enumerate(inst.shifts):
                for banned in shift.cannot_follow:
                    t = sidx[banned]
                    if (e, d, s) in x and (e, d + 1, t) in x:
                        m.add_bool_or([x[e, d, s].Not(), x[e, d + 1, t].Not()])
        for s, shift in enumerate(inst.shifts):
            lits = [x[e, d, s] for d in range(h) if (e, d, s) in x]
            if len(lits) > staff.max_of(shift.id):
                m.add(sum(lits) <= staff.max_of(shift.id))
        minutes = sum(
            inst.shifts[s].minutes * x[e, d, s]
            for d in range(h)
            for s in range(n_shift)
            if (e, d, s) in x
        )
        m.add(minutes <= staff.max_total_minutes)
        m.add(minutes >= staff.min_total_minutes)
        k = staff.max_consecutive_shifts
        for d in range(h - k):
            m.add(sum(w[d : d + k + 1]) <= k)
        # Forbid short blocks bounded by the opposite state on both sides.
        for length in range(1, staff.min_consecutive_shifts):
            for d in range(1, h - length):
                block = [w[j].Not() for j in range(d, d + length)]
                m.add_bool_or([w[d - 1], *block, w[d + length]])
        for length in range(1, staff.min_consecutive_days_off):
            for d in range(1, h - length):
                block = list(w[d : d + length])
                m.add_bool_or([w[d - 1].Not(), *block, w[d + length].Not()])
        weekend_lits = []
        for sat, sun in inst.weekends:
            we = m.new_bool_var(f"we_{staff.id}_{sat}")
            m.add_implication(w[sat], we)
            m.add_implication(w[sun], we)
            weekend_lits.append(we)
        if len(weekend_lits) > staff.max_weekends:
            m.add(sum(weekend_lits) <= staff.max_weekends)

    def _objective(self) -> None:
        inst, m, x = self.inst, self.model, self.x
        eidx = {s.id: i for i, s in enumerate(inst.staff)}
        sidx = {s.id: i for i, s in enumerate(inst.shifts)}
        terms: list[cp_model.LinearExprT] = []
        for r in inst.on_requests:
            key = (eidx[r.staff], r.day, sidx[r.shift])
            terms.append(r.weight * (1 - x[key]) if key in x else r.weight)
        for r in inst.off_requests:
            key = (eidx[r.staff], r.day, sidx[r.shift])
            if key in x:
                terms.append(r.weight * x[key])
        n = len(inst.staff)
        for c in inst.cover:
            s = sidx[c.shift]
            if self.marginal_cover:
                if (0, c.day, s) in x:
                    weight = -c.weight_under if c.requirement > 0 else c.weight_over
                    terms.append(weight * x[0, c.day, s])
                continue
            assigned = sum(x[e, c.day, s] for e in range(n) if (e, c.day, s) in x)
            under = m.new_int_var(0, c.requirement, f"under_{c.day}_{c.shift}")
            over = m.new_int_var(0, n, f"over_{c.day}_{c.shift}")
            # Under and over may both be positive in a non-optimal solution; `penalty` below
            # reports the tight value. (Forcing tightness with a literal per row searched worse.)
            m.add(assigned - c.requirement == over - under)
            terms.append(c.weight_under * under + c.weight_over * over)
        m.minimize(sum(terms))

    def penalty(self, values: list[int]) -> int:
        """The benchmark penalty of a solution vector, with under/over cover taken tight."""
        inst, x = self.inst, self.x
        eidx = {s.id: i for i, s in enumerate(inst.staff)}
        sidx = {s.id: i for i, s in enumerate(inst.shifts)}

        def val(key: tuple[int, int, int]) -> int:
            return values[x[key].index] if key in x else 0

        total = sum(
            r.weight * (1 - val((eidx[r.staff], r.day, sidx[r.shift]))) for r in inst.on_requests
        )
        total += sum(
            r.weight * val((eidx[r.staff], r.day, sidx[r.shift])) for r in inst.off_requests
        )
        for c in inst.cover:
            n = sum(val((e, c.day, sidx[c.shift])) for e in range(len(inst.staff)))
            total += (
                max(0, c.requirement - n) * c.weight_under
                + max(0, n - c.requirement) * c.weight_over
            )
        return total

    def hint(self, rows: dict[str, tuple[str | None, ...]]) -> None:
        self.model.clear_hints()
        for (e, d, s), var in self.x.items():
            row = rows.get(self.inst.staff[e].id)
            if row is not None:
                self.model.add_hint(var, row[d] == self.inst.shifts[s].id)

    def assignment(self, values: list[int]) -> dict[str, tuple[str | None, ...]]:
        """Decode a full solution vector (indexed by proto variable index)."""
        rows: dict[str, list[str | None]] = {
            s.id: [None] * self.inst.horizon for s in self.inst.staff
        }
        for (e, d, s), var in self.x.items():
            if values[var.index]:
                rows[self.inst.staff[e].id][d] = self.inst.shifts[s].id
        return {k: tuple(v) for k, v in rows.items()}


def construct(
    inst: NrpInstance, deadline: float, seed: int = 0
) -> dict[str, tuple[str | None, ...]] | None:
    """Sequential construction: optimise one employee's row at a time against the cover left.

    Every hard rule concerns a single employee, so any mix of individually feasible rows is
    a feasible roster; cover is soft. Each row sees the remaining requirement, so its
    under/over weights are exactly its marginal effect. Employees whose row was not found in
    time are missing from the result; None if the deadline passed first.
    """
    assigned = {(c.day, c.shift): 0 for c in inst.cover}
    rows: dict[str, tuple[str | None, ...]] = {}
    for done, staff in enumerate(inst.staff):
        cover = tuple(
            Cover(
                c.day,
                c.shift,
                max(0, c.requirement - assigned[c.day, c.shift]),
                c.weight_under,
                c.weight_over,
            )
            for c in inst.cover
        )
        sub = replace(
            inst,
            staff=(staff,),
            days_off=tuple(x for x in inst.days_off if x[0] == staff.id),
            on_requests=tuple(r for r in inst.on_requests if r.staff == staff.id),
            off_requests=tuple(r for r in inst.off_requests if r.staff == staff.id),
            cover=cover,
        )
        left = deadline - time.monotonic()
        if left <= 0.05:
            return None
        nm = NrpModel(sub)
        # Share what is left evenly; a row is accepted unproven (the LP bound is weak).
        solver = _params(min(1.0, max(0.3, left / (len(inst.staff) - done))), 1, seed)
        status = solver.solve(nm.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue  # no row found in time: leave this employee unhinted
        row = nm.assignment(list(solver.response_proto.solution))[staff.id]
        rows[staff.id] = row
        for d, shift in enumerate(row):
            if shift is not None and (d, shift) in assigned:
                assigned[d, shift] += 1
    return rows


def _params(time_limit: float, workers: int, seed: int, log: bool = False) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    return solver


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


def solve(
    inst: NrpInstance,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    lns: bool | None = None,
    log: bool = False,
    construct_start: bool = False,
) -> NrpSolution:
    """Solve an instance within ``time_limit`` seconds of wall time.

    Phase 1 is plain CP-SAT on the full model (it proves the small instances); when it stalls
    or its share of the time is used up, the remaining time goes to the LNS of
    :mod:`rathaus.engines.roster.nrp.lns` around its incumbent. On big models, or when phase 1
    finds nothing, the start comes from a sequential per-employee construction instead.
    ``lns=None`` means on; ``lns=False`` is plain CP-SAT for the whole limit.
    """
    from rathaus.engines.roster.nrp import lns as lns_mod

    start = time.monotonic()
    deadline = start + time_limit
    nm = NrpModel(inst)
    if lns is None:
        lns = True
    big = len(nm.x) > _CPSAT_FIRST
    rows: list[list[int]] | None = None
    bound = 0
    name = "UNKNOWN"
    if not lns or not big or construct_start:
        solver = _params(time_limit - (time.monotonic() - start), workers, seed, log)
        if lns:
            if construct_start:
                start_rows = _construct_rows(inst, start + 0.3 * time_limit, seed)
                if start_rows is not None:
                    _hint_rows(nm, start_rows)
            stall = _StallStop(max(3.0, 0.5 * time_limit))
            solver.parameters.max_time_in_seconds = max(0.05, _PHASE1 * time_limit)
            status = _solve_watching(solver, nm.model, stall)
        else:
            status = solver.solve(nm.model)
        name = solver.status_name(status)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = list(solver.response_proto.solution)
            rows = _rows_from_values(nm, values)
            bound = int(round(solver.best_objective_bound))
            if status == cp_model.OPTIMAL:
                bound = nm.penalty(values)
            if not lns or status == cp_model.OPTIMAL:
                best = nm.penalty(values)
                return NrpSolution(
                    nm.assignment(values), best, bound, name, time.monotonic() - start
                )
        elif status == cp_model.INFEASIBLE or not lns:
            return NrpSolution({}, None, None, name, time.monotonic() - start)
    nm.model.clear_hints()
    if rows is None:
        rows = _construct_rows(inst, deadline, seed, workers)
        if rows is None:
            return NrpSolution({}, None, None, "UNKNOWN", time.monotonic() - start)
    rows, best = lns_mod.lns(nm, rows, deadline, bound, max(1, workers), seed, log)
    name = "OPTIMAL" if best <= bound else "FEASIBLE"
    assignment = {
        staff.id: tuple(None if s < 0 else inst.shifts[s].id for s in rows[e])
        for e, staff in enumerate(inst.staff)
    }
    return NrpSolution(assignment, best, bound, name, time.monotonic() - start)


# Share of the time limit for plain CP-SAT before the LNS takes over, and the model size (x
# variables) from which phase 1 is skipped in favour of the construction. Measured at 10 s:
# plain CP-SAT is better on Instances 1-4 (<= 598 x variables; 1003 vs 1103 on Instance3),
# construction + LNS from Instance5 on (1454 vs 2544 on Instance5).
_PHASE1 = 0.7
_CPSAT_FIRST = 600


def _rows_from_values(nm: NrpModel, values: list[int]) -> list[list[int]]:
    rows = [[-1] * nm.inst.horizon for _ in nm.inst.staff]
    for (e, d, s), var in nm.x.items():
        if values[var.index]:
            rows[e][d] = s
    return rows


def _hint_rows(nm: NrpModel, rows: list[list[int]]) -> None:
    nm.model.clear_hints()
    for (e, d, s), var in nm.x.items():
        nm.model.add_hint(var, rows[e][d] == s)


def _construct_rows(
    inst: NrpInstance, deadline: float, seed: int, workers: int = 2
) -> list[list[int]] | None:
    """Sequential construction: solve each employee's row exactly against the cover left.

    Every hard rule concerns one employee, so individually feasible rows form a feasible
    roster; cover is soft, and each row sees the requirement the earlier rows left open.
    ``workers`` threads take employees in turn (CP-SAT releases the GIL while solving).
    """
    from rathaus.engines.roster.nrp import lns as lns_mod

    ev = lns_mod.Evaluator(inst)
    rows = [[-1] * inst.horizon for _ in inst.staff]
    order = list(range(len(inst.staff)))
    random.Random(seed).shuffle(order)
    lock = threading.Lock()
    failed: list[int] = []

    def work() -> None:
        while True:
            with lock:
                if failed or not order:
                    return
                e = order.pop()
                remaining = len(order) + 1
                snapshot = list(rows)
            left = deadline - time.monotonic()
            # A row is accepted unproven: the LNS polishes it later, the start only has to
            # exist. Escalate the limit for the few rows whose feasibility takes longer.
            share = max(0.02, min(0.1, 0.5 * max(1, workers) * left / remaining))
            new = None
            for limit in (share, 5 * share, left - 0.02):
                if min(limit, left - 0.02) <= 0.01:
                    break
                new, _opt = lns_mod.solve_rows(ev, snapshot, [e], min(limit, left - 0.02), seed)
                if new is not None:
                    break
            with lock:
                if new is None:
                    failed.append(e)
                else:
                    rows[e] = new[e]

    threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, workers) - 1)]
    for th in threads:
        th.start()
    work()
    for th in threads:
        th.join()
    return None if failed else rows


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


# Per-subproblem time limit: long enough for a few employees' rows to be solved to optimality.
_SUB_LIMIT = 1.0
NEIGHBOURHOODS = ("staff", "days", "block")


def _lns(
    nm: NrpModel,
    values: list[int],
    best: int,
    bound: int,
    deadline: float,
    workers: int,
    seed: int,
    log: bool = False,
) -> tuple[list[int], int]:
    """Relax staff subsets / day windows around the incumbent; keep non-worsening moves."""
    inst, proto = nm.inst, nm.model.proto
    rng = random.Random(seed)
    n, h = len(inst.staff), inst.horizon
    cells = [(e, d, var.index) for (e, d, _s), var in nm.x.items()]
    original = {idx: list(proto.variables[idx].domain) for _e, _d, idx in cells}
    per_cell = max(1.0, len(cells) / (n * h))  # x variables per employee-day
    # Target number of free x variables; subproblems of a few employees solve to optimality
    # in well under a second, larger ones mostly time out without improving.
    free = dict.fromkeys(NEIGHBOURHOODS, 3 * h * per_cell)
    iteration = 0
    while time.monotonic() < deadline - 0.1 and best > bound:
        iteration += 1
        kind = NEIGHBOURHOODS[iteration % len(NEIGHBOURHOODS)]
        cells_free = free[kind] / per_cell  # employee-days to relax
        if kind == "staff":
            k, width = round(cells_free / h), h
        elif kind == "days":
            k, width = n, round(cells_free / n)
        else:
            k = max(2, n // 3)
            width = round(cells_free / k)
        k, width = max(2, min(n, k)), max(2, min(h, width))
        free_staff = set(rng.sample(range(n), k))
        lo = rng.randrange(0, h - width + 1)
        for e, d, idx in cells:
            dom = proto.variables[idx].domain
            dom.clear()
            if e in free_staff and lo <= d < lo + width:
                dom.extend(original[idx])
            else:
                dom.extend([values[idx], values[idx]])
        nm.model.clear_hints()
        proto.solution_hint.vars.extend(range(len(values)))
        proto.solution_hint.values.extend(values)
        solver = _params(min(_SUB_LIMIT, deadline - time.monotonic()), workers, seed + iteration)
        status = solver.solve(nm.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = list(solver.response_proto.solution)
            if nm.penalty(candidate) <= best:
                best, values = nm.penalty(candidate), candidate
        if log:
            print(
                f"lns {iteration} {kind} {k}x{width} {solver.status_name(status)} {best}",
                file=sys.stderr,
            )
        # Grow a neighbourhood that was solved to optimality, shrink one that timed out.
        if status == cp_model.OPTIMAL:
            free[kind] = min(len(cells), free[kind] * 1.1)
        else:
            free[kind] = max(4 * per_cell, free[kind] * 0.7)
    for idx, dom in original.items():
        proto.variables[idx].domain.clear()
        proto.variables[idx].domain.extend(dom)
    nm.model.clear_hints()
    return values, best
