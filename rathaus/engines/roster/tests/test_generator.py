"""Generator, greedy start plans and the decomposition on generated town halls."""

from __future__ import annotations

import pytest

from rathaus.engines.roster import Assignment, Kind, Status, check
from rathaus.engines.roster.decompose import batches, kit_use, split
from rathaus.engines.roster.generator import generate
from rathaus.engines.roster.greedy import greedy_plan, repair_kits
from rathaus.engines.roster.solver import solve


def test_generator_is_seeded_and_shaped_like_the_brief() -> None:
    a, b = generate(200, seed=3), generate(200, seed=3)
    assert a == b
    assert len(a.employees) == 200 and len(a.days) == 28
    assert a.kit_pool.available(a.days[0]) == 60
    assert a.kit_pool.available(a.days[-1]) == 80
    assert len(a.cohorts) == 2 and all(len(k.members) == 8 for k in a.cohorts)
    phone = [e for e in a.employees if e.equipment.value == "phone_only"]
    assert len(phone) == 20
    assert all(1 <= r.capacity <= 3 for r in a.rooms)


def test_greedy_start_plans_pass_the_checker() -> None:
    problem = generate(120, weeks=2, seed=5)
    for sub in split(problem, batches(problem, 1)):
        plan = greedy_plan(sub)
        assert plan is not None
        full = tuple(plan.values()) + tuple(
            Assignment(e.id, d, kind)
            for e in sub.employees
            for d in sub.days
            if (kind := sub.base_kind(e, d)) is not None and (e.id, d) not in plan
        )
        result = check(sub, full)
        assert result.ok, result.violations[:3]


def test_kit_repair_fits_the_pool() -> None:
    problem = generate(120, weeks=1, seed=2)
    # Start from "everyone who may is at home": far more kits than the pool holds.
    start = [
        Assignment(e.id, d, kind)
        if (kind := problem.base_kind(e, d)) is not None
        else Assignment(e.id, d, Kind.HOME)
        if e.home_office
        else Assignment(e.id, d, Kind.ON_SITE, room_id=e.rooms[0])
        for e in problem.employees
        if not e.shifts
        for d in problem.days
    ]
    assert any(n > problem.kit_pool.available(d) for d, n in kit_use(problem, start).items())
    repaired = repair_kits(problem, start)
    assert repaired is not None
    use = kit_use(problem, repaired)
    assert all(n <= problem.kit_pool.available(d) for d, n in use.items())


@pytest.mark.slow
def test_two_hundred_staff_plan_is_valid() -> None:
    problem = generate(200, seed=1)
    plan = solve(problem, work_limit=20)
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    result = check(problem, plan)
    assert result.ok and result.objective == plan.objective
    assert plan.bound is not None and plan.bound <= plan.objective
