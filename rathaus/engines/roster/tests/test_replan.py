"""Replanning from a date: the past stays, the quarantined cohort stays home, few changes."""

from __future__ import annotations

from datetime import timedelta

from rathaus.engines.roster import (
    Assignment,
    Cohort,
    Coverage,
    Kind,
    Plan,
    Problem,
    ShiftType,
    Status,
    replan,
)
from rathaus.engines.roster.checker import check
from rathaus.engines.roster.replan import replan_problem
from rathaus.engines.roster.tests.helpers import MON, emp, kits, room, week

EARLY = ShiftType("early", "Früh", 420, 810)
WED = MON + timedelta(days=2)


def test_quarantine_of_a_cohort_from_wednesday() -> None:
    days = week(5)
    people = (emp("a", shifts=frozenset({"early"})), emp("b", shifts=frozenset({"early"})))
    p = Problem(
        days,
        people,
        (),
        kits(5),
        shifts=(EARLY,),
        coverage=tuple(Coverage(d, "early", 1) for d in days),
        cohorts=(
            Cohort("A", "Schichtteam A", frozenset({"a"})),
            Cohort("B", "Schichtteam B", frozenset({"b"})),
        ),
    )
    # The planner's current plan: a does every early shift, b works from home.
    prev = Plan(
        Status.FEASIBLE,
        tuple(
            [Assignment("a", d, Kind.SHIFT, shift_id="early") for d in days]
            + [Assignment("b", d, Kind.HOME) for d in days]
        ),
    )
    assert check(p, prev).ok
    quarantine = {"a": [d for d in days if d >= WED]}
    plan = replan(p, prev, WED, quarantine, work_limit=5)
    assert plan.status is Status.OPTIMAL
    new_problem = replan_problem(p, prev, WED, quarantine)
    assert check(new_problem, plan).ok
    by, old = plan.by_key(), prev.by_key()
    for d in days:
        if d < WED:
            assert by[("a", d)] == old[("a", d)] and by[("b", d)] == old[("b", d)]
        else:
            assert by[("a", d)].kind is Kind.ABSENT
            assert by[("b", d)].shift_id == "early"
    # 3 forced (a absent) + 3 needed (b covers) = 6 changed days, weight 5 each.
    assert plan.penalty("stability") == 6 * 5


def test_replan_changes_only_what_is_needed() -> None:
    days = week(5)
    people = (emp("a", rooms=("r1",)), emp("b", rooms=("r1",)), emp("c", rooms=("r1",)))
    p = Problem(days, people, (room(cap=2),), kits(5))
    prev = Plan(
        Status.FEASIBLE,
        tuple(
            Assignment(e, d, Kind.ON_SITE, room_id="r1")
            if e != "c"
            else Assignment(e, d, Kind.HOME)
            for e in "abc"
            for d in days
        ),
    )
    plan = replan(p, prev, WED, {"a": [WED, WED + timedelta(days=1)]}, work_limit=5)
    assert plan.status is Status.OPTIMAL
    assert plan.penalty("stability") == 2 * 5  # only a's two absent days differ
    by, old = plan.by_key(), prev.by_key()
    assert all(by[("b", d)] == old[("b", d)] and by[("c", d)] == old[("c", d)] for d in days)
