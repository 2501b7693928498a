"""Writes of planning periods, and the guard every write of a period's rules and plan passes."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.problems import Conflict
from rathaus.presence.models import PlanningPeriod
from rathaus.presence.selectors.periods import period_is_solving


def refuse_while_solving(period: PlanningPeriod, message: str | None = None) -> None:
    """Raises a Conflict while a solver job for the period is queued or running: the job
    computes with the rules and plan it read at its start."""
    if period_is_solving(period):
        raise Conflict("period_busy", message or _("Der Plan wird gerade berechnet; bitte warten."))


def period_lock(period: PlanningPeriod) -> PlanningPeriod:
    """The period's row, locked until the transaction ends (a job start waits for it)."""
    return PlanningPeriod.objects.select_for_update().get(pk=period.pk)


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
    refuse_while_solving(period)
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
        summary=_("Regeln des Planungszeitraums geändert"),
    )
    return period
