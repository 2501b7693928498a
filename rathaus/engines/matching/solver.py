"""CP-SAT model over the pruned pairs, hinted with the greedy assignment."""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from rathaus.engines.matching.bound import UnitBound
from rathaus.engines.matching.candidates import Pair, pairs
from rathaus.engines.matching.explain import case_offers, shortfalls
from rathaus.engines.matching.greedy import Capacity, Plan, greedy
from rathaus.engines.matching.model import Match, Problem, Result
from rathaus.engines.matching.repair import repair
from rathaus.engines.matching.scales import burden_scales
from rathaus.engines.matching.tables import Tables

# Below this many seconds left for the search itself, CP-SAT is not started: the start stands.
MIN_SEARCH_SECONDS = 0.5
# Building the CP-SAT model in Python costs about 50 µs per candidate pair (0.65 s for the
# benchmark's 13,500 pairs on an idle core); reckoned twice that, so the budget holds.
BUILD_SECONDS_PER_PAIR = 1e-4
# The org-unit LP (bound and guided start) takes one to two seconds at 5,000 × 300; below
# this budget the greedy answer and the per-request bound must do. It may use at most
# LP_SHARE of the budget (a time limit; without an optimum it gives neither bound nor guide).
LP_MIN_SECONDS = 3.0
LP_SHARE = 0.6
# Kept back from the budget for the shortfall explanations and the case-exchange hints.
EXPLAIN_SHARE = 0.05


def _trivial_bound(problem: Problem, tables: Tables) -> int:
    """Every request filled by its best eligible helpers among ALL helpers (teams only as far
    as their eligible leads reach), no fairness cost, helpers and floors shared freely: no
    assignment beats it, pruned or not. (The linear relaxation of the whole model was tried
    too: on the benchmark it is within 0.3 % of this and takes 20 s; see docs/benchmarks.md.)"""
    coverage = problem.weights.coverage
    total = 0
    for request in problem.requests:
        eligible = tables.eligible(request)
        cap = min(request.slots, int(eligible.sum()))
        if request.team_size and request.lead_skill:
            leads = int((eligible & tables.holding([request.lead_skill])).sum())
            cap = min(cap, leads * request.team_size)
        if cap > 0:
            best = np.sort(tables.fit(request)[eligible])[::-1][:cap]
            total += cap * coverage + int(best.sum())
    return total


def _bound_and_start(
    problem: Problem, tables: Tables, start: list[Pair], use_lp: bool, seconds: float | None
) -> tuple[int, list[Pair]]:
    """The tighter of the per-request bound and the org-unit LP that sees the floors, and
    the better of `start` and a start guided by the LP's helpers per unit and request (the
    plain greedy drains the units of the best-fitting helpers early and leaves later
    requests at their floors)."""
    bound = _trivial_bound(problem, tables)
    if not use_lp or not problem.requests or not problem.helpers:
        return bound, start
    lp = UnitBound(problem, tables)
    value = lp.solve(seconds)
    if value is None:
        return bound, start
    guided = _start(problem, tables, lp.plan)
    if objective_of(problem, guided) > objective_of(problem, start):
        start = guided
    return min(bound, value), start


def objective_of(problem: Problem, chosen: list[Pair]) -> int:
    w = problem.weights
    scales = burden_scales(problem)
    load: dict[str, int] = defaultdict(int)
    for p in chosen:
        load[problem.helpers[p.helper].lender] += problem.requests[p.request].length
    peak = max((load[lender] * scales[lender] for lender in load), default=0)
    return sum(w.coverage + p.score for p in chosen) - w.fairness * peak


class _Model:
    def __init__(self, problem: Problem, candidates: list[Pair]):
        self.problem = problem
        self.pairs = candidates
        self.m = cp_model.CpModel()
        self.x = [self.m.new_bool_var(f"x{i}") for i in range(len(candidates))]
        self._requests()
        self._helpers_and_floor()
        self._objective()

    def _requests(self) -> None:
        by_request: dict[int, list[int]] = defaultdict(list)
        for i, p in enumerate(self.pairs):
            by_request[p.request].append(i)
        for r, idx in by_request.items():
            request = self.problem.requests[r]
            self.m.add(sum(self.x[i] for i in idx) <= request.slots)
            if request.team_size and request.lead_skill:
                leads = [
                    i
                    for i in idx
                    if request.lead_skill in self.problem.helpers[self.pairs[i].helper].skills
                ]
                self.m.add(
                    sum(self.x[i] for i in idx) <= request.team_size * sum(self.x[i] for i in leads)
                )

    def _helpers_and_floor(self) -> None:
        per_week: dict[tuple[int, int], list[int]] = defaultdict(list)
        per_unit: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for i, p in enumerate(self.pairs):
            helper = self.problem.helpers[p.helper]
            for w in self.problem.requests[p.request].weeks:
                per_week[(p.helper, w)].append(i)
                key = (helper.lender, helper.unit, w)
                if key in self.problem.lendable:
                    per_unit[key].append(i)
        for idx in per_week.values():
            if len(idx) > 1:
                self.m.add_at_most_one(self.x[i] for i in idx)
        for key, idx in per_unit.items():
            self.m.add(sum(self.x[i] for i in idx) <= self.problem.lendable[key])

    def _objective(self) -> None:
        w = self.problem.weights
        scales = burden_scales(self.problem)
        load: dict[str, list] = defaultdict(list)
        for i, p in enumerate(self.pairs):
            lender = self.problem.helpers[p.helper].lender
            load[lender].append(self.x[i] * self.problem.requests[p.request].length)
        top = sum(self.problem.requests[p.request].length for p in self.pairs) * 10 + 1
        peak = self.peak = self.m.new_int_var(0, top, "peak")
        for lender, terms in load.items():
            self.m.add(sum(terms) * scales[lender] <= peak)
        self.m.maximize(
            sum((w.coverage + p.score) * self.x[i] for i, p in enumerate(self.pairs))
            - w.fairness * peak
        )

    def hint(self, chosen: list[Pair]) -> None:
        """A complete hint (the peak too), so that CP-SAT starts from the greedy answer."""
        on = set(chosen)
        for i, p in enumerate(self.pairs):
            self.m.add_hint(self.x[i], p in on)
        scales = burden_scales(self.problem)
        load: dict[str, int] = defaultdict(int)
        for p in chosen:
            load[self.problem.helpers[p.helper].lender] += self.problem.requests[p.request].length
        self.m.add_hint(self.peak, max((v * scales[k] for k, v in load.items()), default=0))


def _start(problem: Problem, tables: Tables, plan: Plan | None = None) -> list[Pair]:
    """The greedy pass over all helpers, then one-move repairs of the places it left open."""
    chosen = greedy(problem, tables, plan)
    capacity = Capacity(problem, tables)
    for p in chosen:
        capacity.take(p.helper, problem.requests[p.request])
    return repair(problem, tables, capacity, chosen)


def _search(
    problem: Problem, candidates: list[Pair], start: list[Pair], limits: dict
) -> tuple[list[Pair], str]:
    """CP-SAT over the candidates, hinted with `start`; `start` again when it finds nothing
    better within its limit, or when the time left after building the model is too short."""
    model = _Model(problem, candidates)
    model.hint(start)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = limits["workers"]
    solver.parameters.random_seed = limits["seed"]
    if limits["work"] is not None:
        solver.parameters.max_deterministic_time = limits["work"]
    else:
        seconds = limits["deadline"] - time.perf_counter()
        if seconds < MIN_SEARCH_SECONDS:
            return start, "GREEDY"
        solver.parameters.max_time_in_seconds = seconds
    code = solver.solve(model.m)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = [p for i, p in enumerate(candidates) if solver.boolean_value(model.x[i])]
        if objective_of(problem, found) >= objective_of(problem, start):
            return found, "OPTIMAL" if code == cp_model.OPTIMAL else "FEASIBLE"
    return start, "GREEDY"


def _worth_searching(candidates: list[Pair], deadline: float, work_limit: float | None) -> bool:
    if not candidates:
        return False
    if work_limit is not None:
        return True
    building = BUILD_SECONDS_PER_PAIR * len(candidates)
    return deadline - time.perf_counter() >= building + MIN_SEARCH_SECONDS


def _since(started: float) -> float:
    return time.perf_counter() - started


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    work_limit: float | None = None,
    workers: int = 2,
    seed: int = 0,
) -> Result:
    """Best assignment found within the limit; never worse than the greedy one.

    `time_limit` is the whole budget in seconds (the greedy start and the explanations
    included; CP-SAT gets what is left, and is skipped when too little is). `work_limit`
    counts CP-SAT's deterministic time instead: the same input gives the same result on an
    idle or a loaded machine (tests use it with one worker)."""
    started = time.perf_counter()
    tables = Tables(problem)
    start = _start(problem, tables)
    use_lp = work_limit is not None or time_limit >= LP_MIN_SECONDS
    lp_seconds = None if work_limit is not None else LP_SHARE * time_limit - _since(started)
    bound, start = _bound_and_start(problem, tables, start, use_lp, lp_seconds)
    candidates = sorted(
        set(pairs(problem, tables)) | set(start), key=lambda p: (p.request, p.helper)
    )
    chosen, status = start, "GREEDY"
    # CP-SAT's own limit counts neither building the model nor the explanations afterwards.
    deadline = started + time_limit * (1 - EXPLAIN_SHARE)
    if _worth_searching(candidates, deadline, work_limit):
        limits = {"workers": workers, "seed": seed, "work": work_limit, "deadline": deadline}
        chosen, status = _search(problem, candidates, start, limits)
    chosen.sort(key=lambda p: (problem.requests[p.request].id, problem.helpers[p.helper].id))
    objective = objective_of(problem, chosen)
    offers = tuple(case_offers(problem, chosen, tables))
    return Result(
        status=status,
        matches=tuple(
            Match(problem.helpers[p.helper].id, problem.requests[p.request].id, p.score)
            for p in chosen
        ),
        shortfalls=tuple(shortfalls(problem, chosen, tables)),
        objective=objective,
        bound=max(objective, bound),
        candidates=len(candidates),
        wall_time=time.perf_counter() - started,
        case_offers=offers,
    )
