"""Periodic work: plan series ahead, bring overdue assignments back onto the next agenda,
propose rhythm changes from the indicators, remind invitees before a meeting."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.clock import now_or
from rathaus.meetings import conf, mails
from rathaus.meetings.models import AgendaItem, Assignment, Meeting, Series
from rathaus.meetings.services.meetings import series_plan
from rathaus.meetings.services.minutes import agenda_item_add
from rathaus.meetings.services.rhythm import rhythm_check


def series_plan_all(*, now: datetime | None = None) -> int:
    created = 0
    for series in Series.objects.filter(active=True).select_related("body__municipality"):
        created += len(series_plan(actor=None, series=series, now=now))
    return created


def _next_meeting(body_id: int, now: datetime) -> Meeting | None:
    return (
        Meeting.objects.filter(body_id=body_id, cancelled=False, start__gt=now)
        .exclude(minutes_status__in=[Meeting.MinutesStatus.APPROVED, Meeting.MinutesStatus.LOCKED])
        .order_by("start")
        .first()
    )


@transaction.atomic
def assignments_carry_overdue(*, now: datetime | None = None, body_id: int | None = None) -> int:
    """Each open assignment past its due date returns on its body's next agenda (once per meeting)."""
    now = now_or(now)
    today = timezone.localdate(now)
    overdue = Assignment.objects.filter(
        status=Assignment.Status.OPEN, due__lt=today
    ).select_related("body")
    if body_id:
        overdue = overdue.filter(body_id=body_id)
    carried = 0
    for assignment in overdue:
        meeting = _next_meeting(assignment.body_id, now)
        if (
            meeting is None
            or AgendaItem.objects.filter(meeting=meeting, source_assignment=assignment).exists()
        ):
            continue
        agenda_item_add(
            actor=None,
            body=assignment.body,
            meeting=meeting,
            title=_("Wiedervorlage: %(what)s (fällig seit %(due)s)")
            % {"what": assignment.what[:200], "due": assignment.due.strftime("%d.%m.%Y")},
            kind=AgendaItem.Kind.FOLLOW_UP,
            source_assignment=assignment,
            presenter=assignment.assignee_label,
        )
        carried += 1
    return carried


def series_rhythm_check_all(*, now: datetime | None = None) -> int:
    """Every active series tied to indicators is checked; returns the open proposals."""
    now = now_or(now)
    open_proposals = 0
    for series in Series.objects.filter(active=True).exclude(indicator_ids=[]):
        if rhythm_check(series=series, now=now) is not None:
            open_proposals += 1
    return open_proposals


def meetings_send_reminders(*, now: datetime | None = None) -> int:
    """Invited meetings starting within ``RATHAUS_MEETINGS_REMINDER_HOURS`` get one reminder.

    Each meeting is marked under a row lock before its mails are queued, so two workers (or a
    job that runs late and catches up) never remind twice; the mails go after the commit.
    """
    now = now_or(now)
    due = Meeting.objects.filter(
        invited_at__isnull=False,
        reminded_at__isnull=True,
        cancelled=False,
        start__gt=now,
        start__lte=now + timedelta(hours=conf.reminder_hours()),
    )
    reminded = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            meeting = (
                Meeting.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if meeting is None:
                continue
            meeting.reminded_at = now
            meeting.save(update_fields=["reminded_at", "modified"])
            transaction.on_commit(lambda pk=pk: mails.send_reminders(pk))
            reminded += 1
    return reminded
