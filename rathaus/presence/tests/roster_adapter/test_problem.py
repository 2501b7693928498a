"""Translation layer: ORM rows -> engine dataclasses -> plan rows, and back."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.core.models import Employee
from rathaus.engines.roster import model as m
from rathaus.engines.roster.checker import check
from rathaus.presence.models import Absence, EmployeeRule, PlanAssignment, PlanningPeriod, Wish
from rathaus.presence.roster_adapter import plan as plan_adapter
from rathaus.presence.roster_adapter import problem as problem_adapter
from rathaus.presence.services import publishing
from rathaus.presence.tests.conftest import MONDAY, make_period

pytestmark = pytest.mark.django_db


def test_problem_reflects_people_rooms_kits_and_rules(period, world):
    Absence.objects.create(
        municipality=period.municipality,
        employee=world["office_staff"][1],
        start=MONDAY + timedelta(days=1),
        end=MONDAY + timedelta(days=2),
        kind="quarantine",
    )
    Wish.objects.create(
        municipality=period.municipality,
        employee=world["office_staff"][2],
        day=MONDAY,
        kind="no_office",
    )
    EmployeeRule.objects.create(
        municipality=period.municipality,
        period=period,
        employee=world["worker"],
        min_onsite_per_week=1,
        max_onsite_per_week=2,
    )
    problem, ctx = problem_adapter.build_problem(period)
    emps = problem.employees_by_id
    assert len(problem.days) == 14
    assert len(problem.employees) == 11
    # Equipment: clerks have no home office, the social worker needs only a phone.
    clerk = emps[problem_adapter.emp_id(world["clerks"][0].pk)]
    assert clerk.home_office is False and clerk.shifts == {
        problem_adapter.shift_id(world["early"].pk),
        problem_adapter.shift_id(world["late"].pk),
    }
    worker = emps[problem_adapter.emp_id(world["worker"].pk)]
    assert worker.equipment is m.Equipment.PHONE_ONLY and not worker.needs_kit
    assert (worker.min_onsite_per_week, worker.max_onsite_per_week) == (1, 2)
    # Home room first, then the other rooms of the same org unit; never rooms of other units.
    anna = emps[problem_adapter.emp_id(world["office_staff"][0].pk)]
    assert anna.rooms[0] == problem_adapter.room_id(world["rooms"][0].pk)
    assert set(anna.rooms) == {problem_adapter.room_id(r.pk) for r in world["rooms"][:3]}
    # Working-time share 0.6 -> three working weekdays.
    felix = emps[problem_adapter.emp_id(world["office_staff"][5].pk)]
    assert len(felix.working_weekdays) == 3
    # Absences and wishes arrive as engine input.
    ben = emps[problem_adapter.emp_id(world["office_staff"][1].pk)]
    assert {MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)} <= ben.absences
    assert emps[problem_adapter.emp_id(world["office_staff"][2].pk)].wishes == (
        m.Wish(MONDAY, m.WishKind.NO_OFFICE, 1),
    )
    # Kit pool per day: 3 sets, 4 from the delivery in week 2.
    assert problem.kit_pool.available(MONDAY) == 3
    assert problem.kit_pool.available(MONDAY + timedelta(days=7)) == 4
    assert problem.cohort_separation is m.CohortSeparation.SHIFT
    assert len(problem.cohorts) == 2 and len(problem.coverage) == 30
    assert (
        problem.rooms_by_id[problem_adapter.room_id(world["rooms"][0].pk)].seats(
            m.CapacityMode.PANDEMIC
        )
        == 1
    )


@given(
    share=st.decimals(min_value=Decimal("0.05"), max_value=Decimal("1.00"), places=2),
    pk=st.integers(1, 10**6),
)
def test_working_time_share_gives_working_weekdays(share, pk):
    emp = Employee(pk=pk, working_time_share=share)
    days = problem_adapter.working_weekdays(emp)
    assert 1 <= len(days) <= 5
    assert days <= {0, 1, 2, 3, 4}
    assert len(days) == max(1, min(5, int(5 * share + Decimal("0.5"))))


def test_round_trip_rows_engine_rows(solved, world):
    problem, ctx = problem_adapter.build_problem(solved)
    rows = list(PlanAssignment.objects.filter(period=solved))
    engine = plan_adapter.to_engine([plan_adapter.row_to_assignment(r) for r in rows], ctx)
    assert check(problem, engine).ok
    back = {
        (r.employee_id, r.day): r for r in (plan_adapter.assignment_to_row(a, ctx) for a in engine)
    }
    for r in rows:
        b = back[(r.employee_id, r.day)]
        assert (b.activity, b.room_id, b.shift_type_id) == (r.activity, r.room_id, r.shift_type_id)


@settings(max_examples=25, deadline=None)
@given(kind=st.sampled_from(list(m.Kind)), room=st.integers(1, 99), shift=st.integers(1, 99))
def test_assignment_row_round_trip_is_lossless(kind, room, shift):
    period = PlanningPeriod(pk=1, municipality_id=1, start=date(2031, 3, 3), weeks=1)
    day = date(2031, 3, 4)
    a = m.Assignment(
        "7",
        day,
        kind,
        room_id=f"r{room}" if kind is m.Kind.ON_SITE else None,
        shift_id=f"s{shift}" if kind is m.Kind.SHIFT else None,
    )
    ctx = problem_adapter.Context(period, {}, {}, {}, {}, absences={("7", day): "sick"})
    assert plan_adapter.row_to_assignment(plan_adapter.assignment_to_row(a, ctx)) == a


def test_published_period_carries_fairness_and_kits_into_the_next(solved, world, town):
    publishing.plan_publish(actor=None, period=solved, notify=False)
    later = make_period(
        town, world, name="Danach", rules=False, start=MONDAY + timedelta(days=14), weeks=1
    )
    problem, _ = problem_adapter.build_problem(later)
    history = {h.employee_id: h for h in problem.history}
    for emp in world["office_staff"]:
        rows = PlanAssignment.objects.filter(period=solved, employee=emp)
        h = history[problem_adapter.emp_id(emp.pk)]
        assert h.home_days == rows.filter(activity="home").count()
        assert h.office_days == rows.filter(activity__in=("office", "shift")).count()
    # An overlapping period of other org units shares the pool: published home days count.
    overlap = make_period(town, world, name="Parallel", rules=False, weeks=1)
    overlap.org_units.set([world["social"]])
    problem, _ = problem_adapter.build_problem(overlap)
    used = PlanAssignment.objects.filter(
        period=solved, day=MONDAY, activity="home", employee__equipment_need="full_kit"
    ).count()
    assert problem.kit_pool.available(MONDAY) == 3 - used
