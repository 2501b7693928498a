"""Staff requests: create with clear refusals, stand down, keep the status in step."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or, stamp_created
from rathaus.core.models import Municipality
from rathaus.core.problems import Conflict, DomainError
from rathaus.staffpool import tasks
from rathaus.staffpool.models import MemberQualification, Secondment, Skill, StaffRequest

REQUEST_FIELDS = {
    "title",
    "for_region",
    "requester_label",
    "required_skills",
    "desired_skills",
    "slots",
    "team_size",
    "lead_skill",
    "remote",
    "site_postcode",
    "site",
    "start",
    "end",
    "hours_per_week",
    "shifts",
    "weekends",
    "urgency",
    "cost_share",
    "internal_note",
}


def _check(municipality: Municipality, data: dict, today) -> None:
    if data["end"] < data["start"]:
        raise DomainError("period_order", _("Das Ende liegt vor dem Beginn."))
    if data["start"] < today:
        raise DomainError("period_past", _("Der Zeitraum beginnt in der Vergangenheit."))
    labels = dict(Skill.choices)
    for skill in data.get("required_skills", []):
        if skill not in labels:
            raise DomainError("skill_unknown", _("Unbekannte Qualifikation."))
        holders = MemberQualification.objects.filter(
            skill=skill,
            member__status="active",
            member__municipality__region_id=municipality.region_id,
        ).exclude(valid_until__lt=data["start"])
        if not data.get("for_region"):
            holders = holders.exclude(member__municipality=municipality)
        if not holders.exists():
            raise DomainError(
                "skill_missing",
                _("Niemand im Pool der Region hat die Qualifikation „%(skill)s“.")
                % {"skill": labels[skill]},
            )


@transaction.atomic
def request_create(
    *, actor, municipality: Municipality, data: dict, now=None, notify: bool = True
) -> StaffRequest:
    now = now_or(now)
    data = {k: v for k, v in data.items() if k in REQUEST_FIELDS}
    _check(municipality, data, timezone.localdate(now))
    request = StaffRequest.objects.create(municipality=municipality, created_by=actor, **data)
    stamp_created(request, now)
    audit.record(
        actor=actor,
        instance=request,
        action="create",
        after=audit.snapshot(request),
        summary=f"Personalanfrage „{request.title}“ angelegt",
    )
    if notify:
        transaction.on_commit(lambda: tasks.alert_members.delay(request.pk))
    return request


def refresh_status(request: StaffRequest) -> StaffRequest:
    """open → partly covered → covered, from the secondments that hold people."""
    if request.status in (StaffRequest.Status.STOOD_DOWN, StaffRequest.Status.CLOSED):
        return request
    held = request.secondments.filter(status__in=Secondment.HOLDING).count()
    status = "covered" if held >= request.slots else "partly" if held else "open"
    if status != request.status:
        request.status = status
        request.save(update_fields=["status"])
    return request


@transaction.atomic
def request_stand_down(*, actor, request: StaffRequest) -> StaffRequest:
    if request.status in ("stood_down", "closed"):
        raise Conflict("request_done", _("Diese Anfrage ist bereits beendet."))
    request.status = StaffRequest.Status.STOOD_DOWN
    request.save(update_fields=["status"])
    request.secondments.filter(status="proposed").update(status="cancelled")
    audit.record(actor=actor, instance=request, action="action", summary=_("Anfrage abbestellt."))
    return request
