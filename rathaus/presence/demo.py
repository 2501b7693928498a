"""Demo data of the presence app: a 4-week period from next Monday and a published current week.

The Bürgerbüro's shifts lie inside its opening hours (early 08:00–12:30 every weekday, late
12:30–16:00 Monday to Wednesday, long Thursday 12:30–18:00); about a third of the staff take
leave over Christmas, in the spread a town hall sees (never more than a third of the clerks).
Idempotent: periods are looked up by name; the current week is solved only once.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.models import Employee, Location, Municipality, OrgUnit, Qualification
from rathaus.engines.roster import model as m
from rathaus.engines.roster.checker import check
from rathaus.engines.roster.watched import solve_with_progress
from rathaus.presence.conf import demo_solve_seconds
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
    early, late, long_day = (
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
            ("F", "Frühschicht", time(8, 0), time(12, 30)),
            ("S", "Spätschicht", time(12, 30), time(16, 0)),
            ("L", "Langer Donnerstag", time(12, 30), time(18, 0)),
        )
    )
    kfz = Qualification.objects.filter(municipality=town, code="kfz").first()
    afternoon = {0: late, 1: late, 2: late, 3: long_day}  # Friday: the counter closes at 12:30
    for weekday in range(5):
        coverage = [(early, 2, None)] + ([(early, 1, kfz)] if kfz else [])
        if weekday in afternoon:
            coverage.append((afternoon[weekday], 2, None))
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


def _personal_data(town: Municipality, monday, now) -> None:
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
            note="Urlaub",
            now=now,
        )


CHRISTMAS_NOTE = "Weihnachtsurlaub"
# (first day, last day) as (month, day) pairs; the last ones reach into January
CHRISTMAS_SPANS = [
    ((12, 22), (1, 2)),
    ((12, 27), (12, 30)),
    ((12, 21), (12, 23)),
    ((12, 28), (1, 6)),
    ((12, 18), (12, 27)),
    ((12, 29), (1, 2)),
]


def _christmas_leave(town: Municipality, today: date, now) -> None:
    """A believable spread of leave over the Christmas ahead (in January: the one just past)."""
    if Absence.objects.filter(municipality=town, note=CHRISTMAS_NOTE).exists():
        return
    year = today.year - 1 if today.month == 1 else today.year
    rng = random.Random(2412)
    staff = Employee.objects.filter(municipality=town, active=True).order_by("personnel_number")
    clerks_away = 0
    for employee in staff:
        if rng.random() >= 0.35:
            continue
        if employee.job_role == "clerk":
            if clerks_away >= 4:
                continue  # the citizen office stays staffed between the holidays
            clerks_away += 1
        (m1, d1), (m2, d2) = rng.choice(CHRISTMAS_SPANS)
        start = date(year, m1, d1)
        end = date(year + (m2 < m1), m2, d2)
        absences.absence_create(
            actor=None,
            employees=[employee],
            start=start,
            end=end,
            kind=Absence.Kind.LEAVE,
            note=CHRISTMAS_NOTE,
            now=now,
        )


def load(town: Municipality, now=None) -> None:
    now = now_or(now)  # leave is entered at the demo's moment, as everything else
    today = timezone.localdate(now)
    this_monday = today - timedelta(days=today.weekday())
    next_monday = this_monday + timedelta(days=7)
    with transaction.atomic():
        _period(town, f"Präsenzplan ab {next_monday:%d.%m.%Y} (4 Wochen)", next_monday, 4)
        current, _ = _period(town, f"Präsenzplan KW {this_monday.isocalendar()[1]}", this_monday, 1)
        _personal_data(town, this_monday, now)
        _christmas_leave(town, today, now)
    if period_has_plan(current):
        return
    problem, ctx = build_problem(current)
    plan = solve_with_progress(
        problem,
        time_limit=demo_solve_seconds(),
        workers=2,
        deterministic=True,  # the same plan and proof on any machine, however busy
    )
    if plan.status not in (m.Status.OPTIMAL, m.Status.FEASIBLE):
        return  # the planner sees the draft and can solve it in the UI
    checked = check(problem, plan.assignments)
    if not checked.ok:
        return
    solving.plan_store(actor=None, period=current, plan=plan, checked=checked, ctx=ctx)
    current.refresh_from_db()
    publishing.plan_publish(actor=None, period=current, notify=False)
