"""Login lock-out: per user name and per client address, as separate limits.

django-axes locks a (user name, client address) pair after ``AXES_FAILURE_LIMIT`` (5)
failures: guessing from one place stops, and nobody elsewhere can lock a colleague out with
five wrong passwords. On top of it, counted in the shared cache for ``AXES_COOLOFF_TIME``:

- ``RATHAUS_LOGIN_IP_LIMIT`` (30) failures from one client address (IPv6: its /64), whatever
  the user names: password spraying;
- ``RATHAUS_LOGIN_USERNAME_LIMIT`` (20) failures for one user name, from any address:
  guessing from many addresses. Reaching it takes at least four addresses, so locking someone
  else out is no longer a matter of five requests.

The client address comes from :mod:`rathaus.core.clientip` (trusted proxies).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from rathaus.core import clientip


def hash_for_key(value: str) -> str:
    """Cache keys never hold an address or a user name in clear."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _window_seconds() -> int:
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", 0.5)
    hours = cooloff.total_seconds() / 3600 if isinstance(cooloff, timedelta) else float(cooloff)
    return max(60, int(hours * 3600))


def _keys(request, username: str | None) -> list[tuple[str, int]]:
    keys = []
    if request is not None:
        address = clientip.limit_key(clientip.client_ip(request))
        if address:
            keys.append((f"core:login:ip:{hash_for_key(address)}", settings.RATHAUS_LOGIN_IP_LIMIT))
    if username:
        keys.append(
            (
                f"core:login:user:{hash_for_key(username.strip().lower())}",
                settings.RATHAUS_LOGIN_USERNAME_LIMIT,
            )
        )
    return keys


def is_limited(request, username: str | None) -> bool:
    if not getattr(settings, "AXES_ENABLED", True):
        return False
    return any((cache.get(key) or 0) >= limit > 0 for key, limit in _keys(request, username))


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs) -> None:
    if not getattr(settings, "AXES_ENABLED", True):
        return
    for key, _limit in _keys(request, (credentials or {}).get("username")):
        if not cache.add(key, 1, _window_seconds()):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, _window_seconds())


class LoginLimitBackend:
    """First authentication backend: refuses while a per-address or per-name limit holds."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if is_limited(request, username):
            if request is not None:
                request.axes_locked_out = True  # AxesMiddleware renders the lock-out page
            raise PermissionDenied
        return None  # no get_user: sessions never name this backend
