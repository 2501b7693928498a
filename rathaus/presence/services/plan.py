"""Manual edits of a computed plan, checked against the hard rules before they are saved."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Employee, Room
from rathaus.core.problems import DomainError
from rathaus.presence.models import (
    Activity,
    PlanAssignment,
    PlanningPeriod,
    ShiftType,
)
from rathaus.presence.roster_adapter.plan import (
    check_rows,
    current_assignments,
    describe_violation,
    row_to_assignment,
)
from rathaus.presence.roster_adapter.problem import build_problem
from rathaus.presence.selectors.plan import period_has_plan
from rathaus.presence.services.periods import refuse_while_solving

Status = PlanningPeriod.Status


@transaction.atomic
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
    refuse_while_solving(period)
    if not period_has_plan(period):
        raise DomainError("no_plan", _("Es gibt noch keinen Plan für diesen Zeitraum."))
    row = PlanAssignment.objects.filter(period=period, employee=employee, day=day).first()
    if row is None:
        raise DomainError(
            "no_cell", _("Für diese Person und diesen Tag gibt es keinen Planeintrag.")
        )
    if activity == Activity.OFFICE and room is None:
        raise DomainError("room_missing", _("Für einen Bürotag bitte einen Raum wählen."))
    if activity == Activity.SHIFT and shift_type is None:
        raise DomainError("shift_missing", _("Für einen Schichttag bitte eine Schicht wählen."))
    new = PlanAssignment(
        period=period,
        employee=employee,
        day=day,
        activity=activity,
        room=room if activity == Activity.OFFICE else None,
        shift_type=shift_type if activity == Activity.SHIFT else None,
    )
    _refuse_broken_rules(period, new)
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
        summary=_("Planeintrag %(day)s manuell geändert") % {"day": f"{day:%d.%m.%Y}"},
    )
    if period.status == Status.INFEASIBLE:
        PlanningPeriod.objects.filter(pk=period.pk).update(status=Status.SOLVED)
    return row


def _refuse_broken_rules(period: PlanningPeriod, new: PlanAssignment) -> None:
    """Raises with the rule's German message when the changed cell breaks a hard rule that
    the plan kept before (the independent checker judges both)."""
    problem, ctx = build_problem(period)
    rows = current_assignments(period)
    new_a = row_to_assignment(new)
    changed = [
        new_a if (a.employee_id, a.day) == (new_a.employee_id, new_a.day) else a for a in rows
    ]
    before = set(check_rows(problem, ctx, rows))
    broken = [v for v in check_rows(problem, ctx, changed) if v not in before]
    if broken:
        raise DomainError(
            "hard_rule",
            describe_violation(problem, broken[0]),
            status=422,
            errors=[{"field": None, "message": describe_violation(problem, v)} for v in broken[:5]],
        )
