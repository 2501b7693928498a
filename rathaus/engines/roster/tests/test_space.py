"""Space planning: least desks for a hybrid policy, and the curve above it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.engines.roster import Plan, Problem, Status, check, plan_space
from rathaus.engines.roster.clock import Clock
from rathaus.engines.roster.desks import desk_lower_bound
from rathaus.engines.roster.generator import generate
from rathaus.engines.roster.progress import Watch
from rathaus.engines.roster.space import POOL, desk_sharing, min_seats
from rathaus.engines.roster.tests.helpers import emp, kits, room, week
from rathaus.engines.roster.tests.test_properties import problems


def _office(pool: int) -> Problem:
    people = tuple(emp(e, rooms=(f"r{e}",), working_weekdays=frozenset(range(5))) for e in "abcd")
    rooms = tuple(room(f"r{e}", cap=1, name=f"Raum {e}") for e in "abcd")
    return Problem(week(5), people, rooms, kits(pool))


def test_min_two_days_on_site_needs_two_desks_for_four() -> None:
    # 4 people x 2 office days = 8 desk-days in 5 days -> at least 2 desks.
    result = plan_space(_office(10), min_onsite_per_week=2, steps=3, work_limit=10)
    assert result.min_seats == 2 and result.proven and result.current_seats == 4
    assert [pt.seats for pt in result.points] == [2, 3, 4]
    assert all(pt.status in (Status.OPTIMAL, Status.FEASIBLE) for pt in result.points)
    assert result.points[0].peak_onsite == 2


def test_kit_pool_raises_the_minimum() -> None:
    # One kit: on each day at least 3 of 4 must have a desk.
    result = plan_space(_office(1), min_onsite_per_week=2, steps=1, work_limit=10)
    assert result.min_seats == 3


# --- the proof of the least number of desks (lower bound from `desks`) ---------------------


def _cp_sat_least(base: Problem, work: float = 5.0) -> tuple[int | None, bool]:
    """CP-SAT on its own (no bound, no hint) with deterministic work: (least peak, proven)."""
    with Watch(work, clock=Clock(work)) as watch:
        return min_seats(base, time_limit=work, workers=1, watch=watch)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from([None, 1, 2, 3]))
def test_the_desk_bound_never_exceeds_the_least_desks_cp_sat_proves(
    problem: Problem, min_onsite: int | None
) -> None:
    base = desk_sharing(problem, 1, min_onsite)
    bound = desk_lower_bound(base, POOL)
    least, proven = _cp_sat_least(base)
    if bound is None:  # the relaxation has no plan: then the rules have none either
        assert least is None
    elif least is not None and proven:
        assert bound.seats <= least


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from([1, 2]))
def test_a_proven_least_number_of_desks_is_the_cp_sat_optimum_and_its_plan_is_valid(
    problem: Problem, min_onsite: int
) -> None:
    result = plan_space(problem, min_onsite_per_week=min_onsite, steps=2, work_limit=4)
    if result.min_seats is None:
        assert result.explanation
        return
    base = desk_sharing(problem, result.min_seats, min_onsite)
    assert check(base, Plan(Status.FEASIBLE, result.least_plan)).ok
    assert result.lower_bound is not None and result.lower_bound <= result.min_seats
    if result.gap == 0:
        assert result.proven
    least, optimal = _cp_sat_least(base)
    if result.proven and optimal:
        assert result.min_seats == least
    # Every point of the curve has a plan (each starts from the least plan).
    assert all(pt.status in (Status.OPTIMAL, Status.FEASIBLE) for pt in result.points)


def test_the_town_hall_of_the_docs_needs_49_desks_proven() -> None:
    # docs/benchmarks-roster-municipal.md, "Space planning example": 200 staff, one week,
    # 80 kits, two office days a week. The relaxation says 49; a plan with 49 exists.
    town = generate(200, weeks=1, seed=1, pandemic=False, kit_share=0.4)
    base = desk_sharing(town, 200, 2)
    bound = desk_lower_bound(base, POOL)
    assert bound is not None and bound.seats == 49
    with Watch(10.0, clock=Clock(10.0)) as watch:
        least, proven = min_seats(
            base, time_limit=10.0, workers=1, watch=watch, lower_bound=49, hint=bound.hint
        )
    assert least == 49 and proven


def test_the_bound_sees_the_kit_shortage() -> None:
    # One kit for four kit users who must work every day: three are on site every day.
    bound = desk_lower_bound(desk_sharing(_office(1), 4, 0), POOL)
    assert bound is not None and bound.seats == 3
