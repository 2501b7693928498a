"""Property: every plan the solver returns passes the independent checker, and the
checker's recomputed penalty equals the solver's objective."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.engines.roster import (
    Assignment,
    CapacityMode,
    Cohort,
    CohortSeparation,
    Coverage,
    Employee,
    Equipment,
    History,
    Kind,
    KitPool,
    Problem,
    Room,
    ShiftType,
    Status,
    TeamDay,
    Wish,
    WishKind,
    check,
)
from rathaus.engines.roster.solver import solve
from rathaus.engines.roster.tests.helpers import MON

SHIFTS = (ShiftType("early", "Früh", 420, 810), ShiftType("late", "Spät", 780, 1230))


def _employee(
    draw: st.DrawFn, i: int, days: tuple[date, ...], rooms: tuple[Room, ...], use_shifts: bool
) -> Employee:
    wishes = tuple(
        Wish(d, draw(st.sampled_from(list(WishKind))), draw(st.integers(1, 3)))
        for d in days
        if draw(st.integers(0, 4)) == 0
    )
    return Employee(
        f"e{i}",
        f"E{i}",
        team=draw(st.sampled_from(["T1", "T2"])),
        working_weekdays=frozenset(draw(st.sets(st.integers(0, 6), min_size=3))),
        home_office=draw(st.integers(0, 5)) > 0,
        equipment=draw(st.sampled_from(list(Equipment))),
        rooms=tuple(draw(st.sets(st.sampled_from([r.id for r in rooms]), min_size=1, max_size=2))),
        shifts=frozenset({"early", "late"}) if use_shifts and i % 2 == 0 else frozenset(),
        qualifications=frozenset({"Kasse"}) if i == 0 else frozenset(),
        min_onsite_per_week=draw(st.integers(0, 1)),
        max_onsite_per_week=draw(st.integers(2, 7)),
        wishes=wishes,
        absences=frozenset(d for d in days if draw(st.integers(0, 6)) == 0),
    )


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_days = draw(st.integers(2, 7))
    days = tuple(MON + timedelta(days=i) for i in range(n_days))
    rooms = tuple(
        Room(f"r{i}", f"Raum {i}", draw(st.integers(1, 3)), draw(st.integers(1, 2)))
        for i in range(draw(st.integers(1, 2)))
    )
    use_shifts = draw(st.booleans())
    employees = [
        _employee(draw, i, days, rooms, use_shifts) for i in range(draw(st.integers(2, 5)))
    ]
    coverage: tuple[Coverage, ...] = ()
    if use_shifts:
        coverage = tuple(
            Coverage(d, s, 1, draw(st.sampled_from([None, None, "Kasse"])))
            for d in days
            for s in ("early", "late")
            if draw(st.integers(0, 2)) == 0
        )
    cohorts: tuple[Cohort, ...] = ()
    if draw(st.booleans()):
        cohorts = (Cohort("A", "A", frozenset({"e0", "e1"})), Cohort("B", "B", frozenset({"e2"})))
    previous = tuple(
        Assignment(e.id, d, draw(st.sampled_from([Kind.HOME, Kind.ON_SITE])), room_id=rooms[0].id)
        for e in employees
        for d in days
        if draw(st.integers(0, 3)) == 0
    )
    previous = tuple(
        a if a.kind is Kind.ON_SITE else Assignment(a.employee_id, a.day, a.kind) for a in previous
    )
    return Problem(
        days=days,
        employees=tuple(employees),
        rooms=rooms,
        kit_pool=KitPool(((MON, draw(st.integers(1, 4))), (days[-1], draw(st.integers(0, 5))))),
        shifts=SHIFTS if use_shifts else (),
        coverage=coverage,
        cohorts=cohorts,
        cohort_separation=draw(st.sampled_from(list(CohortSeparation))),
        capacity_mode=draw(st.sampled_from(list(CapacityMode))),
        team_days=(TeamDay("T1", weekday=draw(st.integers(0, 4))),),
        history=tuple(
            History(e.id, draw(st.integers(0, 9)), draw(st.integers(0, 9)))
            for e in employees
            if draw(st.booleans())
        ),
        previous_plan=previous,
        max_consecutive_onsite_days=draw(st.sampled_from([None, 2, 3])),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.booleans())
def test_solver_plans_pass_the_checker(problem: Problem, decompose: bool) -> None:
    plan = solve(problem, work_limit=3.0, workers=1, decompose=decompose)
    if plan.status in (Status.OPTIMAL, Status.FEASIBLE):
        result = check(problem, plan)
        assert result.ok, result.violations
        assert result.objective == plan.objective
        assert plan.bound is None or plan.bound <= plan.objective
    else:
        assert plan.explanation and all(r.message and r.code for r in plan.explanation)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_decomposition_finds_the_same_optimum(problem: Problem) -> None:
    a = solve(problem, work_limit=3.0, workers=1, decompose=True)
    b = solve(problem, work_limit=3.0, workers=1, decompose=False)
    if a.status is Status.OPTIMAL and b.status is Status.OPTIMAL:
        assert a.objective == b.objective
    if Status.INFEASIBLE in (a.status, b.status):
        assert a.status is b.status is Status.INFEASIBLE
