"""A valid lower bound for an NRP instance by column generation (Lagrangian bound).

Every hard rule concerns one employee, so a roster is one feasible row ("column") per
employee plus the cover slack. The master LP (GLOP) picks a convex combination of known rows
per employee and pays under/over cover; its cover duals ``pi`` price the days and shifts, and
the pricing problem of each employee is an exact CP-SAT solve of that one row with the cost
``requests(row) - sum pi[d, row[d]]``. Whatever the duals, the Lagrangian function

    L(pi) = sum_ds pi_ds * requirement_ds + sum_e min_row (requests_e(row) - pi . row)

is a lower bound on the optimum as long as ``-weight_over <= pi_ds <= weight_under`` (we clip
the LP duals into that box, so GLOP's tolerances cannot make the bound invalid). The pricing
minimum is taken from CP-SAT's proven bound on integer-scaled costs, minus the worst rounding
error, so the bound holds even when a pricing solve stops early. It is the LP bound of the
set-partitioning model that the published branch-and-price methods use; it is usually close
to the optimum on these instances. The bound is rounded up (the penalty is an integer).

Pricing: CP-SAT per row (default), or ``pricer="dp"``: exact dynamic programming per row
(:mod:`.pricing`; relaxed optimum, one-label-per-key heuristic, Pareto labels), with CP-SAT
only for a row whose label count passes the cap. Both give the same optimum (hypothesis test);
the DP is not the default because under load 13-19 it did not converge faster (see
``docs/benchmarks-roster-nrp.md``).

Limits: a wall-clock ``deadline`` or, for tests, a number of ``iterations`` with
deterministic CP-SAT limits (then the result does not depend on the machine).
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from rathaus.engines.roster.nrp.lns import Evaluator
from rathaus.engines.roster.nrp.model import NrpModel, Rows, cp_solver
from rathaus.engines.roster.nrp.parser import NrpInstance
from rathaus.engines.roster.nrp.pricing import RowRules, price

_SCALE = 1000  # pricing costs are scaled to integers with this factor
_PRICING_DETERMINISTIC = 2.0  # deterministic seconds per pricing solve
_COLUMNS_PER_ROUND = 5  # rows per employee and round from the DP pricing

_Priced = tuple[list[list[int]], float, bool]  # (rows found, proven lower bound, optimal)


@dataclass
class BoundResult:
    bound: int  # proven lower bound on the optimal penalty (rounded up)
    lp: float  # last master LP value (an upper bound on the LP optimum, not a bound)
    iterations: int
    columns: int
    converged: bool  # no row with negative reduced cost was left: bound = LP optimum
    pool: list[list[list[int]]] = field(default_factory=list)  # rows per employee
    fallbacks: int = 0  # pricing calls the DP gave up on (solved by CP-SAT instead)


class _Pricing:
    """The single-row CP-SAT model of one employee; the objective changes per iteration."""

    def __init__(self, ev: Evaluator, e: int) -> None:
        inst = ev.inst
        sub = replace(
            inst,
            staff=(inst.staff[e],),
            days_off=tuple(x for x in inst.days_off if x[0] == inst.staff[e].id),
            on_requests=(),
            off_requests=(),
            cover=(),
        )
        self.nm = NrpModel(sub)
        self.nm.model.clear_objective()
        self.e = e
        self.ev = ev
        # Request cost per cell: off-request weight minus on-request weight (+ a constant).
        self.cell: dict[tuple[int, int], int] = {}
        for d, s, w in ev.off[e]:
            self.cell[d, s] = self.cell.get((d, s), 0) + w
        for d, s, w in ev.on[e]:
            self.cell[d, s] = self.cell.get((d, s), 0) - w
        self.const = sum(w for _d, _s, w in ev.on[e])
        self.last: list[int] | None = None

    def solve(
        self, pi: dict[tuple[int, int], float], seed: int, limit: float | None, det: float | None
    ) -> tuple[list[int] | None, float, bool]:
        """(the cheapest row found or None, a proven lower bound on the cheapest row's
        reduced cost without the convexity dual, proven optimal)."""
        terms = []
        for (_i, d, s), var in self.nm.x.items():
            c = self.cell.get((d, s), 0) - pi.get((d, s), 0.0)
            coef = round(c * _SCALE)
            if coef:
                terms.append(coef * var)
        self.nm.model.minimize(sum(terms))
        if self.last is not None:
            self.nm.hint_rows([self.last])
        solver = cp_solver(seed, time_limit=limit, deterministic_limit=det)
        status = solver.solve(self.nm.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # No row proven either way (time out): the only safe bound is the trivial one.
            trivial = sum(
                min(0.0, self.cell.get((d, s), 0) - pi.get((d, s), 0.0)) for (_i, d, s) in self.nm.x
            )
            return None, self.const + trivial, False
        scaled = solver.best_objective_bound
        # Each of at most h chosen cells was rounded by <= 0.5 / _SCALE.
        low = self.const + (scaled - 0.5 * self.ev.h) / _SCALE
        row = self.nm.rows(list(solver.response_proto.solution))[0]
        self.last = row
        return row, low, status == cp_model.OPTIMAL


class _DpPricing:
    """One employee's pricing by DP (:mod:`.pricing`); CP-SAT (:class:`_Pricing`) for a
    call the DP gives up on, or for every call when the DP cannot hold the rules."""

    def __init__(self, ev: Evaluator, e: int, columns: int) -> None:
        self.ev, self.e, self.columns = ev, e, columns
        self.rules = RowRules.of(ev.inst, e)
        self.cells = np.zeros((ev.h, ev.ns + 1))
        for d, s, w in ev.off[e]:
            self.cells[d, s] += w
        for d, s, w in ev.on[e]:
            self.cells[d, s] -= w
        self.const = sum(w for _d, _s, w in ev.on[e])
        self.fallback: _Pricing | None = None
        self.fell_back = False

    def solve(
        self,
        duals: np.ndarray,
        known: float,
        pi: dict[tuple[int, int], float],
        seed: int,
        limit: float | None,
        det: float | None,
    ) -> _Priced:
        """(rows cheaper than ``known``, a proven lower bound on the cheapest row's reduced
        cost, proven); ``known`` is the cheapest pooled row's reduced cost."""
        self.fell_back = False
        if self.rules is not None:
            cost = (self.cells - duals)[:, : self.ev.ns]
            target = known - self.const
            quick = price(self.rules, cost, target, self.columns, heuristic=True)
            if quick.rows:  # negative columns without a proof: the relaxed bound holds
                return [list(r) for r in quick.rows], self.const + quick.relaxed, False
            res = price(self.rules, cost, target, self.columns)
            if res.exact:
                return [list(r) for r in res.rows], self.const + res.value, True
        self.fell_back = True
        if self.fallback is None:
            self.fallback = _Pricing(self.ev, self.e)
        row, low, opt = self.fallback.solve(pi, seed, limit, det)
        return ([] if row is None else [row]), low, opt


class _Master:
    """The restricted master LP (GLOP): one convexity row per employee, one cover row per
    (day, shift) with under/over slack; columns are rows of shift indexes."""

    def __init__(self, ev: Evaluator) -> None:
        self.ev = ev
        self.lp = lp = pywraplp.Solver.CreateSolver("GLOP")
        self.convex = [lp.Constraint(1.0, 1.0) for _ in range(ev.n)]
        self.cover: dict[tuple[int, int], pywraplp.Constraint] = {}
        objective = lp.Objective()
        for (d, s), (req, wu, wo) in ev.cover.items():
            ct = lp.Constraint(float(req), float(req))
            self.cover[d, s] = ct
            under = lp.NumVar(0.0, float(req), "")
            over = lp.NumVar(0.0, lp.infinity(), "")
            ct.SetCoefficient(under, 1.0)
            ct.SetCoefficient(over, -1.0)
            objective.SetCoefficient(under, float(wu))
            objective.SetCoefficient(over, float(wo))
        objective.SetMinimization()
        self.pool: list[list[list[int]]] = [[] for _ in range(ev.n)]
        self.seen: list[set[tuple[int, ...]]] = [set() for _ in range(ev.n)]
        self.requests: list[list[int]] = [[] for _ in range(ev.n)]
        self._arrays: list[tuple[np.ndarray, np.ndarray] | None] = [None] * ev.n

    def add(self, e: int, row: list[int]) -> bool:
        key = tuple(row)
        if key in self.seen[e]:
            return False
        self.seen[e].add(key)
        self.pool[e].append(list(row))
        self.requests[e].append(self.ev.request_cost(e, list(row)))
        self._arrays[e] = None
        var = self.lp.NumVar(0.0, 1.0, "")
        self.lp.Objective().SetCoefficient(var, float(self.requests[e][-1]))
        self.convex[e].SetCoefficient(var, 1.0)
        for d, s in enumerate(row):
            if s >= 0 and (d, s) in self.cover:
                self.cover[d, s].SetCoefficient(var, 1.0)
        return True

    def cheapest(self, e: int, duals: np.ndarray) -> float:
        """The smallest reduced cost (convexity dual not subtracted) of ``e``'s pooled rows;
        ``duals[d, s]`` with a zero column for off (index -1)."""
        if not self.pool[e]:
            return math.inf
        if self._arrays[e] is None:
            self._arrays[e] = (np.array(self.pool[e]), np.array(self.requests[e], dtype=float))
        rows, requests = self._arrays[e]  # type: ignore[misc]
        days = np.arange(self.ev.h)
        return float((requests - duals[days, rows].sum(axis=1)).min())

    def solve(self) -> tuple[float, dict[tuple[int, int], float], list[float]] | None:
        """(LP value, cover duals clipped into the valid box, convexity duals) or None."""
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        pi = {}
        for (d, s), ct in self.cover.items():
            _req, wu, wo = self.ev.cover[d, s]
            pi[d, s] = min(float(wu), max(-float(wo), ct.dual_value()))
        mus = [ct.dual_value() for ct in self.convex]
        return self.lp.Objective().Value(), pi, mus


def lower_bound(
    inst: NrpInstance,
    rows: list[Rows],
    deadline: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    workers: int = 2,
    pricing_limit: float = _PRICING_DETERMINISTIC,
    pricer: str = "cpsat",
    columns: int = _COLUMNS_PER_ROUND,
) -> BoundResult:
    """Column generation from the rosters ``rows`` (each a complete roster, e.g. the start
    and the best found) until converged, the wall-clock ``deadline`` or ``iterations``.
    ``pricer="dp"``: exact dynamic programming per employee (:mod:`.pricing`, up to
    ``columns`` rows per employee and round), CP-SAT only for a row the DP gives up on;
    ``"cpsat"``: CP-SAT for every row. Without a deadline every CP-SAT pricing solve has the
    deterministic limit ``pricing_limit`` and they run in turn, so the result does not depend
    on the machine."""
    if deadline is None and iterations is None:
        raise ValueError("a bound needs a deadline or a number of iterations")
    ev = Evaluator(inst)
    master = _Master(ev)
    for roster in rows:
        for e, row in enumerate(roster):
            master.add(e, row)
    cpsat = [_Pricing(ev, e) for e in range(ev.n)] if pricer == "cpsat" else None
    dps = None if cpsat is not None else [_DpPricing(ev, e, columns) for e in range(ev.n)]
    best, value, it, converged, fallbacks = -math.inf, math.inf, 0, False, 0
    while (solved := master.solve()) is not None:
        value, pi, mus = solved
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            break
        det = pricing_limit if deadline is None else None
        if dps is not None:
            priced = _price_dp(dps, master, pi, mus, seed + it, deadline, det)
            if priced is None:  # the deadline passed in the middle of the round
                break
            fallbacks += sum(1 for p in dps if p.fell_back)
        else:
            assert cpsat is not None
            priced = _price_cpsat(cpsat, pi, seed + it, left, det, workers, deadline)
        # L(pi); each pricing term is a proven bound even when the solve was cut short.
        bound = sum(pi[k] * ev.cover[k][0] for k in pi) + sum(low for _r, low, _o in priced)
        best = max(best, bound)
        found = [
            (e, row)
            for e, (found_rows, _low, _opt) in enumerate(priced)
            for row in found_rows
            if _reduced_cost(ev, e, row, pi) - mus[e] < -1e-6
        ]
        # Columns are added only now: GLOP's duals are gone once the model changes.
        added = sum(master.add(e, row) for e, row in found)
        it += 1
        if not added:  # the same LP again would give the same duals
            converged = all(opt for _r, _l, opt in priced)
            break
        if iterations is not None and it >= iterations:
            break
    result = max(0, math.ceil(best - 1e-6)) if best > -math.inf else 0
    pool = master.pool
    return BoundResult(result, value, it, sum(len(p) for p in pool), converged, pool, fallbacks)


def _price_cpsat(
    pricers: list[_Pricing],
    pi: dict[tuple[int, int], float],
    seed: int,
    left: float | None,
    det: float | None,
    workers: int,
    deadline: float | None,
) -> list[_Priced]:
    jobs = [(p, pi, seed, left, det) for p in pricers]
    if workers > 1 and deadline is not None:
        with ThreadPoolExecutor(workers) as ex:
            out = list(ex.map(lambda a: a[0].solve(*a[1:]), jobs))
    else:
        out = [job[0].solve(*job[1:]) for job in jobs]
    return [([] if row is None else [row], low, opt) for row, low, opt in out]


def _price_dp(
    pricers: list[_DpPricing],
    master: _Master,
    pi: dict[tuple[int, int], float],
    mus: list[float],
    seed: int,
    deadline: float | None,
    det: float | None,
) -> list[_Priced] | None:
    """Every employee's cheapest rows by DP, pruned by the cheapest row already in the pool;
    None when the wall-clock ``deadline`` passes before every employee is priced."""
    ev = master.ev
    duals = np.zeros((ev.h, ev.ns + 1))  # the last column: off, no dual
    for (d, s), v in pi.items():
        duals[d, s] = v
    out: list[_Priced] = []
    for e, p in enumerate(pricers):
        if deadline is not None and time.monotonic() > deadline:
            return None
        known = master.cheapest(e, duals)
        left = None if deadline is None else deadline - time.monotonic()
        # Only rows below the convexity dual enter the LP; below the pool's cheapest row
        # none is missed either way.
        out.append(p.solve(duals, min(known, mus[e]), pi, seed, left, det))
    return out


def _reduced_cost(ev: Evaluator, e: int, row: list[int], pi: dict[tuple[int, int], float]) -> float:
    """A row's cost minus its cover duals (the convexity dual not subtracted)."""
    return ev.request_cost(e, row) - sum(pi.get((d, s), 0.0) for d, s in enumerate(row) if s >= 0)


def integer_master(
    ev: Evaluator,
    pool: list[list[list[int]]],
    incumbent: Rows,
    seed: int = 0,
    time_limit: float | None = None,
    deterministic_limit: float | None = None,
    workers: int = 1,
) -> Rows | None:
    """Price-and-branch: the best roster made of rows in ``pool`` (one per employee), by
    CP-SAT, hinted with ``incumbent`` (whose rows are added to the pool), or None."""
    m = cp_model.CpModel()
    choice: list[list[tuple[cp_model.IntVar, list[int]]]] = []
    terms: list[cp_model.LinearExprT] = []
    cells: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for e in range(ev.n):
        rows = {tuple(r): r for r in [*pool[e], incumbent[e]]}
        opts = []
        for key, row in rows.items():
            var = m.new_bool_var("")
            m.add_hint(var, list(key) == incumbent[e])
            opts.append((var, row))
            cost = ev.request_cost(e, row)
            if cost:
                terms.append(cost * var)
            for d, s in enumerate(row):
                if s >= 0:
                    cells.setdefault((d, s), []).append(var)
        m.add_exactly_one(v for v, _r in opts)
        choice.append(opts)
    for (d, s), (req, wu, wo) in ev.cover.items():
        assigned = sum(cells.get((d, s), []))
        under = m.new_int_var(0, req, "")
        over = m.new_int_var(0, ev.n, "")
        m.add(assigned - req == over - under)
        terms.append(wu * under + wo * over)
    m.minimize(sum(terms))
    solver = cp_solver(seed, workers, time_limit, deterministic_limit)
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [next(r for v, r in opts if solver.value(v)) for opts in choice]
