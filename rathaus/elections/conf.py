"""Settings of the elections app, read here only (listed in .env.example and docs/elections.md)."""

from django.conf import settings


def public_cache_seconds() -> int:
    """How long rendered public results stay cached (they are invalidated on approval anyway).

    With a process-local cache (no CACHE_URL) other worker processes do not see the version
    bump, so entries must expire quickly there; with Redis they live long.
    """
    default = 600
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith("LocMemCache") or backend.endswith("DummyCache"):
        default = 5
    return int(getattr(settings, "RATHAUS_ELECTIONS_CACHE_SECONDS", default))


def poll_seconds() -> int:
    """How often the public page refreshes its figures on election night (10–30 s)."""
    return max(10, min(30, int(getattr(settings, "RATHAUS_ELECTIONS_POLL_SECONDS", 15))))


def max_upload_bytes() -> int:
    return int(getattr(settings, "RATHAUS_ELECTIONS_MAX_UPLOAD", 5 * 1024 * 1024))


def local_seconds() -> float:
    """How long a web process trusts its memo of an election's cache version (0 = always ask
    the shared cache). Bounds how late other processes show newly approved figures."""
    return float(getattr(settings, "RATHAUS_ELECTIONS_LOCAL_SECONDS", 1.0))
