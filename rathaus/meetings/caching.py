"""Versioned cache of rendered meeting fragments, body feeds and OParl list counts.

Every body and every municipality has a version number in the shared cache (Redis in
production). Renderings are stored under keys that contain the version (and the body's
creation time, so that a reused id never meets an old rendering); every service that changes
what a body's pages show (meetings, agenda, minutes, decisions, assignments, documents,
attendance, members) bumps the body's and its municipality's version at once and again after
commit, so old renderings simply expire. Admin edits show up after
``RATHAUS_MEETINGS_CACHE_SECONDS`` at the latest.

Cached HTML never holds a CSRF token: fragments are rendered with ``CSRF_PLACEHOLDER`` and the
requesting user's token is put in on the way out (``with_csrf``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from rathaus.meetings import conf
from rathaus.meetings.models import StoredFeed

VERSION_TIMEOUT = 7 * 24 * 3600
CSRF_PLACEHOLDER = "__rathaus_meetings_csrf__"


def _version_key(kind: str, pk: int) -> str:
    return f"meetings:v:{kind}:{pk}"


def version(kind: str, pk: int) -> int:
    key = _version_key(kind, pk)
    value = cache.get(key)
    if value is None:
        # restart from the clock: larger than any number used before
        cache.add(key, time.time_ns(), VERSION_TIMEOUT)
        value = cache.get(key) or 0
    return int(value)


def _bump(kind: str, pk: int) -> None:
    key = _version_key(kind, pk)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), VERSION_TIMEOUT)


def outdate_stored_feeds(body_id: int) -> None:
    """The body's feeds kept in the database (``services.feeds``) are old from now on."""
    StoredFeed.objects.filter(body_id=body_id).update(version=F("version") + 1)


def bump(body_id: int, municipality_id: int) -> None:
    """After a write to a body: its pages, its feed and the municipality's OParl counts.

    The stored feeds are outdated in the change's own transaction (they go old together with
    the change, also if the process dies before the commit's callbacks) and again after the
    commit: a first rendering that created the stored row while the change was not yet
    committed may have read the old data (docs/meetings.md, "The feed kept in the database")."""
    pairs = (("body", body_id), ("town", municipality_id))
    for kind, pk in pairs:
        _bump(kind, pk)
    outdate_stored_feeds(body_id)

    def again() -> None:
        for kind, pk in pairs:
            _bump(kind, pk)
        outdate_stored_feeds(body_id)

    transaction.on_commit(again)


def bump_town(municipality_id: int) -> None:
    """After a write that only OParl lists show (papers): the municipality's counts."""
    _bump("town", municipality_id)
    transaction.on_commit(lambda: _bump("town", municipality_id))


def body_key(body, part: str, body_version: int | None = None) -> str:
    """``body_version``: the version this request already read (one cache read less)."""
    stamp = int(body.created.timestamp() * 1_000_000) if body.created else 0
    if body_version is None:
        body_version = version("body", body.pk)
    return f"meetings:{part}:{body.pk}:{stamp}:{body_version}:{get_language()}"


def get_or_render(key: str, render: Callable[[], str | bytes], hit=None):
    """``hit``: the value already read under ``key`` (``meeting_head``), or ``None``."""
    seconds = conf.cache_seconds()
    if seconds <= 0:
        return render()
    value = hit if hit is not None else cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, seconds)
    return value


def meeting_head(user, meeting_id, read: Callable, page_key: Callable | None = None):
    """The narrow meeting row that names a cached page (``selectors.meeting_head`` via
    ``read``), kept per person, meeting, municipality and roles and used only while its body's
    version is the one it was read under: a cached page then needs no meeting query.

    ``page_key(head, version)`` names the page the caller will serve (or ``None`` for none): it
    is read in the same round trip as the body's version, on the guess that the version is
    still the one the head was kept under — the usual case; on a miss the caller renders.

    Returns the row, its body's current version (for ``body_key``) and the cached page or
    ``None``."""
    if conf.cache_seconds() <= 0:
        head = read()
        return head, version("body", head.body_id), None
    roles = ",".join(sorted(user.roles or []))
    key = f"meetings:head:{meeting_id}:{user.pk}:{user.municipality_id}:{roles}"
    hit = cache.get(key)
    if hit is not None:
        kept_under, head = hit
        wanted = [_version_key("body", head.body_id)]
        page = page_key(head, kept_under) if page_key else None
        found = cache.get_many([*wanted, page] if page else wanted)
        current = found.get(wanted[0])
        if current is not None and int(current) == kept_under:
            return head, kept_under, found.get(page) if page else None
    head = read()
    current = version("body", head.body_id)
    cache.set(key, (current, head), conf.cache_seconds())
    return head, current, None


def town_count(municipality_id: int, part: str, count: Callable[[], int]) -> int:
    """A list's total for OParl paging, valid until the municipality's next write."""
    return int(town_value(municipality_id, part, count))


def town_value(municipality_id: int, part: str, compute: Callable):
    """A value derived from the municipality's OParl lists (a total, the first id of every
    page), valid until the municipality's next write."""
    key = f"meetings:count:{municipality_id}:{version('town', municipality_id)}:{part}"
    return get_or_render(key, compute)


def with_csrf(request, html: str) -> SafeString:
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308
