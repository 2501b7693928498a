"""Resolving a conflict between the plan and an absence entered after it: the person's
planned working days in the absence become absence days in the plan (the planner then
republishes; shift coverage that is now short is fixed by replanning from that day)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.problems import NotFound
from rathaus.presence.models import Activity, PlanAssignment, PlanningPeriod
from rathaus.presence.selectors.conflicts import absence_conflict
from rathaus.presence.selectors.plan import WORKING
from rathaus.presence.services.periods import period_lock, refuse_while_solving


@transaction.atomic
def conflict_resolve(*, actor, period: PlanningPeriod, absence_id: int) -> int:
    """Marks the absent person's planned working days as absent; returns how many changed."""
    period = period_lock(period)
    refuse_while_solving(period)
    conflict = absence_conflict(period, absence_id)
    if conflict is None:
        raise NotFound("no_conflict", _("Dieser Konflikt ist bereits gelöst."))
    absence = conflict.absence
    changed = PlanAssignment.objects.filter(
        period=period,
        employee_id=absence.employee_id,
        day__in=conflict.days,
        activity__in=WORKING,
    ).update(activity=Activity.ABSENT, room=None, shift_type=None)
    audit.record(
        actor=actor,
        instance=period,
        action="action",
        summary=_(
            "Konflikt mit Abwesenheit %(start)s–%(end)s "
            "gelöst: %(changed)s Planeinträge auf abwesend gesetzt"
        )
        % {
            "start": f"{absence.start:%d.%m.}",
            "end": f"{absence.end:%d.%m.%Y}",
            "changed": changed,
        },
    )
    return changed
