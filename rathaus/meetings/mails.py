"""Invitation e-mails with the agenda and the .ics (REQUEST or CANCEL)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import links
from rathaus.meetings import conf, ical
from rathaus.meetings.models import Attendance, Meeting


def _body_text(meeting: Meeting, membership, *, cancel: bool) -> str:
    start = timezone.localtime(meeting.start)
    lines = [
        _("Guten Tag %(name)s,") % {"name": membership.person_name},
        "",
        (
            _("die Sitzung „%(title)s“ am %(date)s um %(time)s Uhr ist abgesagt.")
            if cancel
            else _("Sie sind eingeladen zur Sitzung „%(title)s“ am %(date)s um %(time)s Uhr.")
        )
        % {
            "title": meeting.title,
            "date": start.strftime("%d.%m.%Y"),
            "time": start.strftime("%H:%M"),
        },
    ]
    if not cancel:
        if meeting.has_video:
            lines += [
                "",
                _("Videokonferenz (der Link öffnet %(minutes)s Minuten vor Beginn): %(url)s")
                % {
                    "minutes": conf.join_lead_minutes(),
                    "url": ical.join_gate_url(meeting, membership),
                },
            ]
        items = list(meeting.items.all())
        if items:
            lines += ["", _("Tagesordnung:")] + [f"{i.position}. {i.title}" for i in items]
        if membership.is_external:
            lines += [
                "",
                _("Ihre persönliche Seite: %(url)s")
                % {"url": links.site_url() + reverse("meetings:personal", args=[membership.token])},
            ]
    return "\n".join(lines)


def _reminder_text(meeting: Meeting, membership) -> str:
    start = timezone.localtime(meeting.start)
    lines = [
        _("Guten Tag %(name)s,") % {"name": membership.person_name},
        "",
        _("zur Erinnerung: die Sitzung „%(title)s“ beginnt am %(date)s um %(time)s Uhr.")
        % {
            "title": meeting.title,
            "date": start.strftime("%d.%m.%Y"),
            "time": start.strftime("%H:%M"),
        },
    ]
    if meeting.has_video:
        lines += [
            "",
            _("Videokonferenz (der Link öffnet %(minutes)s Minuten vor Beginn): %(url)s")
            % {"minutes": conf.join_lead_minutes(), "url": ical.join_gate_url(meeting, membership)},
        ]
    elif meeting.room_id:
        lines += ["", _("Ort: %(place)s") % {"place": ical.location_text(meeting)}]
    items = list(meeting.items.all())
    if items:
        lines += ["", _("Tagesordnung:")] + [f"{i.position}. {i.title}" for i in items]
    lines += [
        "",
        _("Zu- oder absagen: %(url)s")
        % {"url": links.site_url() + reverse("meetings:personal", args=[membership.token])},
    ]
    return "\n".join(lines)


def send_reminders(meeting_id: int) -> int:
    """One reminder to every member with an e-mail who has not declined or been excused."""
    meeting = Meeting.objects.select_related("body", "room__location").get(pk=meeting_id)
    away = set(
        meeting.attendances.filter(
            status__in=[Attendance.Status.DECLINED, Attendance.Status.EXCUSED]
        ).values_list("membership_id", flat=True)
    )
    sent = 0
    for membership in meeting.body.memberships.select_related("employee"):
        if not membership.email or membership.pk in away:
            continue
        EmailMessage(
            subject=_("Erinnerung: %(title)s") % {"title": meeting.title},
            body=_reminder_text(meeting, membership),
            to=[membership.email],
        ).send()
        sent += 1
    return sent


def send_invitations(meeting_id: int, *, cancel: bool) -> int:
    meeting = Meeting.objects.select_related("body", "room__location").get(pk=meeting_id)
    sent = 0
    for membership in meeting.body.memberships.select_related("employee"):
        if not membership.email:
            continue
        subject = (_("Abgesagt: %(title)s") if cancel else _("Einladung: %(title)s")) % {
            "title": meeting.title
        }
        message = EmailMessage(
            subject=subject,
            body=_body_text(meeting, membership, cancel=cancel),
            to=[membership.email],
        )
        message.attach(
            "sitzung.ics",
            ical.invitation(meeting, membership, cancel=cancel),
            f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'}",
        )
        message.send()
        sent += 1
    return sent


def send_deputy_notice(attendance_id: int) -> int:
    """Tells the named deputy whom they stand in for, with the time and their own join link."""
    attendance = Attendance.objects.select_related(
        "meeting__body", "meeting__room__location", "membership__employee", "deputy__employee"
    ).get(pk=attendance_id)
    deputy, meeting = attendance.deputy, attendance.meeting
    if deputy is None or not deputy.email:
        return 0
    start = timezone.localtime(meeting.start)
    lines = [
        _("Guten Tag %(name)s,") % {"name": deputy.person_name},
        "",
        _(
            "%(member)s kann an der Sitzung „%(title)s“ am %(date)s um %(time)s Uhr nicht "
            "teilnehmen und hat Sie als Vertretung benannt."
        )
        % {
            "member": attendance.membership.person_name,
            "title": meeting.title,
            "date": start.strftime("%d.%m.%Y"),
            "time": start.strftime("%H:%M"),
        },
    ]
    if meeting.has_video:
        lines += [
            "",
            _("Videokonferenz (der Link öffnet %(minutes)s Minuten vor Beginn): %(url)s")
            % {"minutes": conf.join_lead_minutes(), "url": ical.join_gate_url(meeting, deputy)},
        ]
    EmailMessage(
        subject=_("Vertretung: %(title)s") % {"title": meeting.title},
        body="\n".join(lines),
        to=[deputy.email],
    ).send()
    return 1
