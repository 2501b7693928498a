"""Deputies: a member who cannot come names who stands in for them (or the office does).

A deputy must sit in the same body without a voting seat of their own and can stand in for
one member per meeting, so the quorum (``selectors.quorum``) never counts a person twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.meetings import caching, mails
from rathaus.meetings.models import Attendance, Meeting, Membership


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, errors=[{"field": "deputy"}])


def check_deputy(attendance: Attendance, deputy: Membership | None) -> None:
    """Raises at the deputy field unless ``deputy`` may stand in for this seat here."""
    if deputy is None:
        return
    if deputy.body_id != attendance.meeting.body_id:
        raise _refuse("deputy_foreign", _("Die Vertretung gehört nicht zu diesem Gremium."))
    if deputy.pk == attendance.membership_id:
        raise _refuse("deputy_self", _("Sie können sich nicht selbst vertreten."))
    if deputy.voting:
        raise _refuse(
            "deputy_voting",
            _("%(name)s hat selbst einen stimmberechtigten Sitz und kann nicht vertreten.")
            % {"name": deputy.person_name},
        )
    taken = (
        Attendance.objects.filter(meeting_id=attendance.meeting_id, deputy=deputy)
        .exclude(pk=attendance.pk)
        .select_related("membership__employee")
        .first()
    )
    if taken is not None:
        raise _refuse(
            "deputy_taken",
            _("%(name)s vertritt in dieser Sitzung schon %(other)s.")
            % {"name": deputy.person_name, "other": taken.membership.person_name},
        )


@transaction.atomic
def attendance_delegate(
    *, membership: Membership, meeting: Meeting, deputy: Membership, now: datetime | None = None
) -> Attendance:
    """The member declines and names their deputy; the deputy is told by e-mail."""
    now = now_or(now)
    if meeting.cancelled or meeting.end <= now:
        raise DomainError("closed", _("Auf diese Sitzung kann nicht mehr geantwortet werden."))
    attendance, _created = Attendance.objects.select_for_update().get_or_create(
        meeting=meeting,
        membership=membership,
        defaults={"municipality_id": meeting.municipality_id},
    )
    if attendance.status == Attendance.Status.PRESENT:
        raise DomainError("present", _("Sie sind in dieser Sitzung schon als anwesend erfasst."))
    check_deputy(attendance, deputy)
    attendance.status = Attendance.Status.DECLINED
    attendance.deputy = deputy
    attendance.save(update_fields=["status", "deputy"])
    caching.bump(meeting.body_id, meeting.municipality_id)
    audit.record(
        actor=membership.employee.user if membership.employee_id else None,
        instance=attendance,
        action="update",
        summary="Absage mit Vertretung",
    )
    pk = attendance.pk
    transaction.on_commit(lambda: mails.send_deputy_notice(pk))
    return attendance
