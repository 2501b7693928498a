"""Versioned cache of the public result pages.

Every election has a version number, ``Election.results_version``, kept in the database so that
every web process sees the same one whatever cache backend runs (a process-local cache must
never decide what another process serves). Rendered public results live in the Django cache
(Redis in production) under keys that contain the version. Every service that changes what
the public sees bumps the version inside its transaction: other processes see the new number
when the change commits, and a rollback takes the bump back with it.

Hot path: each web process remembers the version it last read for ``local_seconds()`` (default
1 s) and the renderings of the current version in a small in-process LRU, so a request for a
cached page makes at most one tiny query per second. A bump in the same process forgets its
memo at once; other processes show new figures at most ``local_seconds()`` later.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from rathaus.elections import conf
from rathaus.elections.models import Election

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


def _forget_version(election_id: int) -> None:
    with _lock:
        _local_versions.pop(election_id, None)


def forget_local() -> None:
    """Drop this process's memo (tests)."""
    with _lock:
        _local_versions.clear()
        _local_values.clear()
        _local_latest.clear()


def peek(election_id: int) -> int | None:
    """The current version, or None when there is no such election."""
    local = _local_version(election_id)
    if local is not None:
        return local
    value = (
        Election.objects.filter(pk=election_id).values_list("results_version", flat=True).first()
    )
    if value is None:
        return None
    _remember_version(election_id, int(value))
    return int(value)


def version(election_id: int) -> int:
    value = peek(election_id)
    return -1 if value is None else value


def bump(election_id: int | None) -> None:
    """A new version for ``election_id`` (in the caller's transaction)."""
    if election_id is None:
        return
    Election.objects.filter(pk=election_id).update(results_version=F("results_version") + 1)
    _forget_version(election_id)
    transaction.on_commit(lambda: _forget_version(election_id))


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
