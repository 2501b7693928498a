"""Reads for the core app, always scoped to what the acting user may see.

Staff and rooms here; the change log in ``audit``, the legal pages in ``legal``.
"""

from django.db.models import Count, QuerySet

from rathaus.core.models import Employee, OrgUnit, Room
from rathaus.core.tenancy import scoped


def employees_for(user, *, search: str = "") -> QuerySet[Employee]:
    qs = (
        scoped(Employee, user)
        .select_related("org_unit", "municipality")
        .order_by("last_name", "first_name")
    )
    if search:
        qs = qs.filter(last_name__icontains=search) | qs.filter(org_unit__code__iexact=search)
    return qs


def org_units_for(user) -> QuerySet[OrgUnit]:
    return scoped(OrgUnit, user).annotate(staff=Count("employees")).order_by("code")


def rooms_for(user) -> QuerySet[Room]:
    return (
        scoped(Room, user)
        .select_related("location", "org_unit", "municipality")
        .order_by("location__name", "floor", "number")
    )
