"""Who is planned: the staff of a period and the employee record of a signed-in user."""

from __future__ import annotations

from django.db.models import QuerySet

from rathaus.core.models import Employee, Room
from rathaus.presence.models import PlanningPeriod


def period_employees(period: PlanningPeriod) -> QuerySet[Employee]:
    """Active employees of the period's organisational units (the one query for "period
    staff": solver input, form choices, counts)."""
    return (
        Employee.objects.filter(
            municipality_id=period.municipality_id,
            org_unit__in=period.org_units.all(),
            active=True,
        )
        .select_related("org_unit", "home_room")
        .prefetch_related("qualifications")
        .order_by("last_name", "first_name", "pk")
    )


def employee_of_user(user) -> Employee | None:
    """The signed-in user's own employee record in their municipality, if any."""
    if not user.is_authenticated:
        return None
    return Employee.objects.filter(user=user, municipality_id=user.municipality_id).first()


def period_rooms(period: PlanningPeriod) -> QuerySet[Room]:
    """Rooms of the period's organisational units, by building, floor and number."""
    return (
        Room.objects.filter(
            municipality_id=period.municipality_id, org_unit__in=period.org_units.all()
        )
        .select_related("location")
        .order_by("location__name", "floor", "number")
    )
