"""Settings of the meetings app (read here only).

RATHAUS_MEETINGS_VIDEO_PROVIDER   "jitsi" (default), "bbb" or "url"
RATHAUS_MEETINGS_VIDEO_URL        Jitsi base URL, BigBlueButton API base (…/bigbluebutton/) or a
                                  URL template with {room} for "url"
RATHAUS_MEETINGS_VIDEO_SECRET     Jitsi JWT secret (optional) or BigBlueButton shared secret
RATHAUS_MEETINGS_JITSI_APP_ID     Jitsi JWT "iss"/"aud" (default "rathaus")
RATHAUS_MEETINGS_JOIN_LEAD_MINUTES  minutes before the start from which the link is shown (15)
RATHAUS_MEETINGS_HORIZON_DAYS     how far ahead series are planned (120)
RATHAUS_MEETINGS_MAX_UPLOAD       bytes per agenda document (20 MB)
RATHAUS_MEETINGS_DOCUMENTS_ROOT   folder of agenda documents (var/meetings-documents)
RATHAUS_MEETINGS_OPARL_PAGE_SIZE  default OParl page size (100, at most 1000)
RATHAUS_MEETINGS_CACHE_SECONDS    how long rendered fragments, feeds and OParl counts live (300; 0 = off)
RATHAUS_MEETINGS_REMINDER_HOURS   hours before an invited meeting when the reminder goes out (24)
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def video_provider() -> str:
    return getattr(settings, "RATHAUS_MEETINGS_VIDEO_PROVIDER", "jitsi")


def video_url() -> str:
    return getattr(settings, "RATHAUS_MEETINGS_VIDEO_URL", "https://meet.jit.si")


def video_secret() -> str:
    return getattr(settings, "RATHAUS_MEETINGS_VIDEO_SECRET", "")


def jitsi_app_id() -> str:
    return getattr(settings, "RATHAUS_MEETINGS_JITSI_APP_ID", "rathaus")


def join_lead_minutes() -> int:
    return int(getattr(settings, "RATHAUS_MEETINGS_JOIN_LEAD_MINUTES", 15))


def horizon_days() -> int:
    return int(getattr(settings, "RATHAUS_MEETINGS_HORIZON_DAYS", 120))


def max_upload_bytes() -> int:
    return int(getattr(settings, "RATHAUS_MEETINGS_MAX_UPLOAD", 20 * 1024 * 1024))


def oparl_page_size() -> int:
    return int(getattr(settings, "RATHAUS_MEETINGS_OPARL_PAGE_SIZE", 100))


def cache_seconds() -> int:
    return int(getattr(settings, "RATHAUS_MEETINGS_CACHE_SECONDS", 300))


def reminder_hours() -> int:
    return int(getattr(settings, "RATHAUS_MEETINGS_REMINDER_HOURS", 24))


def organizer_email() -> str:
    from_email = str(getattr(settings, "DEFAULT_FROM_EMAIL", "noreply@rathaus.invalid"))
    return from_email.split("<")[-1].rstrip(">").strip()


def documents_root() -> str:
    """Where agenda documents are stored (served only through the app, never as media)."""
    default = str(settings.BASE_DIR / "var" / "meetings-documents")
    return str(getattr(settings, "RATHAUS_MEETINGS_DOCUMENTS_ROOT", default))


def document_storage() -> FileSystemStorage:
    return FileSystemStorage(location=documents_root())
