"""Password reset without an oracle and without a mail cannon.

- Constant time: every request takes at least ``RATHAUS_PASSWORD_RESET_FLOOR_SECONDS``
  (default 1 s), whether an account exists (a mail is sent) or not; sending takes far less.
- Per client address (IPv6: /64) at most ``RATHAUS_PASSWORD_RESET_IP_LIMIT`` (10) requests
  an hour, then 429 with the German lock-out text.
- Per e-mail address at most ``RATHAUS_PASSWORD_RESET_EMAIL_LIMIT`` (3) mails an hour; further
  requests look exactly the same but send nothing (no mail bombing of a colleague).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.shortcuts import render

from rathaus.core import clientip

WINDOW_SECONDS = 3600


def pad_to_floor(
    started: float,
    floor: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Sleep until ``floor`` seconds have passed since ``started``; returns the time slept."""
    remaining = floor - (clock() - started)
    if remaining > 0:
        sleep(remaining)
        return remaining
    return 0.0


def _count(key: str) -> int:
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"core:pwreset:{kind}:{digest}"


class PasswordResetView(auth_views.PasswordResetView):
    def post(self, request, *args, **kwargs):
        started = time.monotonic()
        try:
            address = clientip.limit_key(clientip.client_ip(request))
            if _count(_key("ip", address)) > settings.RATHAUS_PASSWORD_RESET_IP_LIMIT:
                return render(request, "core/locked_out.html", status=429)
            return super().post(request, *args, **kwargs)
        finally:
            pad_to_floor(started, settings.RATHAUS_PASSWORD_RESET_FLOOR_SECONDS)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if _count(_key("email", email)) > settings.RATHAUS_PASSWORD_RESET_EMAIL_LIMIT:
            # the same answer as always; only the mail is not sent again
            return super(auth_views.PasswordResetView, self).form_valid(form)
        return super().form_valid(form)
