"""The column-generation lower bound and price-and-branch (deterministic limits only)."""

from hypothesis import HealthCheck, given, settings

from rathaus.engines.roster.nrp.bound import integer_master, lower_bound
from rathaus.engines.roster.nrp.checker import check
from rathaus.engines.roster.nrp.lns import Evaluator
from rathaus.engines.roster.nrp.parser import parse_text
from rathaus.engines.roster.nrp.solver import solve, start_rows
from rathaus.engines.roster.nrp.tests.test_solver import PROVE, _instance, small_instances


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_the_bound_never_exceeds_the_proven_optimum(text):
    inst = parse_text(text)
    optimum = solve(inst, lns=False, deterministic_limit=PROVE).objective
    rows, _note = start_rows(inst)
    assert rows is not None and optimum is not None
    res = lower_bound(inst, [rows], iterations=50, workers=1)
    assert 0 <= res.bound <= optimum
    # The best roster made of generated rows is a real roster, never cheaper than the optimum.
    ev = Evaluator(inst)
    found = integer_master(ev, res.pool, rows, deterministic_limit=PROVE)
    assert found is not None and optimum <= ev.cost(found) <= ev.cost(rows)


def test_instance2_is_proven_optimal_by_the_bound():
    # Best-known 828 is a proven optimum; the set-partitioning LP bound reaches it, so the
    # solver can say OPTIMAL (plain CP-SAT's own bound stayed near 209).
    inst = _instance(2)
    sol = solve(inst, deterministic_limit=5.0, lns_iterations=0)
    report = check(inst, sol.assignment)
    assert report.ok, report.violations
    assert (sol.status, sol.objective, sol.bound, report.penalty) == ("OPTIMAL", 828, 828, 828)


def test_instance1_bound_is_below_the_optimum_and_far_above_zero():
    inst = _instance(1)
    rows, _note = start_rows(inst)
    assert rows is not None
    res = lower_bound(inst, [rows], iterations=50, workers=1)
    assert res.converged
    assert 500 < res.bound <= 607
