"""One small instance per soft rule; optimum and penalty known by reasoning."""

from __future__ import annotations

from datetime import timedelta

from rathaus.engines.roster import (
    Assignment,
    Equipment,
    History,
    Kind,
    Problem,
    Status,
    TeamDay,
    Weights,
    Wish,
    WishKind,
)
from rathaus.engines.roster.tests.helpers import MON, emp, kits, room, solved, week


def test_no_go_office_day_is_weighed_against_min_onsite() -> None:
    nogo = Wish(MON, WishKind.NO_OFFICE, 3)
    p = Problem(
        week(1),
        (emp("a", rooms=("r1",), min_onsite_per_week=1, wishes=(nogo,)),),
        (room(),),
        kits(1),
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL
    assert plan.objective == 3 and plan.penalty("wishes") == 3


def test_prefer_home_is_granted_when_possible() -> None:
    home = Wish(MON, WishKind.PREFER_HOME, 2)
    p = Problem(week(1), (emp("a", rooms=("r1",), wishes=(home,)),), (room(),), kits(1))
    plan = solved(p)
    assert plan.objective == 0 and plan.assignments[0].kind is Kind.HOME


def test_team_day_with_single_occupancy() -> None:
    # Two colleagues, one seat: on the team day one of them stays home (weight 2 x 1).
    p = Problem(
        week(1),
        (emp("a", rooms=("r1",)), emp("b", rooms=("r1",))),
        (room(),),
        kits(5),
        team_days=(TeamDay("T", weekday=MON.weekday()),),
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL and plan.penalty("team_days") == 2


def test_team_day_met_when_seats_allow() -> None:
    p = Problem(
        week(1),
        (emp("a", rooms=("r1",)), emp("b", rooms=("r1",))),
        (room(cap=2),),
        kits(5),
        team_days=(TeamDay("T", day=MON, weight=3),),
    )
    plan = solved(p)
    assert plan.objective == 0
    assert all(a.kind is Kind.ON_SITE for a in plan.assignments)


def test_stability_keeps_previous_day_against_a_light_wish() -> None:
    office = Wish(MON, WishKind.PREFER_OFFICE, 1)
    prev = (Assignment("a", MON, Kind.HOME),)
    p = Problem(
        week(1),
        (emp("a", rooms=("r1",), wishes=(office,)),),
        (room(),),
        kits(1),
        previous_plan=prev,
        weights=Weights(stability=5),
    )
    plan = solved(p)
    assert plan.objective == 1 and plan.assignments[0].kind is Kind.HOME
    free = Problem(
        week(1), p.employees, p.rooms, p.kit_pool, previous_plan=prev, weights=Weights(stability=0)
    )
    plan = solved(free)
    assert plan.objective == 0 and plan.assignments[0].kind is Kind.ON_SITE


def test_fairness_carries_history_forward() -> None:
    # a had 10 home days before, b none; one seat, two days: one of them is home each day.
    # S_W = 24, S_H = 12, fair share 6 each. b home twice: |24*10-144|/24 = 4 for both
    # -> 8 days x weight 10 = 80 (a home twice would cost 120, once each 100).
    p = Problem(
        week(2),
        (emp("a", rooms=("r1",)), emp("b", rooms=("r1",))),
        (room(),),
        kits(5),
        history=(History("a", 10, 0), History("b", 0, 10)),
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL and plan.objective == 80
    by = plan.by_key()
    assert all(by[("b", d)].kind is Kind.HOME for d in week(2))


def test_fairness_rotates_single_office() -> None:
    # Without history, four days and one seat: two home days each is perfectly fair.
    p = Problem(week(4), (emp("a", rooms=("r1",)), emp("b", rooms=("r1",))), (room(),), kits(5))
    plan = solved(p)
    assert plan.objective == 0
    homes = [
        sum(1 for a in plan.assignments if a.employee_id == e and a.kind is Kind.HOME) for e in "ab"
    ]
    assert homes == [2, 2]


def test_phone_only_staff_count_for_fairness_but_not_for_kits() -> None:
    p = Problem(
        week(2),
        (emp("a", rooms=("r1",)), emp("b", rooms=("r1",), equipment=Equipment.PHONE_ONLY)),
        (room(),),
        kits(0),
    )
    plan = solved(p)
    # No kit: a can never be home, so b is home both days; shares 0 vs 1 -> 1 day each.
    assert plan.objective == 20
    assert all(a.kind is Kind.HOME for a in plan.assignments if a.employee_id == "b")
    assert MON + timedelta(days=1) in {a.day for a in plan.assignments}
