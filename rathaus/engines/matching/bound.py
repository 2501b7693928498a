"""An upper bound that sees the lenders' staffing floors: a linear program over org units.

The per-request bound (`solver._trivial_bound`) fills every request with its best eligible
helpers as if helpers and floors were not shared. When the floors bind, that bound stays far
above what any assignment can reach. Here the helpers are aggregated per org unit:

    g[r, u] ≥ 0   helpers of unit u on request r  (≤ eligible helpers of u for r)
    Σ_u g[r, u]                ≤ cap_r            (slots, eligible helpers, leads × team size)
    Σ_{r active in w} g[r, u]  ≤ cap_{u, w}       (the unit's lendable helpers in week w, and
                                                   never more than its helpers free that week)
    fit_r ≤ Σ_u best_fit[r, u] · g[r, u],   fit_r ≤ the sum of r's cap_r best fits
    peak ≥ scale_l · Σ_{u of lender l, r} length_r · g[r, u]   (the fairness term's burden)
    maximise Σ_r (coverage · Σ_u g[r, u] + fit_r) − fairness · peak

Every valid assignment gives a feasible point (count its helpers per unit and request; a
helper serves all weeks of its request and one request per week), so the optimum is an upper
bound for the unpruned problem (its fairness term is the LP's at that point or more). The LP has one column per
(request, unit) pair instead of per (request, helper): the benchmark's 5,000 × 300 solves
in one to two seconds (HiGHS' interior point method; GLOP's simplex takes about twice as
long, see docs/benchmarks.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from rathaus.engines.matching.model import Problem, Request
from rathaus.engines.matching.scales import burden_scales
from rathaus.engines.matching.tables import Tables

# GLOP works in floating point: allow for its tolerances (objective ~1e6), then round down
# to the integer objective no assignment can exceed.
SAFETY = 1e-6
# Tried in this order. HiGHS runs the interior point method with crossover (an optimal vertex,
# the same optimum as the simplex); its output stays off.
LP_SOLVERS = (("HIGHS_LP", "solver=ipm\noutput_flag=false"), ("GLOP", ""))


@dataclass(frozen=True)
class RequestColumns:
    """A request's cap and, per unit with eligible helpers, their count and best fit."""

    cap: int
    best_fits: int  # sum of the cap best fits among all eligible helpers
    units: np.ndarray  # unit numbers
    counts: np.ndarray  # eligible helpers per unit
    fits: np.ndarray  # best fit per unit


def request_cap(request: Request, tables: Tables, eligible: np.ndarray) -> int:
    cap = min(request.slots, int(eligible.sum()))
    if request.team_size and request.lead_skill:
        leads = int((eligible & tables.holding([request.lead_skill])).sum())
        cap = min(cap, leads * request.team_size)
    return max(cap, 0)


class UnitBound:
    """Builds and solves the aggregated LP (see the module docstring)."""

    def __init__(self, problem: Problem, tables: Tables):
        self.problem = problem
        self.tables = tables
        keys = sorted({(h.lender, h.unit) for h in problem.helpers})
        self.unit_no = {k: i for i, k in enumerate(keys)}
        self.units = keys
        self.unit_of = np.array(
            [self.unit_no[(h.lender, h.unit)] for h in problem.helpers], dtype=np.int64
        )
        self.columns = [self._columns(r) for r in problem.requests]
        # After `solve`: per request index, helpers per unit in the LP optimum (a guide for
        # the greedy start, `greedy.Plan`).
        self.plan: dict[int, dict[int, float]] = {}

    def _columns(self, request: Request) -> RequestColumns:
        eligible = self.tables.eligible(request)
        cap = request_cap(request, self.tables, eligible)
        fit = self.tables.fit(request)
        units = self.unit_of[eligible]
        counts = np.bincount(units, minlength=len(self.units))
        best = np.full(len(self.units), -1, dtype=np.int64)
        np.maximum.at(best, units, fit[eligible])
        present = np.flatnonzero(counts)
        top = int(np.sort(fit[eligible])[::-1][:cap].sum()) if cap else 0
        return RequestColumns(cap, top, present, counts[present], np.maximum(best[present], 0))

    def unit_week_caps(self) -> dict[tuple[int, int], int]:
        """Per (unit, week) that some request needs: lendable helpers, at most those free."""
        free = np.zeros((len(self.units), self.tables.free.shape[1]), dtype=np.int64)
        np.add.at(free, self.unit_of, self.tables.free)
        caps = {}
        for r, request in enumerate(self.problem.requests):
            for u in self.columns[r].units:
                lender, unit = self.units[u]
                for w in request.weeks:
                    if (u, w) not in caps:
                        limit = self.problem.lendable.get((lender, unit, w))
                        have = int(free[u, w - self.tables.lo])
                        caps[(u, w)] = have if limit is None else max(0, min(have, limit))
        return caps

    def solve(self, seconds: float | None = None) -> int | None:
        """The LP optimum (integer part, with room for tolerances), or None when no solver
        proves an optimum (within `seconds`, if given). HiGHS' interior point method with
        crossover first (about twice as fast as the simplex codes here), GLOP if HiGHS is
        missing from the OR-Tools build or gives no optimum."""
        for name, options in LP_SOLVERS:
            solver = pywraplp.Solver.CreateSolver(name)
            if solver is None:
                continue
            # OR-Tools' HiGHS wrapper answers False but hands the options to HiGHS (an
            # unknown option makes the solve fail): the return value says nothing here.
            solver.SetSolverSpecificParametersAsString(options)
            if seconds is not None:
                solver.SetTimeLimit(max(1, int(seconds * 1000)))
            value = self._solve_with(solver)
            if value is not None:
                return value
        return None

    def _solve_with(self, solver) -> int | None:
        coverage = self.problem.weights.coverage
        rows = {key: solver.Constraint(0, cap) for key, cap in self.unit_week_caps().items()}
        objective = solver.Objective()
        objective.SetMaximization()
        columns = {
            r: self._add_request(solver, objective, rows, request, self.columns[r], coverage)
            for r, request in enumerate(self.problem.requests)
        }
        self._add_fairness(solver, objective, columns)
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        self.plan = {
            r: {u: g.solution_value() for u, g in cols if g.solution_value() > 1e-6}
            for r, cols in columns.items()
        }
        value = objective.Value()
        return math.floor(value + SAFETY * max(1.0, abs(value)))

    def _add_fairness(self, solver, objective, columns: dict[int, list]) -> None:
        """peak ≥ each lender's helper-weeks × its burden scale; the objective pays for it."""
        scales = burden_scales(self.problem)
        peak = solver.NumVar(0, solver.infinity(), "peak")
        objective.SetCoefficient(peak, -self.problem.weights.fairness)
        burden = {}
        for lender in scales:
            burden[lender] = solver.Constraint(-solver.infinity(), 0)
            burden[lender].SetCoefficient(peak, -1)
        for r, cols in columns.items():
            length = self.problem.requests[r].length
            for u, g in cols:
                lender = self.units[u][0]
                burden[lender].SetCoefficient(g, float(length * scales[lender]))

    @staticmethod
    def _add_request(solver, objective, rows, request, col: RequestColumns, coverage) -> list:
        """The request's columns; returns (unit, variable) pairs."""
        if col.cap == 0:
            return []
        slots = solver.Constraint(0, col.cap)
        fit_room = solver.Constraint(0, solver.infinity())  # Σ best_fit·g − fit_r ≥ 0
        fit_r = solver.NumVar(0, col.best_fits, "")
        fit_room.SetCoefficient(fit_r, -1)
        objective.SetCoefficient(fit_r, 1)
        out = []
        for u, count, best in zip(col.units, col.counts, col.fits, strict=True):
            g = solver.NumVar(0, float(count), "")
            objective.SetCoefficient(g, coverage)
            slots.SetCoefficient(g, 1)
            fit_room.SetCoefficient(g, float(best))
            for w in request.weeks:
                rows[(int(u), w)].SetCoefficient(g, 1)
            out.append((int(u), g))
        return out


def unit_bound(problem: Problem, tables: Tables) -> int | None:
    """Upper bound on the objective of every valid assignment that sees the staffing
    floors; None when the LP could not be solved (use the per-request bound then)."""
    if not problem.requests or not problem.helpers:
        return 0
    return UnitBound(problem, tables).solve()
