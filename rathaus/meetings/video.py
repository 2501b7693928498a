"""Video conference links from the configured provider: Jitsi Meet, BigBlueButton or a URL template.

The link that travels in invitations and feeds is never the provider's URL but Rathaus's own
join gate (``views.meeting.join``): it checks that the person is invited and that the meeting
opens soon, and only then asks the provider (BigBlueButton: a real ``create`` call signed with the
shared secret) and redirects. So a forwarded invitation does not let strangers in, and a link
cannot be used days ahead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from rathaus.core.problems import DomainError
from rathaus.meetings import conf
from rathaus.meetings.models import Meeting

HTTP_TIMEOUT_SECONDS = 10
GRACE_AFTER_END = timedelta(minutes=30)


@dataclass(frozen=True)
class VideoRoom:
    """A room for an event that is not a ``Meeting`` (e.g. a participation conference): the
    same attributes the provider code reads from a meeting."""

    video_room: str
    title: str
    start: datetime
    end: datetime


Room = Meeting | VideoRoom


@dataclass(frozen=True)
class Participant:
    name: str
    moderator: bool
    key: str  # stable, not personal: e.g. "m17" for membership 17


def opens_at(meeting: Room) -> datetime:
    return meeting.start - timedelta(minutes=conf.join_lead_minutes())


def join_open(meeting: Meeting, now: datetime) -> bool:
    """The link is usable from the configured minutes before the start until shortly after the end."""
    return (
        meeting.has_video
        and not meeting.cancelled
        and opens_at(meeting) <= now < meeting.end + GRACE_AFTER_END
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jitsi_jwt(*, room: str, participant: Participant, meeting: Room, secret: str) -> str:
    """HS256 token as Jitsi's token authentication expects it (room, moderator flag, validity)."""
    app_id = conf.jitsi_app_id()
    host = urllib.parse.urlsplit(conf.video_url()).hostname or "*"
    claims = {
        "aud": app_id,
        "iss": app_id,
        "sub": host,
        "room": room,
        "nbf": int(opens_at(meeting).timestamp()),
        "exp": int((meeting.end + GRACE_AFTER_END).timestamp()),
        "context": {"user": {"name": participant.name, "moderator": participant.moderator}},
        "moderator": participant.moderator,
    }
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def bbb_checksum(call: str, query: str, secret: str) -> str:
    return hashlib.sha1(f"{call}{query}{secret}".encode()).hexdigest()  # noqa: S324 (BBB's API)


def _bbb_url(call: str, params: dict[str, str]) -> str:
    query = urllib.parse.urlencode(params)
    checksum = bbb_checksum(call, query, conf.video_secret())
    return f"{conf.video_url().rstrip('/')}/api/{call}?{query}&checksum={checksum}"


def _bbb_password(meeting: Room, kind: str) -> str:
    return hmac.new(
        conf.video_secret().encode(), f"{meeting.video_room}:{kind}".encode(), hashlib.sha256
    ).hexdigest()[:16]


def bbb_create(meeting: Room) -> None:
    """``create`` is idempotent in BigBlueButton: calling it again for a running meeting is fine."""
    url = _bbb_url(
        "create",
        {
            "name": meeting.title,
            "meetingID": meeting.video_room,
            "attendeePW": _bbb_password(meeting, "attendee"),
            "moderatorPW": _bbb_password(meeting, "moderator"),
            "record": "false",
        },
    )
    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(65536).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DomainError(
            "video_unavailable",
            _(
                "Der Videodienst ist gerade nicht erreichbar. Bitte in einer Minute erneut versuchen."
            ),
            status=503,
        ) from exc
    code = re.search(r"<returncode>\s*(\w+)\s*</returncode>", body)
    if not code or code.group(1) != "SUCCESS":
        raise DomainError(
            "video_refused",
            _("Der Videodienst hat die Konferenz abgelehnt. Bitte die Konfiguration prüfen."),
            status=502,
        )


def provider_url(meeting: Room, participant: Participant) -> str:
    """The provider's URL for this participant; BigBlueButton's meeting is created on the way."""
    provider = conf.video_provider()
    room = meeting.video_room
    if provider == "bbb":
        bbb_create(meeting)
        kind = "moderator" if participant.moderator else "attendee"
        return _bbb_url(
            "join",
            {
                "fullName": participant.name,
                "meetingID": room,
                "password": _bbb_password(meeting, kind),
                "userID": participant.key,
                "redirect": "true",
            },
        )
    if provider == "url":
        return conf.video_url().format(room=urllib.parse.quote(room))
    url = f"{conf.video_url().rstrip('/')}/{urllib.parse.quote(room)}"
    secret = conf.video_secret()
    if secret:
        token = jitsi_jwt(room=room, participant=participant, meeting=meeting, secret=secret)
        url += f"?jwt={token}"
    return url
