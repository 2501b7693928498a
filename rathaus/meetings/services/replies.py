"""Calendar replies (iTIP, RFC 5546 METHOD:REPLY): a member's calendar answers the invitation.

The .ics arrives through the member's personal link (a calendar or mail gateway posts it, or
the member uploads it on their page), so the link identifies the person; the reply must name
one of our meetings (``UID sitzung-<id>@rathaus``) in a body where that person sits, carry
``PARTSTAT`` ACCEPTED or DECLINED, and answer the current version of the invitation.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.utils.translation import gettext as _
from icalendar import Calendar

from rathaus.core.problems import DomainError
from rathaus.meetings.models import Attendance, Meeting, Membership
from rathaus.meetings.services.meetings import attendance_respond

MAX_REPLY_BYTES = 64 * 1024
_UID = re.compile(r"^sitzung-(\d{1,12})@rathaus$")


def _bad(code: str, message: str) -> DomainError:
    return DomainError(code, message, errors=[{"field": "ics"}])


def _event(data: bytes):
    if len(data) > MAX_REPLY_BYTES:
        raise _bad("reply_too_large", _("Die Kalenderantwort ist zu groß (höchstens 64 KB)."))
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, UnicodeDecodeError) as exc:
        raise _bad("reply_invalid", _("Das ist keine gültige iCalendar-Datei.")) from exc
    if str(calendar.get("method", "")).upper() != "REPLY":
        raise _bad("reply_method", _("Erwartet wird eine Kalenderantwort (METHOD:REPLY)."))
    events = calendar.walk("VEVENT")
    if len(events) != 1:
        raise _bad("reply_event", _("Die Antwort muss genau einen Termin enthalten."))
    return events[0]


def _partstat(event, emails: set[str]) -> str:
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
    for attendee in attendees:
        address = str(attendee).lower().removeprefix("mailto:")
        if not emails or address in emails:
            return str(attendee.params.get("PARTSTAT", "")).upper()
    raise _bad("reply_attendee", _("Die Antwort stammt nicht von der eingeladenen Person."))


def _meeting(event, membership: Membership) -> tuple[Meeting, Membership]:
    match = _UID.match(str(event.get("uid", "")))
    if match is None:
        raise _bad("reply_unknown", _("Diese Antwort gehört zu keiner Sitzung in Rathaus."))
    seats = (
        Membership.objects.filter(employee_id=membership.employee_id)
        if membership.employee_id
        else Membership.objects.filter(pk=membership.pk)
    )
    meeting = Meeting.objects.filter(pk=int(match[1]), body__memberships__in=seats).first()
    if meeting is None:
        raise _bad("reply_unknown", _("Diese Antwort gehört zu keiner Ihrer Sitzungen."))
    seat = seats.filter(body_id=meeting.body_id).order_by("rank").first()
    return meeting, seat


def attendance_reply_ics(
    *, membership: Membership, data: bytes, now: datetime | None = None
) -> Attendance:
    """Applies a METHOD:REPLY to the person's attendance (accepted / declined)."""
    event = _event(data)
    meeting, seat = _meeting(event, membership)
    if int(event.get("sequence", 0) or 0) < meeting.sequence:
        raise _bad(
            "reply_outdated",
            _("Die Antwort gilt einer älteren Fassung der Einladung; bitte die neue beantworten."),
        )
    emails = {e.lower() for e in (seat.email, membership.email) if e}
    partstat = _partstat(event, emails)
    if partstat not in ("ACCEPTED", "DECLINED"):
        raise _bad("reply_partstat", _("Bitte zusagen oder absagen (ACCEPTED oder DECLINED)."))
    return attendance_respond(
        membership=seat, meeting=meeting, accept=partstat == "ACCEPTED", now=now
    )
