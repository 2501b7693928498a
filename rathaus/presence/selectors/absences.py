"""Absences as the planner, the employee and the staff pool read them."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet

from rathaus.core.models import Employee
from rathaus.core.tenancy import get_scoped_or_404
from rathaus.presence.models import Absence, PlanningPeriod
from rathaus.presence.selectors.staff import period_employees


def absence_days(employee_ids, start: date, end: date) -> dict[tuple[int, date], str]:
    """(employee id, day) -> absence kind for the days in [start, end] (also read by the
    staff pool's floor check)."""
    out: dict[tuple[int, date], str] = {}
    for a in Absence.objects.filter(
        employee_id__in=employee_ids, start__lte=end, end__gte=start
    ).order_by("start"):
        d = max(a.start, start)
        while d <= min(a.end, end):
            out[(a.employee_id, d)] = a.kind
            d += timedelta(days=1)
    return out


def period_absences(period: PlanningPeriod) -> QuerySet[Absence]:
    """Absences of the period's staff that overlap the period (planner's list)."""
    return (
        Absence.objects.filter(
            employee__in=period_employees(period), start__lte=period.end, end__gte=period.start
        )
        .select_related("employee")
        .order_by("start", "employee__last_name")
    )


def employee_absences_from(employee: Employee | None, day: date) -> QuerySet[Absence]:
    """The employee's absences that have not ended before `day` (their own list)."""
    if employee is None:
        return Absence.objects.none()
    return Absence.objects.filter(employee=employee, end__gte=day)


def absence_for_user(user, pk: int) -> Absence:
    """One absence the user's municipality may see, or 404."""
    return get_scoped_or_404(Absence.objects.select_related("employee"), user, pk=pk)


def secondment_absence(absence_id: int | None) -> Absence | None:
    """The "abgeordnet" absence a staff-pool secondment wrote, if it still exists."""
    if not absence_id:
        return None
    return Absence.objects.filter(pk=absence_id).first()
