"""Periodic jobs of the staff pool: reminders before a secondment ends; requests whose period
is over are closed."""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Role, User
from rathaus.staffpool.models import Secondment, StaffRequest

REMIND_DAYS = 14


def _recipients(secondment: Secondment) -> list[str]:
    coordinators = [
        u.email
        for u in User.objects.filter(municipality_id=secondment.municipality_id, is_active=True)
        if u.email and u.has_role(Role.POOL_COORDINATOR)
    ]
    helper = secondment.member.employee.email
    return sorted({*coordinators, *([helper] if helper else [])})


@transaction.atomic
def secondments_remind_ending(*, now=None, days: int = REMIND_DAYS) -> int:
    """Once per secondment: the helper and the home coordinators hear `days` before the end
    (so that an extension, with a hearing beyond three months, can be prepared)."""
    now = now_or(now)
    today = timezone.localdate(now)
    due = (
        Secondment.objects.select_for_update()
        .filter(
            status=Secondment.Status.ACCEPTED,
            reminded_at__isnull=True,
            end__gte=today,
            end__lte=today + timedelta(days=days),
        )
        .select_related("member__employee", "request")
    )
    sent = 0
    for s in due:
        recipients = _recipients(s)
        if recipients:
            send_mail(
                _("Abordnung endet am %(end)s") % {"end": date_format(s.end, "SHORT_DATE_FORMAT")},
                _(
                    "Die Abordnung von %(id)s („%(title)s“) endet am %(end)s. Soll sie "
                    "verlängert werden, ist bei mehr als drei Monaten vorher eine Anhörung "
                    "nötig."
                )
                % {
                    "id": s.member.pseudonym,
                    "title": s.request.title,
                    "end": date_format(s.end, "SHORT_DATE_FORMAT"),
                },
                None,
                recipients,
            )
            sent += 1
        s.reminded_at = now
        s.save(update_fields=["reminded_at"])
    return sent


@transaction.atomic
def requests_close_finished(*, now=None) -> int:
    """The last step of a request's lifecycle: once its period is over it is closed (also
    when it was stood down or never covered); proposals nobody decided on lapse. One audit
    entry per request, in the requesting municipality's log."""
    now = now_or(now)
    today = timezone.localdate(now)
    finished = (
        StaffRequest.objects.select_for_update()
        .filter(end__lt=today)
        .exclude(status=StaffRequest.Status.CLOSED)
    )
    closed = 0
    for request in finished:
        request.status = StaffRequest.Status.CLOSED
        request.save(update_fields=["status"])
        request.secondments.filter(status=Secondment.Status.PROPOSED).update(
            status=Secondment.Status.CANCELLED
        )
        audit.record(
            actor=None,
            instance=request,
            action="action",
            summary=_("Anfrage abgeschlossen: der Zeitraum ist vorbei."),
        )
        closed += 1
    return closed
