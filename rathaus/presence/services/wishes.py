"""Employees' wishes for single days (the next solve weighs them)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Employee
from rathaus.presence.models import Wish


@transaction.atomic
def wish_set(*, actor, employee: Employee, day: date, kind: str, note: str = "") -> Wish:
    """One wish per person and day: a new wish replaces the old one."""
    wish, _created = Wish.objects.update_or_create(
        employee=employee,
        day=day,
        defaults={"kind": kind, "note": note, "municipality_id": employee.municipality_id},
    )
    audit.record(
        actor=actor,
        instance=wish,
        action="update",
        summary=_("Wunsch für %(day)s") % {"day": f"{day:%d.%m.%Y}"},
    )
    return wish


@transaction.atomic
def wish_delete(*, actor, wish: Wish) -> None:
    audit.record(actor=actor, instance=wish, action="delete", summary=_("Wunsch gelöscht"))
    wish.delete()
