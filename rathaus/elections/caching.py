"""Versioned cache of the public result pages.

Every election has a version number in the shared cache (Redis in production); rendered public
results live under keys that contain it. Approving (or withdrawing) a result bumps the version,
so the next request renders fresh figures and old entries simply expire. The bump happens at
once (same process, tests) and again after the transaction commits, so that a reader who
rendered the old figures between the two cannot keep them under the new version.

Hot path: each web process remembers the version it last read for ``local_seconds()`` (default
1 s) and the renderings of the current version in a small in-process LRU, so a request for a
cached page makes no network round trip at all. A bump in the same process forgets its memo at
once; other processes show new figures at most ``local_seconds()`` later.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction

from rathaus.elections import conf

_VERSION = "elections:v:{}"
VERSION_TIMEOUT = 7 * 24 * 3600
LOCAL_MAX = 256

_lock = threading.Lock()
_local_versions: dict[int, tuple[float, int]] = {}
_local_values: OrderedDict[tuple[int, str, int], object] = OrderedDict()
_local_latest: dict[tuple[int, str], object] = {}  # newest rendering seen, for stale serving


def _remember_version(election_id: int, value: int) -> None:
    with _lock:
        _local_versions[election_id] = (time.monotonic(), value)
        if len(_local_versions) > LOCAL_MAX:
            _local_versions.pop(next(iter(_local_versions)))


def _local_version(election_id: int) -> int | None:
    entry = _local_versions.get(election_id)
    if entry is None or time.monotonic() - entry[0] > conf.local_seconds():
        return None
    return entry[1]


def forget_local() -> None:
    """Drop this process's memo (tests)."""
    with _lock:
        _local_versions.clear()
        _local_values.clear()
        _local_latest.clear()


def peek(election_id: int) -> int | None:
    """The current version, or None when the cache holds none (do not create one for ids that
    may not exist: that would let anyone fill the cache)."""
    local = _local_version(election_id)
    if local is not None:
        return local
    value = cache.get(_VERSION.format(election_id))
    if value is None:
        return None
    _remember_version(election_id, int(value))
    return int(value)


def version(election_id: int) -> int:
    local = _local_version(election_id)
    if local is not None:
        return local
    key = _VERSION.format(election_id)
    value = cache.get(key)
    if value is None:
        # A lost or expired version key restarts from the clock, which is larger than any
        # number used before (those started from an earlier clock reading and were bumped by
        # far fewer than the nanoseconds that passed since).
        cache.add(key, time.time_ns(), VERSION_TIMEOUT)
        value = cache.get(key) or 0
    _remember_version(election_id, int(value))
    return int(value)


def _bump(election_id: int) -> None:
    key = _VERSION.format(election_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), VERSION_TIMEOUT)
    with _lock:
        _local_versions.pop(election_id, None)


def bump(election_id: int) -> None:
    _bump(election_id)
    transaction.on_commit(lambda: _bump(election_id))


def key(election_id: int, part: str) -> str:
    return f"elections:{part}:{election_id}:{version(election_id)}"


def get_or_render(election_id: int, part: str, render):
    """Cached value for ``part`` of the election, rendered by ``render()`` when missing.

    Only one process renders a new version at a time (a short lock in the cache); the others
    serve the previous rendering meanwhile instead of all hitting the database at once after an
    approval (stale-while-revalidate for the few milliseconds a rendering takes).
    """
    v = version(election_id)
    local_key = (election_id, part, v)
    value = _local_values.get(local_key)
    if value is not None:
        return value
    k = f"elections:{part}:{election_id}:{v}"
    value = cache.get(k)
    if value is None:
        timeout = conf.public_cache_seconds()
        last_key = f"elections:{part}:{election_id}:last"
        lock_key = f"{k}:lock"
        if cache.add(lock_key, 1, 10):
            try:
                value = render()
                cache.set_many({k: value, last_key: value}, timeout)
            finally:
                cache.delete(lock_key)
        else:
            value = _local_latest.get((election_id, part))
            if value is None:
                value = cache.get(last_key)
            if value is None:
                value = render()
            return value  # a stale value is not remembered under the new version
    with _lock:
        _local_values[local_key] = value
        _local_values.move_to_end(local_key)
        _local_latest[(election_id, part)] = value
        if len(_local_latest) > LOCAL_MAX:
            _local_latest.pop(next(iter(_local_latest)))
        while len(_local_values) > LOCAL_MAX:
            _local_values.popitem(last=False)
    return value
