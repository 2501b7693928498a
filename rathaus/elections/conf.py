"""Settings of the elections app (read here only; the lead documents the env vars)."""

from django.conf import settings


def public_cache_seconds() -> int:
    """How long rendered public results stay cached (they are invalidated on approval anyway)."""
    return int(getattr(settings, "RATHAUS_ELECTIONS_CACHE_SECONDS", 600))


def poll_seconds() -> int:
    """How often the public page refreshes its figures on election night (10–30 s)."""
    return max(10, min(30, int(getattr(settings, "RATHAUS_ELECTIONS_POLL_SECONDS", 15))))


def max_upload_bytes() -> int:
    return int(getattr(settings, "RATHAUS_ELECTIONS_MAX_UPLOAD", 5 * 1024 * 1024))
