"""Racing calls against each other on real database connections (PostgreSQL tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections

from rathaus.core.problems import DomainError

# Generous: the threads wait for locks, and CI runs on a loaded 2-core machine.
JOIN_SECONDS = 300


def _code(exc: Exception):
    if isinstance(exc, DomainError):
        return exc.code
    raise exc


def race(*calls: Callable, outcome_of: Callable[[Exception], object] = _code) -> list:
    """Runs each call in its own thread, all released at once by a barrier.

    Each outcome is the call's result, or ``outcome_of`` the error it raised (by default a
    DomainError's code; any other error ends the thread and leaves ``None``).
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            outcomes[i] = fn()
        except Exception as exc:
            outcomes[i] = outcome_of(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=JOIN_SECONDS)
    return outcomes
