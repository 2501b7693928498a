"""Space planning: least desks for a hybrid policy, and the curve above it."""

from __future__ import annotations

from rathaus.engines.roster import Problem, Status, plan_space
from rathaus.engines.roster.tests.helpers import emp, kits, room, week


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
