"""Versioned cache of the public result pages.

Every election has a version number in the cache; the rendered public results live under a
key that contains it. Approving (or withdrawing) a result bumps the version, so the next request
renders fresh figures and old entries simply expire. The bump happens at once (same process,
tests) and again after the transaction commits, so that a reader who rendered the old figures
between the two cannot keep them under the new version.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

from rathaus.elections import conf

_VERSION = "elections:v:{}"


VERSION_TIMEOUT = 7 * 24 * 3600


def peek(election_id: int) -> int | None:
    """The current version, or None when the cache holds none (do not create one for ids that
    may not exist: that would let anyone fill the cache)."""
    value = cache.get(_VERSION.format(election_id))
    return None if value is None else int(value)


def version(election_id: int) -> int:
    key = _VERSION.format(election_id)
    value = cache.get(key)
    if value is None:
        # A lost or expired version key restarts from the clock, which is larger than any
        # number used before (those started from an earlier clock reading and were bumped by
        # far fewer than the nanoseconds that passed since).
        cache.add(key, time.time_ns(), VERSION_TIMEOUT)
        value = cache.get(key) or 0
    return int(value)


def _bump(election_id: int) -> None:
    key = _VERSION.format(election_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), VERSION_TIMEOUT)


def bump(election_id: int) -> None:
    _bump(election_id)
    transaction.on_commit(lambda: _bump(election_id))


def key(election_id: int, part: str) -> str:
    return f"elections:{part}:{election_id}:{version(election_id)}"


def get_or_render(election_id: int, part: str, render):
    """Cached value for ``part`` of the election, rendered by ``render()`` when missing."""
    k = key(election_id, part)
    value = cache.get(k)
    if value is None:
        value = render()
        cache.set(k, value, conf.public_cache_seconds())
    return value
