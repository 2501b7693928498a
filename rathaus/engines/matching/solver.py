"""CP-SAT model over the pruned pairs, hinted with the greedy assignment."""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from rathaus.engines.matching.candidates import Pair, pairs
from rathaus.engines.matching.explain import shortfalls
from rathaus.engines.matching.greedy import greedy
from rathaus.engines.matching.model import Match, Problem, Result


def _scales(problem: Problem) -> dict[str, int]:
    """Burden multiplier per lender: the largest lender counts 1, smaller ones more (relative
    to size), clamped to 1..10 so that one more covered slot always outweighs the fairness
    penalty it adds (13 weeks × 10 × weight 2 < 1000)."""
    sizes = {h.lender: problem.lender_size.get(h.lender, 0) for h in problem.helpers}
    largest = max(sizes.values(), default=0) or 1
    return {
        lender: min(10, max(1, round(largest / size))) if size > 0 else 1
        for lender, size in sizes.items()
    }


def _trivial_bound(problem: Problem, candidates: list[Pair]) -> int:
    """Every request filled by its best candidates (teams only as far as their lead
    candidates reach), no fairness cost: no result beats it."""
    by_request: dict[int, list[int]] = defaultdict(list)
    leads: dict[int, int] = defaultdict(int)
    for p in candidates:
        by_request[p.request].append(problem.weights.coverage + p.score)
        request = problem.requests[p.request]
        if request.lead_skill and request.lead_skill in problem.helpers[p.helper].skills:
            leads[p.request] += 1
    total = 0
    for r, scores in by_request.items():
        request = problem.requests[r]
        cap = request.slots
        if request.team_size and request.lead_skill:
            cap = min(cap, leads[r] * request.team_size)
        total += sum(sorted(scores, reverse=True)[:cap])
    return total


def objective_of(problem: Problem, chosen: list[Pair]) -> int:
    w = problem.weights
    scales = _scales(problem)
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
        scales = _scales(self.problem)
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
        scales = _scales(self.problem)
        load: dict[str, int] = defaultdict(int)
        for p in chosen:
            load[self.problem.helpers[p.helper].lender] += self.problem.requests[p.request].length
        self.m.add_hint(self.peak, max((v * scales[k] for k, v in load.items()), default=0))


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    work_limit: float | None = None,
    workers: int = 2,
    seed: int = 0,
) -> Result:
    """Best assignment found within the limit; never worse than the greedy one.

    `work_limit` counts CP-SAT's deterministic time instead of seconds: the same input gives
    the same result on an idle or a loaded machine (tests use it with one worker)."""
    started = time.perf_counter()
    candidates = pairs(problem)
    start = greedy(problem, candidates)
    start_value = objective_of(problem, start)
    chosen, status, bound = start, "GREEDY", start_value
    if candidates:
        model = _Model(problem, candidates)
        model.hint(start)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        if work_limit is not None:
            solver.parameters.max_deterministic_time = work_limit
        else:
            solver.parameters.max_time_in_seconds = time_limit
        code = solver.solve(model.m)
        bound = max(start_value, _trivial_bound(problem, candidates))
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = min(bound, int(solver.best_objective_bound))
            found = [p for i, p in enumerate(candidates) if solver.boolean_value(model.x[i])]
            if objective_of(problem, found) >= start_value:
                chosen = found
                status = "OPTIMAL" if code == cp_model.OPTIMAL else "FEASIBLE"
    chosen.sort(key=lambda p: (problem.requests[p.request].id, problem.helpers[p.helper].id))
    return Result(
        status=status,
        matches=tuple(
            Match(problem.helpers[p.helper].id, problem.requests[p.request].id, p.score)
            for p in chosen
        ),
        shortfalls=tuple(shortfalls(problem, chosen)),
        objective=objective_of(problem, chosen),
        bound=max(bound, objective_of(problem, chosen)),
        candidates=len(candidates),
        wall_time=time.perf_counter() - started,
    )
