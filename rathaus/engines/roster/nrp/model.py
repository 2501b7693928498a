"""The CP-SAT model of an NRP instance (Curtois & Qu 2014) and the solver parameters we use.

Booleans x[e, d, s], a work literal per employee-day, short-block clauses for the
min-consecutive rules (blocks strictly inside the horizon only), sliding windows for
max-consecutive, a literal per weekend, and integer under/over slack per cover row. Shared by
the full solve (:mod:`.solver`) and the sub-problems of the LNS (:mod:`.lns`).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from rathaus.engines.roster.nrp.parser import NrpInstance

Rows = list[list[int]]  # per employee, per day: shift index, -1 = off


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
        """Employee ``e``'s hard rules, in a fixed order (it fixes the model)."""
        self._sequence_rules(e, sidx)
        self._total_rules(e)
        self._run_rules(e, w)
        self._weekend_rule(e, w)

    def _sequence_rules(self, e: int, sidx: dict[str, int]) -> None:
        """Shifts that may not follow the one of the day before."""
        inst, m, x = self.inst, self.model, self.x
        for d in range(inst.horizon - 1):
            for s, shift in enumerate(inst.shifts):
                for banned in shift.cannot_follow:
                    t = sidx[banned]
                    if (e, d, s) in x and (e, d + 1, t) in x:
                        m.add_bool_or([x[e, d, s].Not(), x[e, d + 1, t].Not()])

    def _total_rules(self, e: int) -> None:
        """Shifts per type and minutes over the horizon."""
        inst, m, x = self.inst, self.model, self.x
        staff, h = inst.staff[e], inst.horizon
        for s, shift in enumerate(inst.shifts):
            lits = [x[e, d, s] for d in range(h) if (e, d, s) in x]
            if len(lits) > staff.max_of(shift.id):
                m.add(sum(lits) <= staff.max_of(shift.id))
        minutes = sum(
            inst.shifts[s].minutes * x[e, d, s]
            for d in range(h)
            for s in range(len(inst.shifts))
            if (e, d, s) in x
        )
        m.add(minutes <= staff.max_total_minutes)
        m.add(minutes >= staff.min_total_minutes)

    def _run_rules(self, e: int, w: list[cp_model.IntVar]) -> None:
        """At most k shifts in a row; no short blocks bounded by the opposite state on both
        sides (shifts and days off)."""
        m = self.model
        staff, h = self.inst.staff[e], self.inst.horizon
        k = staff.max_consecutive_shifts
        for d in range(h - k):
            m.add(sum(w[d : d + k + 1]) <= k)
        for length in range(1, staff.min_consecutive_shifts):
            for d in range(1, h - length):
                block = [w[j].Not() for j in range(d, d + length)]
                m.add_bool_or([w[d - 1], *block, w[d + length]])
        for length in range(1, staff.min_consecutive_days_off):
            for d in range(1, h - length):
                block = list(w[d : d + length])
                m.add_bool_or([w[d - 1].Not(), *block, w[d + length].Not()])

    def _weekend_rule(self, e: int, w: list[cp_model.IntVar]) -> None:
        m, staff = self.model, self.inst.staff[e]
        weekend_lits = []
        for sat, sun in self.inst.weekends:
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
        self.objective = sum(terms)
        m.minimize(self.objective)

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

    def hint_rows(self, rows: Rows) -> None:
        """Start the search from ``rows`` (a complete roster)."""
        self.model.clear_hints()
        for (e, d, s), var in self.x.items():
            self.model.add_hint(var, rows[e][d] == s)

    def rows(self, values: list[int]) -> Rows:
        """Decode a full solution vector into rows of shift indexes."""
        rows = [[-1] * self.inst.horizon for _ in self.inst.staff]
        for (e, d, s), var in self.x.items():
            if values[var.index]:
                rows[e][d] = s
        return rows


def cp_solver(
    seed: int,
    workers: int = 1,
    time_limit: float | None = None,
    deterministic_limit: float | None = None,
    log: bool = False,
) -> cp_model.CpSolver:
    """A CP-SAT solver with a wall-clock and/or a deterministic limit (None: no such limit).

    A deterministic limit with one worker and a fixed seed gives the same answer on an idle
    and on a loaded machine; the wall-clock limit is for the benchmark and the CLI.
    """
    solver = cp_model.CpSolver()
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    if deterministic_limit is not None:
        solver.parameters.max_deterministic_time = deterministic_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    return solver
