"""Settings of the participation app (read lazily so tests can override them)."""

from __future__ import annotations

from django.conf import settings


def protection_enabled() -> bool:
    """Bench-only switch: RATHAUS_PARTICIPATION_PROTECTION=False disables proof of work and
    the per-IP limits (all benchmark clients share one IP). Never disable it in production."""
    return bool(getattr(settings, "RATHAUS_PARTICIPATION_PROTECTION", True))


def join_limit_per_hour() -> int:
    return int(getattr(settings, "RATHAUS_PARTICIPATION_JOIN_LIMIT", 20))


def post_limit_per_hour() -> int:
    """Ideas and comments per IP and hour (a spam burst is cut off here)."""
    return int(getattr(settings, "RATHAUS_PARTICIPATION_POST_LIMIT", 60))


def flag_limit_per_hour() -> int:
    return int(getattr(settings, "RATHAUS_PARTICIPATION_FLAG_LIMIT", 30))


def page_size() -> int:
    return int(getattr(settings, "RATHAUS_PARTICIPATION_PAGE_SIZE", 20))


def cache_seconds() -> int:
    """How long a rendering of a public page may be served (0 = no cache)."""
    return int(getattr(settings, "RATHAUS_PARTICIPATION_CACHE_SECONDS", 300))


def deep_pages_cached() -> int:
    """How many renderings of idea-list pages beyond the first 50 may be cached per process
    and version (all filters and languages together): enough for readers who page back, a
    bound for a crawler that walks every page of every filter."""
    return int(getattr(settings, "RATHAUS_PARTICIPATION_DEEP_PAGES_CACHED", 200))


def retention_days() -> int:
    """Days after the last phase of a process ends until its participants' personal data
    (personal links, e-mail addresses, pseudonyms, invitation codes, registrations) is erased."""
    return int(getattr(settings, "RATHAUS_PARTICIPATION_RETENTION_DAYS", 180))


def digest_batch_size() -> int:
    """Followers per Celery task of the weekly digest (one SMTP connection per batch)."""
    return int(getattr(settings, "RATHAUS_PARTICIPATION_DIGEST_BATCH", 500))


def tile_url() -> str:
    """Optional background map: a slippy-map tile URL with ``{z}``, ``{x}``, ``{y}`` (e.g. the
    town's own tile server). Empty (the default): the outlines alone, nothing loaded from
    elsewhere. The tile host must also be allowed in the Content-Security-Policy's img-src."""
    return str(getattr(settings, "RATHAUS_PARTICIPATION_TILE_URL", "") or "")


def tile_attribution() -> str:
    return str(getattr(settings, "RATHAUS_PARTICIPATION_TILE_ATTRIBUTION", "") or "")
