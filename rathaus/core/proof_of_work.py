"""Generic protection of anonymous actions: ALTCHA proof of work and per-IP rate limits.

ALTCHA (server side): ``create_challenge`` signs a challenge, ``verify`` accepts a solution
once (a verified challenge is remembered in the cache until it expires, so it cannot be
replayed). The browser solves it with ``static/core/altcha-solver.js``; API clients and tests
call ``solve``. ``rate_limit`` counts requests per key (an IP address, hashed) in fixed windows
and answers 429 when the caller passes its limit.

Apps wrap these with their own settings (see ``rathaus.appointments.proof_of_work``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from rathaus.core.problems import DomainError, TooManyRequests

CHALLENGE_MINUTES = 20
MAX_PAYLOAD = 4000
REPLAY_SECONDS = CHALLENGE_MINUTES * 60 + 60  # a used solution is remembered until it expires


def hmac_key() -> str:
    return str(getattr(settings, "ALTCHA_HMAC_KEY", settings.SECRET_KEY))


def max_number() -> int:
    return int(getattr(settings, "ALTCHA_MAX_NUMBER", 50000))


def create_challenge(*, now: datetime | None = None, limit: int | None = None) -> dict:
    now = now or datetime.now(UTC)
    challenge = altcha.create_challenge_v1(
        algorithm="SHA-256",
        max_number=limit or max_number(),
        salt_length=12,
        hmac_key=hmac_key(),
        salt="",
        number=None,
        expires=now + timedelta(minutes=CHALLENGE_MINUTES),
        params=None,
    )
    return challenge.to_dict()


def solve(challenge: dict) -> str:
    """Solve a challenge (tests and API clients); returns the base64 payload."""
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    if solution is None:
        raise ValueError("challenge not solvable")
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


def verify(payload: str | None, *, namespace: str, required: bool = True) -> None:
    """Raise a DomainError unless ``payload`` is a fresh, valid, unused solution.

    ``namespace`` keeps the replay memory of one app apart from another's.
    """
    key = check(payload, namespace=namespace, required=required)
    if key and not cache.add(key, 1, REPLAY_SECONDS):
        raise replayed()


def check(payload: str | None, *, namespace: str, required: bool = True) -> str:
    """Verify ``payload`` (signature, expiry, the SHA-256 solution) like :func:`verify`, but
    leave marking it used to the caller: returns the cache key (without the cache's prefix)
    that must be added – for :data:`REPLAY_SECONDS`, refusing with :func:`replayed` when it
    exists – before the action counts; "" when proof of work is not required. The surge's
    door marks it in the same Redis script that gives the request its arrival number."""
    if not required:
        return ""
    if not payload or len(payload) > MAX_PAYLOAD:
        raise DomainError(
            "altcha_missing",
            _("Bitte bestätigen Sie, dass Sie kein Roboter sind (Sicherheitsprüfung fehlt)."),
            status=400,
        )
    try:
        ok, _error = altcha.verify_solution_v1(payload, hmac_key(), True)
        challenge = json.loads(base64.b64decode(payload))["challenge"] if ok else ""
    except Exception:  # noqa: BLE001 - malformed input of any kind is just invalid
        ok = False
    if not ok:
        raise DomainError(
            "altcha_invalid",
            _(
                "Die Sicherheitsprüfung ist ungültig oder abgelaufen. Bitte versuchen Sie es erneut."
            ),
            status=400,
        )
    return f"{namespace}:altcha:" + hashlib.sha256(str(challenge).encode()).hexdigest()


def replayed() -> DomainError:
    return DomainError(
        "altcha_replayed",
        _("Diese Sicherheitsprüfung wurde bereits verwendet. Bitte laden Sie die Seite neu."),
        status=400,
    )


def rate_limit(
    *,
    namespace: str,
    scope: str,
    key: str | None,
    limit: int,
    window_seconds: int = 3600,
    now: datetime | None = None,
) -> None:
    """Fixed-window counter per ``key`` (e.g. the client IP, stored hashed); 429 past ``limit``.

    No key or a limit ≤ 0 disables the check (the caller decides when it applies).
    """
    if not key or limit <= 0:
        return
    now = now or datetime.now(UTC)
    window = int(now.timestamp()) // window_seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    cache_key = f"{namespace}:rl:{scope}:{digest}:{window}"
    if cache.add(cache_key, 1, window_seconds + 100):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:
            cache.set(cache_key, 1, window_seconds + 100)
            count = 1
    if count > limit:
        raise TooManyRequests(
            "too_many_requests",
            _("Zu viele Anfragen von Ihrem Anschluss. Bitte versuchen Sie es später erneut."),
        )
