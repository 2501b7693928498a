"""ALTCHA proof of work (server side): create a signed challenge, verify a solution once.

The browser solves it with ``static/appointments/altcha-solver.js`` (SHA-256 brute force
via ``crypto.subtle``); API clients solve it themselves (e.g. ``altcha.solve_challenge``).
A verified solution is remembered in the cache until it expires, so it cannot be replayed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

import altcha
from django.core.cache import cache

from rathaus.appointments import conf
from rathaus.core.problems import DomainError

CHALLENGE_MINUTES = 20


def create_challenge(now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    challenge = altcha.create_challenge_v1(
        algorithm="SHA-256",
        max_number=conf.altcha_max_number(),
        salt_length=12,
        hmac_key=conf.altcha_hmac_key(),
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


def verify(payload: str | None) -> None:
    """Raise a DomainError unless ``payload`` is a fresh, valid, unused solution."""
    if not conf.altcha_required():
        return
    if not payload or len(payload) > 4000:
        raise DomainError(
            "altcha_missing",
            "Bitte bestätigen Sie, dass Sie kein Roboter sind (Sicherheitsprüfung fehlt).",
            status=400,
        )
    try:
        ok, _error = altcha.verify_solution_v1(payload, conf.altcha_hmac_key(), True)
    except Exception:  # noqa: BLE001 - malformed input of any kind is just invalid
        ok = False
    if not ok:
        raise DomainError(
            "altcha_invalid",
            "Die Sicherheitsprüfung ist ungültig oder abgelaufen. Bitte versuchen Sie es erneut.",
            status=400,
        )
    challenge = json.loads(base64.b64decode(payload))["challenge"]
    key = "appointments:altcha:" + hashlib.sha256(str(challenge).encode()).hexdigest()
    if not cache.add(key, 1, CHALLENGE_MINUTES * 60 + 60):
        raise DomainError(
            "altcha_replayed",
            "Diese Sicherheitsprüfung wurde bereits verwendet. Bitte laden Sie die Seite neu.",
            status=400,
        )
