"""iCalendar (RFC 5545) invitations and feeds; the video link as RFC 7986 CONFERENCE.

The CONFERENCE URI is Rathaus's own join gate (for members: their personal gate), never the
provider's URL: the gate decides who may join and from when (see ``video``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
        return room_text(
            number=room.number,
            name=loc.name,
            street=loc.street,
            postal_code=loc.postal_code,
            city=loc.city,
        )
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
    event.add("summary", summary_of(meeting.body.name, meeting.title))
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
    if len(line) <= 75 and line.isascii():
        return line
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


def utc_text(moment: datetime) -> str:
    """UTC as iCalendar writes it (seconds; ``selectors.ICalUtc`` is the same in SQL)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class FeedEntry:
    """What one event of a feed shows: plain values, so that a public feed of a thousand
    meetings is written from one narrow query without building a model object per row."""

    pk: int
    summary: str
    start: str  # in UTC as iCalendar writes it: 20261203T070000Z (``utc_text``)
    end: str
    sequence: int
    cancelled: bool
    modified: str
    location: str
    has_video: bool
    agenda: tuple[str, ...]


def summary_of(body_name: str, title: str) -> str:
    return f"{body_name}: {title}" if title != body_name else title


def room_text(*, number: str, name: str, street: str, postal_code: str, city: str) -> str:
    return f"{name}, Raum {number}, {street}, {postal_code} {city}"


def entry_for(meeting: Meeting, *, public_only: bool) -> FeedEntry:
    items = [i for i in meeting.items.all() if i.public or not public_only]
    return FeedEntry(
        pk=meeting.pk,
        summary=summary_of(meeting.body.name, meeting.title),
        start=utc_text(meeting.start),
        end=utc_text(meeting.end),
        sequence=meeting.sequence,
        cancelled=meeting.cancelled,
        modified=utc_text(meeting.modified),
        location=location_text(meeting),
        has_video=meeting.has_video,
        agenda=tuple(f"{i.position}. {i.title}" for i in items),
    )


def _feed_event(entry: FeedEntry, gate_url: str | None, *, stamp: str, words: dict) -> list[str]:
    """The same event as ``event_for``, written directly: feeds hold hundreds of meetings and
    the generic library costs about a millisecond per event."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:sitzung-{entry.pk}@rathaus",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{entry.start}",
        f"DTEND:{entry.end}",
        f"SUMMARY:{_escape(entry.summary)}",
        f"SEQUENCE:{entry.sequence}",
        f"STATUS:{'CANCELLED' if entry.cancelled else 'CONFIRMED'}",
        f"LAST-MODIFIED:{entry.modified}",
    ]
    location = entry.location or (words["video"] if entry.has_video else "")
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    description = (words["agenda"] + "\n" + "\n".join(entry.agenda)) if entry.agenda else ""
    if gate_url is not None and entry.has_video:
        lines.append(f'CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL="{words["join"]}":{gate_url}')
        description = words["gate"] % {"url": gate_url, "minutes": words["minutes"]} + (
            "\n\n" + description if description else ""
        )
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    lines.append("END:VEVENT")
    return lines


def _words() -> dict:
    """The translated words of a feed, looked up once per feed rather than once per event."""
    return {
        "video": _("Videokonferenz"),
        "agenda": _("Tagesordnung:"),
        "join": _escape(_("Videokonferenz beitreten")),
        "gate": _("Videokonferenz: %(url)s (ab %(minutes)s Minuten vor Beginn)"),
        "minutes": conf.join_lead_minutes(),
    }


def _calendar_lines(name: str) -> list[str]:
    return [
        "BEGIN:VCALENDAR",
        "PRODID:-//Rathaus//Gremien//DE",
        "VERSION:2.0",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        f"NAME:{_escape(name)}",
    ]


def _finish(lines: list[str]) -> bytes:
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


def public_feed(entries: Iterable[FeedEntry], *, name: str) -> bytes:
    """A public body's feed (``selectors.feed_entries``): public items only, no video link."""
    stamp = utc_text(datetime.now(UTC))
    words = _words()
    lines = _calendar_lines(name)
    for entry in entries:
        lines += _feed_event(entry, None, stamp=stamp, words=words)
    return _finish(lines)


def feed(
    meetings: Iterable[Meeting], *, name: str, membership_for=None, public_only: bool
) -> bytes:
    """A subscribable feed. ``membership_for(meeting)`` gives the member whose gate link to use;
    public feeds carry no video link at all."""
    stamp = utc_text(datetime.now(UTC))
    words = _words()
    lines = _calendar_lines(name)
    for meeting in meetings:
        membership = membership_for(meeting) if membership_for else None
        gate = join_gate_url(meeting, membership) if membership is not None else None
        entry = entry_for(meeting, public_only=public_only)
        lines += _feed_event(entry, gate, stamp=stamp, words=words)
    return _finish(lines)
