"""Pricing by dynamic programming against CP-SAT pricing (deterministic limits only)."""

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.engines.roster.nrp.bound import _Pricing, lower_bound
from rathaus.engines.roster.nrp.checker import check
from rathaus.engines.roster.nrp.lns import Evaluator
from rathaus.engines.roster.nrp.parser import NrpInstance
from rathaus.engines.roster.nrp.pricing import RowRules, price
from rathaus.engines.roster.nrp.solver import solve, start_rows
from rathaus.engines.roster.nrp.tests.strategies import planted_instances
from rathaus.engines.roster.nrp.tests.test_solver import PROVE, _instance

_EXACT = 10**7  # labels: enough for every small instance, so the DP never gives up


def _row_alone(inst: NrpInstance, e: int) -> NrpInstance:
    """Employee ``e`` with their hard rules only (no requests, no cover)."""
    sid = inst.staff[e].id
    return replace(
        inst,
        staff=(inst.staff[e],),
        days_off=tuple(x for x in inst.days_off if x[0] == sid),
        on_requests=(),
        off_requests=(),
        cover=(),
    )


@st.composite
def priced_rows(draw):
    inst = draw(planted_instances())
    e = draw(st.integers(0, len(inst.staff) - 1))
    alone = _row_alone(inst, e)
    cells = [[draw(st.integers(-20, 20)) for _ in alone.shifts] for _ in range(alone.horizon)]
    return alone, np.array(cells, dtype=float).reshape(alone.horizon, len(alone.shifts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(priced_rows())
def test_dp_pricing_finds_the_cpsat_optimum_and_a_row_the_checker_accepts(case):
    inst, cost = case
    rules = RowRules.of(inst, 0)
    assert rules is not None
    res = price(rules, cost, max_labels=_EXACT)
    assert res.exact and res.rows
    # CP-SAT on the same single-row model: cost = -dual, so min sum(cell - pi) = min cost.
    pi = {(d, s): -float(cost[d, s]) for d in range(inst.horizon) for s in range(len(inst.shifts))}
    row, low, optimal = _Pricing(Evaluator(inst), 0).solve(pi, 0, None, PROVE)
    assert optimal and row is not None
    cpsat = sum(cost[d, s] for d, s in enumerate(row) if s >= 0)
    assert abs(res.value - cpsat) < 1e-6
    assert low <= res.value + 1e-6
    dp_row = res.rows[0]
    assert abs(sum(cost[d, s] for d, s in enumerate(dp_row) if s >= 0) - res.value) < 1e-6
    schedule = {inst.staff[0].id: [None if s < 0 else inst.shifts[s].id for s in dp_row]}
    report = check(inst, schedule)
    assert report.ok, report.violations


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(priced_rows(), st.integers(-40, 40))
def test_dp_pricing_returns_only_rows_below_the_bound_and_proves_the_rest(case, bound):
    inst, cost = case
    rules = RowRules.of(inst, 0)
    assert rules is not None
    full = price(rules, cost, max_labels=_EXACT)
    capped = price(rules, cost, bound=float(bound), columns=3, max_labels=_EXACT)
    assert capped.exact
    assert capped.value <= full.value + 1e-6  # a valid lower bound
    for row in capped.rows:
        assert sum(cost[d, s] for d, s in enumerate(row) if s >= 0) < bound
    assert bool(capped.rows) == (full.value < bound - 1e-6)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted_instances())
def test_the_dp_bound_never_exceeds_the_proven_optimum(inst):
    optimum = solve(inst, lns=False, deterministic_limit=PROVE).objective
    rows, _note = start_rows(inst)
    assert rows is not None and optimum is not None
    res = lower_bound(inst, [rows], iterations=50, workers=1, pricer="dp")
    assert 0 <= res.bound <= optimum


def test_instance2_dp_bound_reaches_the_optimum():
    inst = _instance(2)
    rows, _note = start_rows(inst)
    assert rows is not None
    res = lower_bound(inst, [rows], iterations=60, workers=1, pricer="dp")
    assert res.converged and res.bound == 828
