"""Rendered tables of the dashboard and the public page, cached per region and data version.

Every write that changes what the tables show (figures measured or imported, promises,
memberships, the comparison agreement) bumps the region's version, at once and again after
the commit. With Redis (CACHE_URL) the version is shared by all processes; with the
process-local default cache another process may serve a table up to ``TTL`` seconds old.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

TTL = 300


def _key(region_id: int) -> str:
    return f"standards:version:{region_id}"


def _incr(region_id: int) -> None:
    try:
        cache.incr(_key(region_id))
    except ValueError:  # not cached yet (or evicted): any new value invalidates
        cache.set(_key(region_id), 1, None)


def bump(region_id: int) -> None:
    _incr(region_id)
    transaction.on_commit(lambda: _incr(region_id))


def fragment(region_id: int, parts: tuple, build: Callable[[], str]) -> str:
    version = cache.get_or_set(_key(region_id), 1, None)
    key = ":".join(
        ["standards:html", str(region_id), str(version), translation.get_language() or ""]
        + [str(p) for p in parts]
    )
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, TTL)
    return html
