"""Batched parts solved component by component (`pieces`, the large-problem path): the bound
stays below the optimum, the plan keeps every rule and the stock. Small batches of the tiny
towns of `test_lagrange` stand in for the batches of 50 of a 5,000-staff town hall."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings

from rathaus.engines.roster import Problem, Status, check
from rathaus.engines.roster.clock import Clock
from rathaus.engines.roster.decompose import batches, components, kit_use, split
from rathaus.engines.roster.lagrange import price_kits
from rathaus.engines.roster.pieces import solve_pieces
from rathaus.engines.roster.progress import Watch
from rathaus.engines.roster.solver import REPAIR_ROUNDS_MIN, solve
from rathaus.engines.roster.tests.helpers import kits
from rathaus.engines.roster.tests.test_lagrange import _contested_town, _optimum, towns

BATCH = 4  # packs two teams of two (or a team of three alone) into one part


def _batched_bounds(problem: Problem) -> tuple[int, int]:
    """(relaxed bound, bound with kit prices) of the batched parts, piece by piece."""
    subs = split(problem, batches(problem, BATCH))
    clock = Clock(30.0)
    watch = Watch(30.0, clock=clock)
    relaxed = [solve_pieces(s, budget=2.0, seed=0, hint=None, watch=watch) for s in subs]
    dual = price_kits(
        problem, subs, relaxed, None, end=clock.now() + 4.0, workers=1, seed=0, watch=watch
    )
    return sum(p.bound for p in relaxed), dual.bound


def _assert_valid(problem: Problem, optimum: int, **kw: object) -> None:
    plan = solve(problem, batch_size=BATCH, **kw)  # type: ignore[arg-type]
    assert plan.lower_bound is not None and plan.objective is not None
    assert plan.lower_bound <= optimum <= plan.objective
    result = check(problem, plan)
    assert result.ok and result.objective == plan.objective, result.violations
    use = kit_use(problem, list(plan.assignments))
    assert all(n <= problem.kit_pool.available(d) for d, n in use.items())


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(towns())
def test_batched_parts_keep_bound_below_optimum_below_objective(problem: Problem) -> None:
    optimum = _optimum(problem)
    relaxed, priced = _batched_bounds(problem)
    assert relaxed <= priced <= optimum
    _assert_valid(problem, optimum, work_limit=4.0)
    _assert_valid(problem, optimum, work_limit=REPAIR_ROUNDS_MIN)


def test_a_batch_of_independent_teams_is_proven_piece_by_piece() -> None:
    # Three teams of three, kits for all (the pieces share no rule then): one part of two
    # teams at batch 6.
    problem = replace(_contested_town(), kit_pool=kits(9))
    sub = split(problem, batches(problem, 6))[0]
    assert len(components(sub)) == 2
    clock = Clock(30.0)
    part = solve_pieces(sub, budget=10.0, seed=0, hint=None, watch=Watch(30.0, clock=clock))
    whole = solve(sub, work_limit=20.0, decompose=False, explain=False)
    assert part.status is Status.OPTIMAL
    assert part.objective == part.bound == whole.objective
