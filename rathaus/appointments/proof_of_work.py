"""ALTCHA proof of work for appointments: a thin wrapper around ``rathaus.core.proof_of_work``
with the app's settings (maximum number, bench-only switch) and its own replay namespace.

The browser solves it with ``static/core/altcha-solver.js``; API clients solve it
themselves (e.g. ``altcha.solve_challenge``).
"""

from __future__ import annotations

from datetime import datetime

from rathaus.appointments import conf
from rathaus.core import proof_of_work as pow_core

CHALLENGE_MINUTES = pow_core.CHALLENGE_MINUTES
solve = pow_core.solve
replayed = pow_core.replayed
REPLAY_SECONDS = pow_core.REPLAY_SECONDS


def create_challenge(now: datetime | None = None) -> dict:
    return pow_core.create_challenge(now=now, limit=conf.altcha_max_number())


def verify(payload: str | None) -> None:
    """Raise a DomainError unless ``payload`` is a fresh, valid, unused solution."""
    pow_core.verify(payload, namespace="appointments", required=conf.altcha_required())


def check(payload: str | None) -> str:
    """Verify ``payload`` but leave marking it used to the waiting room's door: the replay
    key ("" when proof of work is off) – see ``rathaus.core.proof_of_work.check``."""
    return pow_core.check(payload, namespace="appointments", required=conf.altcha_required())
