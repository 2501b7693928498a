"""Wishes as their employee reads them."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from rathaus.core.models import Employee
from rathaus.presence.models import Wish


def employee_wishes_from(employee: Employee | None, day: date) -> QuerySet[Wish]:
    """The employee's wishes for `day` and later."""
    if employee is None:
        return Wish.objects.none()
    return Wish.objects.filter(employee=employee, day__gte=day)
