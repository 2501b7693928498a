"""ORM rows -> roster engine problem (plain dataclasses).

The engine (rathaus/engines/roster) knows nothing of Django. Ids in the engine are the primary
keys as strings: employees "12", rooms "r5", shift types "s3", cohorts "k2".
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import holidays
from django.utils.translation import gettext as _

from rathaus.core.models import Employee, KitPool, Room
from rathaus.engines.roster import model as m
from rathaus.presence.models import (
    Activity,
    Cohort,
    EmployeeRule,
    FairnessRecord,
    PlanAssignment,
    PlanningPeriod,
    ShiftType,
    Wish,
)
from rathaus.presence.selectors.absences import absence_days
from rathaus.presence.selectors.staff import period_employees, period_rooms

WISH_KIND = {
    Wish.Kind.PREFER_HOME: m.WishKind.PREFER_HOME,
    Wish.Kind.PREFER_OFFICE: m.WishKind.PREFER_OFFICE,
    Wish.Kind.NO_OFFICE: m.WishKind.NO_OFFICE,
}


def working_weekdays(employee: Employee) -> frozenset[int]:
    """Working-time share -> number of working weekdays (0.5 -> 3, 0.75 -> 4, 1.0 -> 5).

    Part-timers' free days rotate with the personnel record so that not everyone is off on
    Friday: the n working days start at weekday (pk mod 5).
    """
    share = float(employee.working_time_share or 1)
    n = max(1, min(5, math.floor(5 * share + 0.5)))
    if n == 5:
        return frozenset(range(5))
    offset = (employee.pk or 0) % 5
    return frozenset((offset + i) % 5 for i in range(n))


def emp_id(pk: int) -> str:
    return str(pk)


def room_id(pk: int) -> str:
    return f"r{pk}"


def shift_id(pk: int) -> str:
    return f"s{pk}"


@dataclass
class Context:
    """What the translation needs to map the engine's answer back to rows."""

    period: PlanningPeriod
    employees: dict[str, Employee]
    rooms: dict[str, Room]
    shifts: dict[str, ShiftType]
    holidays: dict[date, str]
    absences: dict[tuple[str, date], str] = field(default_factory=dict)

    def employee_pk(self, eid: str) -> int:
        return int(eid)


def kit_pool_for(period: PlanningPeriod) -> KitPool | None:
    if period.kit_pool_id:
        return period.kit_pool
    return KitPool.objects.filter(municipality_id=period.municipality_id).order_by("pk").first()


def kit_stock(period: PlanningPeriod, days: list[date]) -> m.KitPool:
    """Stock per day from the dated changes, minus kits used by other published periods."""
    pool = kit_pool_for(period)
    if pool is None:
        return m.KitPool(((days[0], 0),))
    changes = list(pool.changes.order_by("valid_from").values_list("valid_from", "delta"))
    used: dict[date, int] = defaultdict(int)
    for day in (
        PlanAssignment.objects.filter(
            municipality_id=period.municipality_id,
            day__gte=days[0],
            day__lte=days[-1],
            activity=Activity.HOME,
            employee__equipment_need=Employee.Equipment.FULL_KIT,
            period__status=PlanningPeriod.Status.PUBLISHED,
        )
        .exclude(period=period)
        .values_list("day", flat=True)
    ):
        used[day] += 1
    stock = []
    for d in days:
        n = sum(delta for since, delta in changes if since <= d)
        stock.append((d, max(0, n - used.get(d, 0))))
    return m.KitPool(tuple(stock))


def holidays_for(period: PlanningPeriod, days: list[date]) -> dict[date, str]:
    try:
        cal = holidays.country_holidays(
            "DE", subdiv=period.municipality.federal_state, years={d.year for d in days}
        )
    except (NotImplementedError, KeyError):
        return {}
    return {d: str(cal[d]) for d in days if d in cal}


def build_problem(
    period: PlanningPeriod,
    *,
    previous: list[m.Assignment] | None = None,
    fixed: list[m.Assignment] | None = None,
) -> tuple[m.Problem, Context]:
    """The engine problem of a period, as the database holds it now."""
    days = period.days
    hol = holidays_for(period, days)
    employees = list(period_employees(period))
    rooms = list(period_rooms(period))
    shifts = list(period.shift_types.select_related("location").all())
    emp_pks = [e.pk for e in employees]
    absences = {
        (emp_id(pk), d): kind for (pk, d), kind in absence_days(emp_pks, days[0], days[-1]).items()
    }
    problem = m.Problem(
        days=tuple(days),
        employees=_engine_employees(period, employees, rooms, shifts, hol, absences),
        rooms=tuple(_engine_room(r) for r in rooms),
        kit_pool=kit_stock(period, days),
        shifts=tuple(_engine_shift(s) for s in shifts),
        coverage=_coverage(period, days, hol),
        cohorts=_cohorts(period, set(emp_pks)),
        cohort_separation=m.CohortSeparation(period.cohort_separation),
        capacity_mode=m.CapacityMode(period.mode),
        team_days=tuple(
            m.TeamDay(team=t.org_unit.code, weekday=t.weekday, weight=t.weight)
            for t in period.team_days.select_related("org_unit").all()
        ),
        weights=m.Weights(
            fairness=period.weight_fairness,
            wish=period.weight_wishes,
            team_day=period.weight_team_days,
            stability=period.weight_stability,
        ),
        history=_history(period, emp_pks, days[0]),
        previous_plan=tuple(previous or ()),
        fixed=tuple(fixed or ()),
        min_rest_minutes=period.min_rest_hours * 60,
        max_consecutive_working_days=period.max_consecutive_working_days,
        max_consecutive_onsite_days=period.max_consecutive_onsite_days,
    )
    ctx = Context(
        period=period,
        employees={emp_id(e.pk): e for e in employees},
        rooms={room_id(r.pk): r for r in rooms},
        shifts={shift_id(s.pk): s for s in shifts},
        holidays=hol,
        absences=absences,
    )
    return problem, ctx


def _engine_employees(
    period: PlanningPeriod,
    employees: list[Employee],
    rooms: list[Room],
    shifts: list[ShiftType],
    hol: dict[date, str],
    absences: dict[tuple[str, date], str],
) -> tuple[m.Employee, ...]:
    """Each employee with their rooms (home room first), shifts, on-site limits (the period's,
    or the person's own rule), wishes and days off (absences and public holidays)."""
    days = period.days
    by_unit: dict[int, list[Room]] = defaultdict(list)
    for r in rooms:
        by_unit[r.org_unit_id].append(r)
    overrides = {o.employee_id: o for o in EmployeeRule.objects.filter(period=period)}
    wishes: dict[int, list[m.Wish]] = defaultdict(list)
    for w in Wish.objects.filter(
        employee_id__in=[e.pk for e in employees], day__gte=days[0], day__lte=days[-1]
    ):
        wishes[w.employee_id].append(m.Wish(w.day, WISH_KIND[w.kind], 1))
    shift_ids = frozenset(shift_id(s.pk) for s in shifts)
    out = []
    for e in employees:
        unit_rooms = by_unit.get(e.org_unit_id, [])
        allowed = [r for r in unit_rooms if r.pk == e.home_room_id] + [
            r for r in unit_rooms if r.pk != e.home_room_id
        ]
        low, high = _onsite_limits(period, overrides.get(e.pk))
        out.append(
            m.Employee(
                id=emp_id(e.pk),
                name=f"{e.first_name} {e.last_name}",
                team=e.org_unit.code,
                org_unit=e.org_unit.code,
                working_weekdays=working_weekdays(e),
                home_office=e.equipment_need != Employee.Equipment.NONE,
                equipment=m.Equipment(e.equipment_need),
                rooms=tuple(room_id(r.pk) for r in allowed),
                shifts=shift_ids if e.job_role == Employee.JobRole.CLERK else frozenset(),
                qualifications=frozenset(q.code for q in e.qualifications.all()),
                min_onsite_per_week=low,
                max_onsite_per_week=max(low, high),
                wishes=tuple(sorted(wishes.get(e.pk, []), key=lambda w: w.day)),
                absences=frozenset(d for d in days if d in hol or (emp_id(e.pk), d) in absences),
            )
        )
    return tuple(out)


def _onsite_limits(period: PlanningPeriod, rule: EmployeeRule | None) -> tuple[int, int]:
    """On-site days per week: the period's limits, or the person's own where the rule sets one."""
    low, high = period.min_onsite_per_week, period.max_onsite_per_week
    if rule is not None:
        low = rule.min_onsite_per_week if rule.min_onsite_per_week is not None else low
        high = rule.max_onsite_per_week if rule.max_onsite_per_week is not None else high
    return low, high


def _engine_room(r: Room) -> m.Room:
    return m.Room(
        id=room_id(r.pk),
        name=_("Raum %(number)s") % {"number": r.number},
        capacity=r.capacity_normal,
        pandemic_capacity=r.capacity_pandemic,
        building=r.location.name,
        floor=r.floor,
        org_unit=str(r.org_unit_id or ""),
    )


def _engine_shift(s: ShiftType) -> m.ShiftType:
    return m.ShiftType(
        id=shift_id(s.pk),
        name=s.name,
        start=s.start_time.hour * 60 + s.start_time.minute,
        end=s.end_time.hour * 60 + s.end_time.minute,
        location=s.location.name if s.location else "",
    )


def _coverage(
    period: PlanningPeriod, days: list[date], hol: dict[date, str]
) -> tuple[m.Coverage, ...]:
    """Each weekday rule on every day of that weekday that is not a public holiday."""
    return tuple(
        m.Coverage(
            d,
            shift_id(c.shift_type_id),
            c.required,
            c.qualification.code if c.qualification else None,
        )
        for c in period.coverage.select_related("qualification").all()
        for d in days
        if d.weekday() == c.weekday and d not in hol
    )


def _cohorts(period: PlanningPeriod, planned: set[int]) -> tuple[m.Cohort, ...]:
    """Shift teams, with the members that are planned in this period."""
    return tuple(
        m.Cohort(
            id=f"k{k.pk}",
            name=k.name,
            members=frozenset(
                emp_id(pk) for pk in k.members.values_list("pk", flat=True) if pk in planned
            ),
            group=f"p{period.pk}",
        )
        for k in Cohort.objects.filter(period=period).order_by("pk")
    )


def _history(period: PlanningPeriod, emp_pks: list[int], first_day: date) -> tuple:
    """Home and office days of earlier published periods (fairness carries over)."""
    history: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for rec in FairnessRecord.objects.filter(
        employee_id__in=emp_pks, period_end__lt=first_day
    ).exclude(period=period):
        history[rec.employee_id][0] += rec.home_days
        history[rec.employee_id][1] += rec.office_days
    return tuple(m.History(emp_id(pk), h, o) for pk, (h, o) in sorted(history.items()))
