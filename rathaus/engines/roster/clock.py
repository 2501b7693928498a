"""Time budgets of a solve: wall-clock seconds, or deterministic work for reproducible runs.

With a wall clock (the default), every budget is seconds of real time: on a busy machine the
search simply gets less done. With `Clock(work_limit=…)` every budget is CP-SAT's
*deterministic time* (its own measure of work, roughly seconds on an idle machine): the
clock only advances by the work the solves report, parts run one after another with one
CP-SAT worker each, and so the same input gives the same plan on an idle or a loaded machine.
A generous wall-clock ceiling still stops a search that a machine cannot finish at all.
"""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

# Wall-clock safety net in deterministic mode: only a machine this much slower than an idle
# one ever reaches it (then the run is no longer reproducible, but it still ends).
CEILING_FACTOR = 50.0
CEILING_SECONDS = 120.0


class Clock:
    """`now()` for budgets, `limit()` to give a CP-SAT solve its share, `charge()` after it."""

    def __init__(self, work_limit: float | None = None) -> None:
        self.deterministic = work_limit is not None
        self._start = time.monotonic()
        self._work = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        if not self.deterministic:
            return time.monotonic()
        with self._lock:
            return self._start + self._work

    def limit(self, params: object, seconds: float) -> None:
        """Set a solver's parameters to stop after `seconds` of this clock."""
        seconds = max(0.001, seconds)
        if self.deterministic:
            params.max_deterministic_time = seconds  # type: ignore[attr-defined]
            params.max_time_in_seconds = CEILING_FACTOR * seconds + CEILING_SECONDS  # type: ignore[attr-defined]
        else:
            params.max_time_in_seconds = seconds  # type: ignore[attr-defined]

    def charge(self, solver: cp_model.CpSolver) -> None:
        """Advance a deterministic clock by the work the finished solve reports."""
        if self.deterministic:
            work = solver.response_proto.deterministic_time
            with self._lock:
                self._work += work


WALL = Clock()
