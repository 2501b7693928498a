"""Versioned cache of the rendered cockpit.

Every municipality has a version number in the database (``CockpitVersion``). Every steering
write raises it in its own transaction (``bump``), so the number changes exactly when the
change becomes visible to other transactions, in every web process, whether or not a shared
cache (Redis) is configured. The rendered cockpit is stored in Django's cache (Redis in
production) under a key made of the municipalities the user reads, their versions, whether the
user reads public rows only, the language and the day. A new version is a new key: nothing is
deleted, old renderings expire (``TIMEOUT``).

Until a municipality's first steering write there is no version row and nothing is cached (a
GET never writes). ``TIMEOUT`` also bounds how long changes made outside the steering services
(an org unit renamed in core) can stay unseen.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from rathaus.steering.models import CockpitVersion

TIMEOUT = 10 * 60
LOCK_SECONDS = 10


def bump(municipality_id: int) -> None:
    """Raises the municipality's version (inside the caller's transaction)."""
    if CockpitVersion.objects.filter(municipality_id=municipality_id).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():
            # Starts from the clock so that a row lost with a rolled-back or restored database
            # never comes back with a number that was already used for another state.
            CockpitVersion.objects.create(municipality_id=municipality_id, value=time.time_ns())
    except IntegrityError:  # created concurrently
        CockpitVersion.objects.filter(municipality_id=municipality_id).update(value=F("value") + 1)


def versions(municipality_ids: Iterable[int]) -> tuple[int, ...] | None:
    """The versions of the municipalities, or None while one of them has none yet."""
    ids = sorted(set(municipality_ids))
    found = dict(
        CockpitVersion.objects.filter(municipality_id__in=ids).values_list(
            "municipality_id", "value"
        )
    )
    if not ids or len(found) != len(ids):
        return None
    return tuple(found[i] for i in ids)


def key(municipality_ids: Iterable[int], *parts: object) -> str | None:
    ids = sorted(set(municipality_ids))
    found = versions(ids)
    if found is None:
        return None
    scope = ",".join(f"{i}.{v}" for i, v in zip(ids, found, strict=True))
    return "steering:cockpit:" + ":".join([scope, *(str(p) for p in parts)])


def get_or_render(cache_key: str | None, render: Callable[[], str]) -> str:
    """The cached rendering under ``cache_key``, else ``render()`` (stored when a key is given).

    Only one process renders a key at a time (a short lock in the cache); one that finds the
    lock taken renders for itself rather than wait, and does not store the result."""
    if cache_key is None:
        return render()
    value = cache.get(cache_key)
    if value is not None:
        return value
    lock = f"{cache_key}:lock"
    if not cache.add(lock, 1, LOCK_SECONDS):
        return render()
    try:
        value = render()
        cache.set(cache_key, value, TIMEOUT)
    finally:
        cache.delete(lock)
    return value


ROW_TIMEOUT = 24 * 3600


def _digest(item: object) -> str:
    return hashlib.blake2b(repr(item).encode(), digest_size=16).hexdigest()


def rendered_by_content(kind: str, items: list, render: Callable[[object], str]) -> list[str]:
    """Renders each item once per content: the key is a digest of the item itself, so a row
    whose data did not change is read back (one round trip for all of them) and needs no
    invalidation; after a change only the changed rows are rendered again."""
    keys = [f"steering:row:{kind}:{_digest(item)}" for item in items]
    found = cache.get_many(keys)
    missing = {k: render(item) for k, item in zip(keys, items, strict=True) if k not in found}
    if missing:
        cache.set_many(missing, ROW_TIMEOUT)
    return [found[k] if k in found else missing[k] for k in keys]
