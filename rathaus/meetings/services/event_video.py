"""The town's video provider for events outside the meetings app — the public entry point
other apps call (today: the conferences of participation), so the provider code (Jitsi Meet
with token, BigBlueButton with signed calls, URL template) exists once.

The caller is the gate: it hands out the URL only to people it admits (e.g. a confirmed
registration) and only inside ``event_video_window`` — the same window as a meeting's join
gate (the configured minutes before the start until 30 minutes after the end). The URL itself
is never printed in public pages or e-mails.
"""

from __future__ import annotations

from datetime import datetime

from rathaus.meetings import video
from rathaus.meetings.video import VideoRoom

__all__ = ["VideoRoom", "event_video_url", "event_video_window"]


def event_video_window(room: VideoRoom) -> tuple[datetime, datetime]:
    """From when until when the room may be entered."""
    return video.opens_at(room), room.end + video.GRACE_AFTER_END


def event_video_url(*, room: VideoRoom, name: str, key: str) -> str:
    """The provider's URL for one guest (never a moderator). BigBlueButton's room is created
    on the way (idempotent); a provider that cannot be reached raises ``DomainError`` 503."""
    return video.provider_url(room, video.Participant(name=name, moderator=False, key=key))
