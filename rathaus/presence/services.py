"""Writes of the presence app: planning periods, manual plan edits, wishes and absences.

Solver jobs live in services_jobs.py, publishing a plan in services_publish.py.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Employee, Room
from rathaus.core.problems import Conflict, DomainError
from rathaus.presence.engine_input import build_problem
from rathaus.presence.engine_output import (
    check_rows,
    current_assignments,
    describe_violation,
    row_to_assignment,
)
from rathaus.presence.models import (
    Absence,
    Activity,
    PlanAssignment,
    PlanningPeriod,
    ShiftType,
    Wish,
)

Status = PlanningPeriod.Status
logger = logging.getLogger(__name__)


# --- periods ------------------------------------------------------------------------------


def _refuse_while_solving(period: PlanningPeriod) -> None:
    if period.status == Status.SOLVING:
        raise Conflict("period_busy", _("Der Plan wird gerade berechnet; bitte warten."))


@transaction.atomic
def period_create(*, actor, municipality, org_units, **fields) -> PlanningPeriod:
    period = PlanningPeriod.objects.create(municipality=municipality, created_by=actor, **fields)
    period.org_units.set(org_units)
    audit.record(
        actor=actor,
        instance=period,
        action="create",
        after=audit.snapshot(period),
        summary=f"Planungszeitraum „{period.name}“ angelegt",
    )
    return period


@transaction.atomic
def period_update(*, actor, period: PlanningPeriod, org_units=None, **fields) -> PlanningPeriod:
    _refuse_while_solving(period)
    before = audit.snapshot(period)
    for key, value in fields.items():
        setattr(period, key, value)
    period.save()
    if org_units is not None:
        period.org_units.set(org_units)
    audit.record(
        actor=actor,
        instance=period,
        action="update",
        before=before,
        after=audit.snapshot(period),
        summary="Regeln des Planungszeitraums geändert",
    )
    return period


# --- manual edits -------------------------------------------------------------------------


def cell_update(
    *,
    actor,
    period: PlanningPeriod,
    employee: Employee,
    day: date,
    activity: str,
    room: Room | None = None,
    shift_type: ShiftType | None = None,
) -> PlanAssignment:
    """Change one cell; refused with the rule's German message if a hard rule would break."""
    _refuse_while_solving(period)
    if not PlanAssignment.objects.filter(period=period).exists():
        raise DomainError("no_plan", _("Es gibt noch keinen Plan für diesen Zeitraum."))
    row = PlanAssignment.objects.filter(period=period, employee=employee, day=day).first()
    if row is None:
        raise DomainError(
            "no_cell", _("Für diese Person und diesen Tag gibt es keinen Planeintrag.")
        )
    problem, ctx = build_problem(period)
    rows = current_assignments(period)
    new = PlanAssignment(
        period=period,
        employee=employee,
        day=day,
        activity=activity,
        room=room if activity == Activity.OFFICE else None,
        shift_type=shift_type if activity == Activity.SHIFT else None,
    )
    if activity == Activity.OFFICE and room is None:
        raise DomainError("room_missing", _("Für einen Bürotag bitte einen Raum wählen."))
    if activity == Activity.SHIFT and shift_type is None:
        raise DomainError("shift_missing", _("Für einen Schichttag bitte eine Schicht wählen."))
    new_a = row_to_assignment(new)
    changed = [
        new_a if (a.employee_id, a.day) == (new_a.employee_id, new_a.day) else a for a in rows
    ]
    before = set(check_rows(problem, ctx, rows))
    after = check_rows(problem, ctx, changed)
    broken = [v for v in after if v not in before]
    if broken:
        raise DomainError(
            "hard_rule",
            describe_violation(problem, broken[0]),
            status=422,
            errors=[{"field": None, "message": describe_violation(problem, v)} for v in broken[:5]],
        )
    snap = audit.snapshot(row)
    row.activity = new.activity
    row.room = new.room
    row.shift_type = new.shift_type
    row.save(update_fields=["activity", "room", "shift_type"])
    audit.record(
        actor=actor,
        instance=row,
        action="update",
        before=snap,
        after=audit.snapshot(row),
        summary=f"Planeintrag {day:%d.%m.%Y} manuell geändert",
    )
    if period.status == Status.INFEASIBLE:
        PlanningPeriod.objects.filter(pk=period.pk).update(status=Status.SOLVED)
    return row


# --- wishes and absences ------------------------------------------------------------------


def wish_set(*, actor, employee: Employee, day: date, kind: str, note: str = "") -> Wish:
    wish, _created = Wish.objects.update_or_create(
        employee=employee,
        day=day,
        defaults={"kind": kind, "note": note, "municipality_id": employee.municipality_id},
    )
    return wish


def wish_delete(*, actor, wish: Wish) -> None:
    wish.delete()


@transaction.atomic
def absence_create(
    *, actor, employees: list[Employee], start: date, end: date, kind: str, note: str = ""
) -> list[Absence]:
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
        audit.record(
            actor=actor,
            instance=a,
            action="create",
            summary=f"Abwesenheit {start:%d.%m.}–{end:%d.%m.%Y} eingetragen",
        )
    return created


def absence_delete(*, actor, absence: Absence) -> None:
    audit.record(actor=actor, instance=absence, action="delete", summary="Abwesenheit gelöscht")
    absence.delete()
