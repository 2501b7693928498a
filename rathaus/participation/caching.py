"""Versioned cache of the public process pages (anonymous visitors).

Every process has a version number in the shared cache (Redis in production). Renderings are
stored under keys that contain the version, the day (the phase of today decides what a page
shows) and the language; every write that changes what the public sees (ideas, comments,
supports, moderation, statuses, polls, the guiding vision, publishing) bumps the version at
once and again after commit, so old renderings simply expire. Admin edits of phases show up
after ``RATHAUS_PARTICIPATION_CACHE_SECONDS`` at the latest.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from rathaus.participation import conf

_VERSION = "participation:v:{}"
VERSION_TIMEOUT = 7 * 24 * 3600


def version(process_id: int) -> int:
    key = _VERSION.format(process_id)
    value = cache.get(key)
    if value is None:
        # restart from the clock: larger than any number used before
        cache.add(key, time.time_ns(), VERSION_TIMEOUT)
        value = cache.get(key) or 0
    return int(value)


def _bump_key(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), VERSION_TIMEOUT)


def _bump_now_and_after_commit(key: str) -> None:
    """Once at once (readers stop using the old value) and once after commit (a reader that
    read the old rows in between and stored them under the new version is outdated too)."""
    _bump_key(key)
    transaction.on_commit(lambda: _bump_key(key))


def bump(process_id: int) -> None:
    _bump_now_and_after_commit(_VERSION.format(process_id))


def _key(process_id: int, part: str, v: int) -> str:
    return f"participation:{part}:{process_id}:{timezone.localdate().isoformat()}:{v}"


class _LocalCopies:
    """The renderings this worker served last, by their versioned key (at most ``size``,
    each for at most ``seconds``). A key names one version of one process on one day, so a
    copy can never be outdated by a write: the write bumps the version, which every request
    still reads from the shared cache. What the copy saves is the second round trip to Redis
    and moving the whole page (tens of kilobytes) through it on every request."""

    def __init__(self, size: int, seconds: float):
        self.size, self.seconds = size, seconds
        self._items: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()  # gthread workers serve requests in several threads

    def get(self, key: str):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, value, seconds: float) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + min(seconds, self.seconds), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# 64 renderings of ~20-60 kB per worker; 30 s bounds how much longer than the shared copy's
# RATHAUS_PARTICIPATION_CACHE_SECONDS an admin edit of a phase (which bumps nothing) can wait
local_copies = _LocalCopies(size=64, seconds=30)


def _shared_get(key: str):
    """The value under a versioned key: this worker's copy, else the shared cache's."""
    value = local_copies.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            local_copies.put(key, value, conf.cache_seconds())
    return value


def _shared_set(key: str, value) -> None:
    cache.set(key, value, conf.cache_seconds())
    local_copies.put(key, value, conf.cache_seconds())


def existing(process_id: int, part: str):
    """The cached value if there is one for the current version (creates nothing, so ids that
    do not exist cannot fill the cache); None otherwise. One round trip to the shared cache
    (the version) when this worker has served the same version before."""
    if conf.cache_seconds() <= 0:
        return None
    v = cache.get(_VERSION.format(process_id))
    return None if v is None else _shared_get(_key(process_id, part, int(v)))


def get_or_render(process_id: int, part: str, render, *, budget: int | None = None):
    """The cached value of ``part`` for the process's current version, else ``render()``.

    With a ``budget``, at most that many such renderings are stored per process and version
    (the parts a crawler could multiply, e.g. deep pages of the idea list); beyond it they
    are rendered and not stored."""
    if conf.cache_seconds() <= 0:
        return render()
    v = version(process_id)
    key = _key(process_id, part, v)
    value = _shared_get(key)
    if value is None:
        value = render()
        if budget is None or _spend(process_id, v, budget):
            _shared_set(key, value)
    return value


def _spend(process_id: int, v: int, budget: int) -> bool:
    """Takes one of ``budget`` places of this process version; False when none is left."""
    key = _key(process_id, "budget", v)
    cache.add(key, 0, conf.cache_seconds())
    try:
        return cache.incr(key) <= budget
    except ValueError:  # expired between add and incr
        return False


_IDEA_PROCESS = "participation:idea-process:{}"


def remember_idea(idea_id: int, process_id: int) -> None:
    """Which process an idea belongs to (never changes), so that the idea page's hot path
    finds the process's cached rendering without a database query."""
    cache.set(_IDEA_PROCESS.format(idea_id), process_id, VERSION_TIMEOUT)


def process_of_idea(idea_id: int) -> int | None:
    return cache.get(_IDEA_PROCESS.format(idea_id))


# --- the rules a post is checked against -------------------------------------------------------
# Phases and module audiences of a process, consent texts of a municipality: read by every
# post, changed rarely (by planners, in the admin). Each worker keeps them under two versions
# of their own (not the process version, which every post bumps); signals.py bumps them on
# every save, delete and change of a module's districts or groups.
_RULES = "participation:rules-v:{}"
_CONSENT = "participation:consent-v:{}"


def rules_changed(process_id: int) -> None:
    """Phases or module audiences changed: the posts' rules and the pages (which show them)."""
    _bump_now_and_after_commit(_RULES.format(process_id))
    bump(process_id)


def consent_changed(municipality_id: int) -> None:
    _bump_now_and_after_commit(_CONSENT.format(municipality_id))


def _versions(keys: list[str]) -> list[int]:
    """The current numbers of ``keys`` in one round trip (missing ones restart from the clock)."""
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    for key in missing:
        cache.add(key, time.time_ns(), VERSION_TIMEOUT)
    if missing:
        found.update(cache.get_many(missing))
    return [int(found.get(k) or 0) for k in keys]


def posting_rules(process_id: int, municipality_id: int, load):
    """``load()`` (the rules of a process and its municipality) from this worker's copy when
    neither version changed since; one round trip to the shared cache."""
    if conf.cache_seconds() <= 0:
        return load()
    rules_v, consent_v = _versions([_RULES.format(process_id), _CONSENT.format(municipality_id)])
    key = f"participation:rules:{process_id}:{rules_v}:{municipality_id}:{consent_v}"
    value = local_copies.get(key)
    if value is None:
        value = load()
        local_copies.put(key, value, conf.cache_seconds())
    return value
