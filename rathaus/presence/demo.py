"""Demo data of the presence app: a 4-week period from next Monday and a published current week.

Idempotent: periods are looked up by name; the current week is solved only once.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from rathaus.core.models import Employee, Location, Municipality, OrgUnit, Qualification
from rathaus.engines.roster import model as m
from rathaus.engines.roster.checker import check
from rathaus.presence.conf import demo_solve_seconds
from rathaus.presence.engine_input import build_problem
from rathaus.presence.engine_solving import solve_with_progress
from rathaus.presence.models import (
    Absence,
    Cohort,
    CoverageRequirement,
    PlanAssignment,
    PlanningPeriod,
    ShiftType,
    TeamDay,
    Wish,
)


def _rules(period: PlanningPeriod, town: Municipality) -> None:
    """Bürgerbüro: early/late shifts, coverage, two shift teams; team days for two offices."""
    if period.shift_types.exists():
        return
    location = Location.objects.filter(municipality=town).order_by("name").first()
    early = ShiftType.objects.create(
        municipality=town,
        period=period,
        code="F",
        name="Frühschicht",
        start_time=time(7, 0),
        end_time=time(12, 30),
        location=location,
    )
    late = ShiftType.objects.create(
        municipality=town,
        period=period,
        code="S",
        name="Spätschicht",
        start_time=time(13, 0),
        end_time=time(18, 30),
        location=location,
    )
    kfz = Qualification.objects.filter(municipality=town, code="kfz").first()
    for weekday in range(5):
        CoverageRequirement.objects.create(
            municipality=town, period=period, shift_type=early, weekday=weekday, required=2
        )
        CoverageRequirement.objects.create(
            municipality=town, period=period, shift_type=late, weekday=weekday, required=2
        )
        if kfz:
            CoverageRequirement.objects.create(
                municipality=town,
                period=period,
                shift_type=early,
                weekday=weekday,
                required=1,
                qualification=kfz,
            )
    clerks = list(
        Employee.objects.filter(municipality=town, org_unit__code="33", job_role="clerk").order_by(
            "personnel_number"
        )
    )
    for name, members in (("Schichtteam A", clerks[0::2]), ("Schichtteam B", clerks[1::2])):
        cohort = Cohort.objects.create(municipality=town, period=period, name=name)
        cohort.members.set(members)
    for code, weekday in (("10", 1), ("61", 3)):
        unit = OrgUnit.objects.filter(municipality=town, code=code).first()
        if unit:
            TeamDay.objects.create(municipality=town, period=period, org_unit=unit, weekday=weekday)


def _period(town: Municipality, name: str, start, weeks: int) -> tuple[PlanningPeriod, bool]:
    period, created = PlanningPeriod.objects.get_or_create(
        municipality=town,
        name=name,
        defaults={
            "start": start,
            "weeks": weeks,
            "mode": PlanningPeriod.Mode.NORMAL,
            "min_onsite_per_week": 2,
            "max_onsite_per_week": 5,
            "cohort_separation": PlanningPeriod.Separation.SHIFT,
            "time_limit_seconds": 30,
        },
    )
    if created:
        units = OrgUnit.objects.filter(municipality=town, employees__isnull=False).distinct()
        period.org_units.set(units)
        _rules(period, town)
    return period, created


def _personal_data(town: Municipality, monday) -> None:
    emp = Employee.objects.filter(municipality=town, user__username="mitarbeiterin").first()
    if emp is None:
        return
    for offset, kind in ((9, Wish.Kind.PREFER_HOME), (10, Wish.Kind.PREFER_OFFICE)):
        Wish.objects.get_or_create(
            employee=emp,
            day=monday + timedelta(days=offset),
            defaults={"municipality": town, "kind": kind},
        )
    other = Employee.objects.filter(municipality=town, org_unit__code="20").order_by("pk").first()
    if other and not Absence.objects.filter(employee=other).exists():
        Absence.objects.create(
            municipality=town,
            employee=other,
            start=monday + timedelta(days=14),
            end=monday + timedelta(days=18),
            kind=Absence.Kind.LEAVE,
            note="Sommerurlaub",
        )


def load(town: Municipality) -> None:
    from rathaus.presence import services_jobs, services_publish

    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    next_monday = this_monday + timedelta(days=7)
    with transaction.atomic():
        _period(town, f"Präsenzplan ab {next_monday:%d.%m.%Y} (4 Wochen)", next_monday, 4)
        current, _ = _period(town, f"Präsenzplan KW {this_monday.isocalendar()[1]}", this_monday, 1)
        _personal_data(town, this_monday)
    if PlanAssignment.objects.filter(period=current).exists():
        return
    problem, ctx = build_problem(current)
    plan = solve_with_progress(problem, time_limit=demo_solve_seconds(), workers=2)
    if plan.status not in (m.Status.OPTIMAL, m.Status.FEASIBLE):
        return  # the planner sees the draft and can solve it in the UI
    if not check(problem, plan.assignments).ok:
        return
    with transaction.atomic():
        services_jobs._store_plan(current, plan.assignments, ctx)
        PlanningPeriod.objects.filter(pk=current.pk).update(status=PlanningPeriod.Status.SOLVED)
    current.refresh_from_db()
    services_publish.publish(actor=None, period=current, notify=False)
