"""Absences entered by employees and planners, and the secondment absence of the staff pool."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or, stamp_created
from rathaus.core.models import Employee
from rathaus.core.problems import DomainError
from rathaus.presence.models import Absence
from rathaus.presence.selectors.absences import secondment_absence


@transaction.atomic
def absence_create(
    *,
    actor,
    employees: list[Employee],
    start: date,
    end: date,
    kind: str,
    note: str = "",
    now=None,
) -> list[Absence]:
    now = now_or(now)
    if end < start:
        raise DomainError("absence_order", _("Das Ende liegt vor dem Beginn."))
    created = [
        Absence.objects.create(
            municipality_id=e.municipality_id,
            employee=e,
            start=start,
            end=end,
            kind=kind,
            note=note,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for e in employees
    ]
    for a in created:
        stamp_created(a, now)  # "eingetragen am" in the plan's conflicts
        audit.record(
            actor=actor,
            instance=a,
            action="create",
            summary=f"Abwesenheit {start:%d.%m.}–{end:%d.%m.%Y} eingetragen",
        )
    return created


@transaction.atomic
def absence_delete(*, actor, absence: Absence) -> None:
    audit.record(actor=actor, instance=absence, action="delete", summary=_("Abwesenheit gelöscht"))
    absence.delete()


@transaction.atomic
def secondment_absence_set(
    *,
    actor,
    employee: Employee,
    start: date,
    end: date,
    note: str,
    replaces: int | None = None,
    now=None,
) -> Absence:
    """The staff pool's "abgeordnet" absence for an agreed secondment; `replaces` is the id of
    the one it wrote before (removed first, e.g. when the secondment is extended)."""
    secondment_absence_delete(actor=actor, absence_id=replaces)
    (absence,) = absence_create(
        actor=actor,
        employees=[employee],
        start=start,
        end=end,
        kind=Absence.Kind.SECONDED,
        note=note[:200],
        now=now,
    )
    return absence


@transaction.atomic
def secondment_absence_delete(*, actor, absence_id: int | None) -> None:
    """Removes the staff pool's absence of a secondment, if it still exists."""
    absence = secondment_absence(absence_id)
    if absence is not None:
        absence_delete(actor=actor, absence=absence)
