"""The proven bound: never below what any valid assignment reaches, and it sees the floors."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model

from rathaus.engines.matching import Helper, Problem, Request, solve
from rathaus.engines.matching.bound import unit_bound
from rathaus.engines.matching.candidates import Pair, fit, refusal
from rathaus.engines.matching.solver import _Model, _trivial_bound
from rathaus.engines.matching.tables import Tables

from .test_matching import problems


def optimum(problem: Problem) -> int:
    """The best objective over ALL eligible pairs (scalar reference rules), proven by
    CP-SAT on these small instances."""
    every = [
        Pair(h, r, fit(problem, helper, request))
        for r, request in enumerate(problem.requests)
        for h, helper in enumerate(problem.helpers)
        if refusal(helper, request) == ""
    ]
    if not every:
        return 0
    model = _Model(problem, every)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 60.0
    assert solver.solve(model.m) == cp_model.OPTIMAL
    return round(solver.objective_value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_no_valid_assignment_beats_the_bound(problem):
    tables = Tables(problem)
    best = optimum(problem)
    floors = unit_bound(problem, tables)
    assert floors is not None and floors >= best
    assert floors <= _trivial_bound(problem, tables)  # never weaker
    assert solve(problem, work_limit=2.0, workers=1).bound >= best


def test_the_bound_sees_a_staffing_floor_that_the_per_request_bound_misses():
    helpers = tuple(
        Helper(
            id=f"h{i}",
            lender="a",
            unit="u",
            skills=frozenset({"ct"}),
            available_weeks=frozenset(range(4)),
            remote=True,
        )
        for i in range(4)
    )
    requests = tuple(
        Request(
            id=f"r{j}",
            requester="b",
            slots=2,
            first_week=0,
            last_week=1,
            required_skills=frozenset({"ct"}),
            remote=True,
        )
        for j in range(2)
    )
    problem = Problem(helpers, requests, lendable={("a", "u", 0): 1, ("a", "u", 1): 1})
    tables = Tables(problem)
    result = solve(problem, work_limit=2.0, workers=1)
    assert len(result.matches) == 1  # the floor lets one helper go
    assert _trivial_bound(problem, tables) >= 4 * 1000  # four places as if no floor
    # one place less its fairness cost: the bound proves the answer optimal
    assert result.bound == result.objective == optimum(problem) == 1000 - 2 * 2
