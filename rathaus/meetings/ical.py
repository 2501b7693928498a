"""iCalendar (RFC 5545) invitations and feeds; the video link as RFC 7986 CONFERENCE.

The CONFERENCE URI is Rathaus's own join gate (for members: their personal gate), never the
provider's URL: the gate decides who may join and from when (see ``video``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText, vUri

from rathaus.core import links
from rathaus.meetings import conf
from rathaus.meetings.models import Meeting, Membership


def join_gate_url(meeting: Meeting, membership: Membership | None = None) -> str:
    if membership is not None:
        path = reverse("meetings:personal_join", args=[membership.token, meeting.pk])
    else:
        path = reverse("meetings:join", args=[meeting.pk])
    return links.site_url() + path


def location_text(meeting: Meeting) -> str:
    if meeting.room_id:
        room = meeting.room
        loc = room.location
        return f"{loc.name}, Raum {room.number}, {loc.street}, {loc.postal_code} {loc.city}"
    return _("Videokonferenz") if meeting.has_video else ""


def _agenda_text(meeting: Meeting, *, public_only: bool) -> str:
    items = meeting.items.all()
    if public_only:
        items = [i for i in items if i.public]
    lines = [f"{i.position}. {i.title}" for i in items]
    return (_("Tagesordnung:") + "\n" + "\n".join(lines)) if lines else ""


def event_for(
    meeting: Meeting,
    *,
    membership: Membership | None = None,
    with_video: bool = True,
    public_only: bool = False,
    attendees: Iterable[Membership] = (),
) -> Event:
    event = Event()
    event.add("uid", f"sitzung-{meeting.pk}@rathaus")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", meeting.start.astimezone(UTC))
    event.add("dtend", meeting.end.astimezone(UTC))
    event.add(
        "summary",
        f"{meeting.body.name}: {meeting.title}"
        if meeting.title != meeting.body.name
        else meeting.title,
    )
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("last-modified", meeting.modified.astimezone(UTC))
    location = location_text(meeting)
    if location:
        event["location"] = vText(location)
    description = _agenda_text(meeting, public_only=public_only)
    if with_video and meeting.has_video:
        url = join_gate_url(meeting, membership)
        conference = vUri(url)
        conference.params["VALUE"] = "URI"
        conference.params["FEATURE"] = "AUDIO,VIDEO"
        conference.params["LABEL"] = _("Videokonferenz beitreten")
        event.add("conference", conference)
        description = _("Videokonferenz: %(url)s (ab %(minutes)s Minuten vor Beginn)") % {
            "url": url,
            "minutes": conf.join_lead_minutes(),
        } + ("\n\n" + description if description else "")
    if description:
        event.add("description", description)
    for member in attendees:
        if member.email:
            address = vCalAddress(f"mailto:{member.email}")
            address.params["CN"] = vText(member.person_name)
            address.params["ROLE"] = "REQ-PARTICIPANT" if member.voting else "OPT-PARTICIPANT"
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            address.params["RSVP"] = "TRUE"
            event.add("attendee", address, encode=False)
    return event


def _calendar(method: str | None, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Rathaus//Gremien//DE")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("name", name)
    return cal


def invitation(meeting: Meeting, membership: Membership, *, cancel: bool = False) -> bytes:
    """METHOD:REQUEST (updates carry a higher SEQUENCE) or METHOD:CANCEL for one member."""
    cal = _calendar("CANCEL" if cancel else "REQUEST")
    organizer = vCalAddress(f"mailto:{conf.organizer_email()}")
    organizer.params["CN"] = vText(meeting.body.name)
    event = event_for(meeting, membership=membership, attendees=[membership])
    event.add("organizer", organizer, encode=False)
    cal.add_component(event)
    return cal.to_ical()


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets continue on the next line after a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _feed_event(meeting: Meeting, membership, *, public_only: bool, stamp: str) -> list[str]:
    """The same event as ``event_for``, written directly: feeds hold hundreds of meetings and
    the generic library costs about a millisecond per event."""
    summary = (
        f"{meeting.body.name}: {meeting.title}"
        if meeting.title != meeting.body.name
        else meeting.title
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:sitzung-{meeting.pk}@rathaus",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(meeting.start)}",
        f"DTEND:{_utc(meeting.end)}",
        f"SUMMARY:{_escape(summary)}",
        f"SEQUENCE:{meeting.sequence}",
        f"STATUS:{'CANCELLED' if meeting.cancelled else 'CONFIRMED'}",
        f"LAST-MODIFIED:{_utc(meeting.modified)}",
    ]
    location = location_text(meeting)
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    description = _agenda_text(meeting, public_only=public_only)
    if membership is not None and meeting.has_video:
        url = join_gate_url(meeting, membership)
        label = _escape(_("Videokonferenz beitreten"))
        lines.append(f'CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL="{label}":{url}')
        description = _("Videokonferenz: %(url)s (ab %(minutes)s Minuten vor Beginn)") % {
            "url": url,
            "minutes": conf.join_lead_minutes(),
        } + ("\n\n" + description if description else "")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    lines.append("END:VEVENT")
    return lines


def feed(
    meetings: Iterable[Meeting], *, name: str, membership_for=None, public_only: bool
) -> bytes:
    """A subscribable feed. ``membership_for(meeting)`` gives the member whose gate link to use;
    public feeds carry no video link at all."""
    stamp = _utc(datetime.now(UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Rathaus//Gremien//DE",
        "VERSION:2.0",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        f"NAME:{_escape(name)}",
    ]
    for meeting in meetings:
        membership = membership_for(meeting) if membership_for else None
        lines += _feed_event(meeting, membership, public_only=public_only, stamp=stamp)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
