"""Pool members: volunteer or be nominated with consent, qualifications with expiry."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or, stamp_created
from rathaus.core.models import Employee
from rathaus.core.problems import DomainError
from rathaus.staffpool.models import MemberQualification, PoolMember

MEMBER_FIELDS = {
    "entry",
    "employment",
    "languages",
    "driving_licence",
    "postcode",
    "max_travel_minutes",
    "available_from",
    "available_until",
    "share",
    "shifts",
    "weekends",
    "remote",
    "note",
    "status",
}


def _check_window(data: dict) -> None:
    start, end = data.get("available_from"), data.get("available_until")
    if start and end and end < start:
        raise DomainError("window_order", _("„Verfügbar bis“ liegt vor „verfügbar ab“."))


@transaction.atomic
def member_create(*, actor, employee: Employee, data: dict, now=None) -> PoolMember:
    now = now_or(now)
    unknown = set(data) - MEMBER_FIELDS
    if unknown:
        raise DomainError("unknown_fields", _("Unbekannte Angaben."))
    _check_window(data)
    if PoolMember.objects.filter(employee=employee).exists():
        raise DomainError("already_member", _("Diese Person ist bereits im Pool."))
    member = PoolMember.objects.create(
        municipality_id=employee.municipality_id, employee=employee, consent_at=now, **data
    )
    stamp_created(member, now)
    audit.record(
        actor=actor,
        instance=member,
        action="create",
        after=audit.snapshot(member),
        summary=f"Poolmitglied {member.pseudonym} aufgenommen",
    )
    return member


@transaction.atomic
def member_update(*, actor, member: PoolMember, data: dict) -> PoolMember:
    _check_window(
        {
            "available_from": data.get("available_from", member.available_from),
            "available_until": data.get("available_until", member.available_until),
        }
    )
    before = audit.snapshot(member)
    for key, value in data.items():
        if key in MEMBER_FIELDS:
            setattr(member, key, value)
    member.save()
    audit.record(
        actor=actor,
        instance=member,
        action="update",
        before=before,
        after=audit.snapshot(member),
        summary=_("Poolmitglied %(pseudonym)s geändert") % {"pseudonym": member.pseudonym},
    )
    return member


@transaction.atomic
def qualification_set(
    *, actor, member: PoolMember, skill: str, valid_until: date | None, proof: str = ""
) -> MemberQualification:
    row, _created = MemberQualification.objects.update_or_create(
        member=member,
        skill=skill,
        defaults={
            "municipality_id": member.municipality_id,
            "valid_until": valid_until,
            "proof": proof,
        },
    )
    audit.record(
        actor=actor,
        instance=row,
        action="update",
        summary=_("Qualifikation %(skill)s für %(pseudonym)s eingetragen")
        % {"skill": skill, "pseudonym": member.pseudonym},
    )
    return row


@transaction.atomic
def qualification_delete(*, actor, qualification: MemberQualification) -> None:
    audit.record(
        actor=actor,
        instance=qualification,
        action="delete",
        summary=f"Qualifikation {qualification.skill} entfernt",
    )
    qualification.delete()
