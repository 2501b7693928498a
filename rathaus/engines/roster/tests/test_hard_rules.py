"""One small instance per hard rule, with the optimum known by reasoning."""

from __future__ import annotations

from datetime import timedelta

from rathaus.engines.roster import (
    Cohort,
    CohortSeparation,
    Coverage,
    Equipment,
    Kind,
    KitPool,
    Problem,
    ShiftType,
    Status,
    Wish,
    WishKind,
)
from rathaus.engines.roster.tests.helpers import MON, emp, kits, room, solved, week

EARLY = ShiftType("early", "Früh", 7 * 60, 13 * 60 + 30)
LATE = ShiftType("late", "Spät", 13 * 60, 20 * 60 + 30)
OFFICE = Wish(MON, WishKind.PREFER_OFFICE)


def test_room_capacity_sends_one_of_two_home() -> None:
    p = Problem(
        week(1),
        (emp("a", rooms=("r1",), wishes=(OFFICE,)), emp("b", rooms=("r1",), wishes=(OFFICE,))),
        (room(cap=1),),
        kits(5),
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL and plan.objective == 1
    kinds = sorted(a.kind for a in plan.assignments)
    assert kinds == [Kind.HOME, Kind.ON_SITE]


def test_kit_pool_phone_only_needs_no_kit() -> None:
    # One seat, one kit, three people: the phone-only colleague must be the second at home,
    # although she would rather come in.
    c_wish = Wish(MON, WishKind.PREFER_OFFICE, 3)
    p = Problem(
        week(1),
        (
            emp("a", rooms=("r1",)),
            emp("b", rooms=("r1",)),
            emp("c", rooms=("r1",), equipment=Equipment.PHONE_ONLY, wishes=(c_wish,)),
        ),
        (room(cap=1),),
        kits(1),
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL and plan.objective == 3
    by = {a.employee_id: a.kind for a in plan.assignments}
    assert by["c"] is Kind.HOME
    assert sorted([by["a"], by["b"]]) == [Kind.HOME, Kind.ON_SITE]


def test_dated_kit_stock() -> None:
    # Stock 0 on Monday, 1 from Tuesday: Monday both on site is impossible with one seat.
    pool = KitPool(((MON, 0), (MON + timedelta(days=1), 1)))
    p = Problem(week(2), (emp("a", rooms=("r1",)), emp("b", rooms=("r1",))), (room(),), pool)
    plan = solved(p)
    assert plan.status is Status.INFEASIBLE
    assert any(r.code == "KIT_POOL" and r.day == MON for r in plan.explanation)


def test_coverage_with_qualification_beats_wish() -> None:
    home = Wish(MON, WishKind.PREFER_HOME, 5)
    p = Problem(
        week(1),
        (
            emp(
                "x",
                shifts=frozenset({"early"}),
                qualifications=frozenset({"Kasse"}),
                wishes=(home,),
            ),
            emp("y", shifts=frozenset({"early"})),
            emp("z", shifts=frozenset({"early"})),
        ),
        (),
        kits(5),
        shifts=(EARLY,),
        coverage=(Coverage(MON, "early", 2), Coverage(MON, "early", 1, "Kasse")),
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL and plan.objective == 5
    assert plan.by_key()[("x", MON)].shift_id == "early"


def test_cohorts_never_meet_on_the_same_day() -> None:
    p = Problem(
        week(1),
        (emp("a", rooms=("r1",), wishes=(OFFICE,)), emp("b", rooms=("r1",), wishes=(OFFICE,))),
        (room(cap=2),),
        kits(5),
        cohorts=(Cohort("A", "Team A", frozenset({"a"})), Cohort("B", "Team B", frozenset({"b"}))),
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL and plan.objective == 1


def _two_cohort_shifts(sep: CohortSeparation) -> Problem:
    both = frozenset({"early", "late"})
    return Problem(
        week(1),
        (emp("a", shifts=both), emp("b", shifts=both)),
        (),
        kits(5),
        shifts=(EARLY, LATE),
        coverage=(Coverage(MON, "early", 1), Coverage(MON, "late", 1)),
        cohorts=(Cohort("A", "Team A", frozenset({"a"})), Cohort("B", "Team B", frozenset({"b"}))),
        cohort_separation=sep,
    )


def test_cohort_separation_by_shift_allows_same_day() -> None:
    plan = solved(_two_cohort_shifts(CohortSeparation.SHIFT))
    assert plan.status is Status.OPTIMAL
    assert {a.shift_id for a in plan.assignments} == {"early", "late"}


def test_cohort_separation_by_day_contradicts_coverage() -> None:
    plan = solved(_two_cohort_shifts(CohortSeparation.DAY))
    assert plan.status is Status.INFEASIBLE
    assert any(r.code == "COHORT_COVERAGE" for r in plan.explanation)


def test_absences_and_off_days_are_respected() -> None:
    a = emp("a", rooms=("r1",), absences=frozenset({MON}), working_weekdays=frozenset({0, 1}))
    p = Problem(week(3), (a,), (room(),), kits(5))
    plan = solved(p)
    kinds = [x.kind for x in sorted(plan.assignments, key=lambda x: x.day)]
    assert (
        kinds[0] is Kind.ABSENT and kinds[2] is Kind.OFF and kinds[1] in (Kind.HOME, Kind.ON_SITE)
    )


def test_min_onsite_per_week() -> None:
    wishes = tuple(Wish(d, WishKind.PREFER_HOME) for d in week(5))
    p = Problem(
        week(5),
        (emp("a", rooms=("r1",), min_onsite_per_week=2, wishes=wishes),),
        (room(),),
        kits(5),
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL and plan.objective == 2


def test_max_onsite_per_week() -> None:
    wishes = tuple(Wish(d, WishKind.PREFER_OFFICE) for d in week(5))
    p = Problem(
        week(5),
        (emp("a", rooms=("r1",), max_onsite_per_week=1, wishes=wishes),),
        (room(),),
        kits(5),
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL and plan.objective == 4


def test_rest_between_late_and_early_shift() -> None:
    both = frozenset({"early", "late"})
    tue = MON + timedelta(days=1)
    cover = (Coverage(MON, "late", 1), Coverage(tue, "early", 1))
    one = Problem(
        week(2),
        (emp("a", shifts=both, home_office=False),),
        (),
        kits(5),
        shifts=(EARLY, LATE),
        coverage=cover,
    )
    plan = solved(one)
    assert plan.status is Status.INFEASIBLE
    assert any(r.code == "REST_TIME" for r in plan.explanation)
    two = Problem(
        week(2),
        (emp("a", shifts=both), emp("b", shifts=both)),
        (),
        kits(5),
        shifts=(EARLY, LATE),
        coverage=cover,
    )
    plan = solved(two)
    assert plan.status is Status.OPTIMAL
    by = plan.by_key()
    late = next(e for e in "ab" if by[(e, MON)].shift_id == "late")
    assert by[(late, tue)].shift_id != "early"


def test_max_consecutive_onsite_days() -> None:
    wishes = tuple(Wish(d, WishKind.PREFER_OFFICE) for d in week(3))
    p = Problem(
        week(3),
        (emp("a", rooms=("r1",), wishes=wishes),),
        (room(),),
        kits(5),
        max_consecutive_onsite_days=2,
    )
    plan = solved(p)
    assert plan.status is Status.OPTIMAL and plan.objective == 1


def test_max_consecutive_working_days_on_input() -> None:
    p = Problem(
        week(7), (emp("a", rooms=("r1",)),), (room(),), kits(5), max_consecutive_working_days=6
    )
    plan = solved(p)
    assert plan.status is Status.INFEASIBLE
    assert plan.explanation[0].code == "CONSECUTIVE_WORKING_DAYS"


def test_one_activity_per_day_and_every_day_planned() -> None:
    p = Problem(week(4), (emp("a", rooms=("r1",)), emp("b", rooms=("r1",))), (room(),), kits(5))
    plan = solved(p)
    assert len(plan.assignments) == 8
    assert len({(a.employee_id, a.day) for a in plan.assignments}) == 8


def test_min_onsite_is_pro_rata_in_weeks_with_absences() -> None:
    days = week(5)
    wishes = tuple(Wish(d, WishKind.PREFER_HOME) for d in days)
    # Absent Thursday and Friday: 2 x 3 // 5 = 1 office day left of the minimum of 2.
    a = emp(
        "a",
        rooms=("r1",),
        min_onsite_per_week=2,
        wishes=wishes,
        working_weekdays=frozenset(range(5)),
        absences=frozenset(days[3:]),
    )
    plan = solved(Problem(days, (a,), (room(),), kits(5)))
    assert plan.objective == 1
    # Absent from Tuesday: 2 x 1 // 5 = 0, the single day may be at home.
    b = emp(
        "b",
        rooms=("r1",),
        min_onsite_per_week=2,
        wishes=wishes,
        working_weekdays=frozenset(range(5)),
        absences=frozenset(days[1:]),
    )
    assert solved(Problem(days, (b,), (room(),), kits(5))).objective == 0
