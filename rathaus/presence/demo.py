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
from rathaus.engines.roster.watched import solve_with_progress
from rathaus.presence.conf import demo_solve_seconds, deterministic_solves
from rathaus.presence.models import Absence, PlanningPeriod, Wish
from rathaus.presence.roster_adapter.problem import build_problem
from rathaus.presence.selectors.plan import period_has_plan
from rathaus.presence.selectors.wishes import employee_wishes_from
from rathaus.presence.services import absences, periods, publishing, rules, solving, wishes


def _rules(period: PlanningPeriod, town: Municipality) -> None:
    """Bürgerbüro: early/late shifts, coverage, two shift teams; team days for two offices."""
    if period.shift_types.exists():
        return
    location = Location.objects.filter(municipality=town).order_by("name").first()
    early, late = (
        rules.rule_create(
            actor=None,
            period=period,
            kind="shift",
            data={
                "code": code,
                "name": name,
                "start_time": start,
                "end_time": end,
                "location": location,
            },
        )
        for code, name, start, end in (
            ("F", "Frühschicht", time(7, 0), time(12, 30)),
            ("S", "Spätschicht", time(13, 0), time(18, 30)),
        )
    )
    kfz = Qualification.objects.filter(municipality=town, code="kfz").first()
    coverage = [(early, 2, None), (late, 2, None)] + ([(early, 1, kfz)] if kfz else [])
    for weekday in range(5):
        for shift, required, qualification in coverage:
            rules.rule_create(
                actor=None,
                period=period,
                kind="coverage",
                data={
                    "shift_type": shift,
                    "weekday": weekday,
                    "required": required,
                    "qualification": qualification,
                },
            )
    clerks = list(
        Employee.objects.filter(municipality=town, org_unit__code="33", job_role="clerk").order_by(
            "personnel_number"
        )
    )
    for name, members in (("Schichtteam A", clerks[0::2]), ("Schichtteam B", clerks[1::2])):
        rules.rule_create(
            actor=None, period=period, kind="cohort", data={"name": name, "members": members}
        )
    for code, weekday in (("10", 1), ("61", 3)):
        unit = OrgUnit.objects.filter(municipality=town, code=code).first()
        if unit:
            rules.rule_create(
                actor=None,
                period=period,
                kind="teamday",
                data={"org_unit": unit, "weekday": weekday, "weight": 1},
            )


def _period(town: Municipality, name: str, start, weeks: int) -> tuple[PlanningPeriod, bool]:
    period = PlanningPeriod.objects.filter(municipality=town, name=name).first()
    if period is not None:
        return period, False
    units = OrgUnit.objects.filter(municipality=town, employees__isnull=False).distinct()
    period = periods.period_create(
        actor=None,
        municipality=town,
        org_units=units,
        name=name,
        start=start,
        weeks=weeks,
        mode=PlanningPeriod.Mode.NORMAL,
        min_onsite_per_week=2,
        max_onsite_per_week=5,
        cohort_separation=PlanningPeriod.Separation.SHIFT,
        time_limit_seconds=30,
    )
    _rules(period, town)
    return period, True


def _personal_data(town: Municipality, monday) -> None:
    emp = Employee.objects.filter(municipality=town, user__username="mitarbeiterin").first()
    if emp is None:
        return
    for offset, kind in ((9, Wish.Kind.PREFER_HOME), (10, Wish.Kind.PREFER_OFFICE)):
        day = monday + timedelta(days=offset)
        if not employee_wishes_from(emp, day).filter(day=day).exists():
            wishes.wish_set(actor=None, employee=emp, day=day, kind=kind)
    other = Employee.objects.filter(municipality=town, org_unit__code="20").order_by("pk").first()
    if other and not Absence.objects.filter(employee=other).exists():
        absences.absence_create(
            actor=None,
            employees=[other],
            start=monday + timedelta(days=14),
            end=monday + timedelta(days=18),
            kind=Absence.Kind.LEAVE,
            note="Sommerurlaub",
        )


def load(town: Municipality) -> None:
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    next_monday = this_monday + timedelta(days=7)
    with transaction.atomic():
        _period(town, f"Präsenzplan ab {next_monday:%d.%m.%Y} (4 Wochen)", next_monday, 4)
        current, _ = _period(town, f"Präsenzplan KW {this_monday.isocalendar()[1]}", this_monday, 1)
        _personal_data(town, this_monday)
    if period_has_plan(current):
        return
    problem, ctx = build_problem(current)
    plan = solve_with_progress(
        problem,
        time_limit=demo_solve_seconds(),
        workers=2,
        deterministic=deterministic_solves(),
    )
    if plan.status not in (m.Status.OPTIMAL, m.Status.FEASIBLE):
        return  # the planner sees the draft and can solve it in the UI
    if not check(problem, plan.assignments).ok:
        return
    solving.plan_store(actor=None, period=current, assignments=plan.assignments, ctx=ctx)
    current.refresh_from_db()
    publishing.plan_publish(actor=None, period=current, notify=False)
