"""Progress reports and a stop request for long solves (`solve`, `replan`, `plan_space`).

`on_progress(Progress)` is called from CP-SAT's solution callbacks, between the parts of the
decomposition and about five times a second while a search runs; calls are serialised and
the fraction never decreases; the last call has fraction 1.0. The callback runs in solver
threads: keep it quick and thread-safe (hand the value to another thread, throttle there).

`should_stop()` is polled in the same places (and about ten times a second); once it returns
True, running searches stop (`StopSearch`), no new part starts, and `solve` returns the best
plan found so far (or the start plan, see `start`) with the note `STOPPED_NOTE`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rathaus.engines.roster.clock import WALL, Clock

STOPPED_NOTE = "Abgebrochen"
TICK_SECONDS = 0.1


@dataclass(frozen=True)
class Progress:
    fraction: float  # 0.0 .. 1.0 of the expected run time (time-based; 1.0 at the end)
    objective: float | None  # best known total objective, when every part has a solution
    bound: float | None  # matching lower bound (sum of the parts' bounds)
    message: str


ProgressFn = Callable[[Progress], None]
StopFn = Callable[[], bool]


class Watch:
    """Shared by all threads of one solve: reports progress, tracks stop, stops searches."""

    def __init__(
        self,
        time_limit: float,
        on_progress: ProgressFn | None = None,
        should_stop: StopFn | None = None,
        clock: Clock = WALL,
    ) -> None:
        self.clock = clock
        self.t0 = clock.now()
        self.time_limit = max(1e-3, time_limit)
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.lock = threading.RLock()
        self.fraction = 0.0
        self.best: dict[object, tuple[float, float]] = {}  # part -> (objective, bound)
        self.parts = 1
        self.active: set[cp_model.CpSolver] = set()
        self._stopped = False
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    # --- stop ---------------------------------------------------------------------------

    @property
    def stopped(self) -> bool:
        if not self._stopped and self.should_stop is not None and self.should_stop():
            self._stopped = True
        return self._stopped

    def _stop_active(self) -> None:
        with self.lock:
            solvers = list(self.active)
        for s in solvers:
            s.stop_search()

    # --- progress -----------------------------------------------------------------------

    def report(self, message: str, fraction: float | None = None) -> None:
        if self.on_progress is None:
            return
        with self.lock:
            elapsed = (self.clock.now() - self.t0) / self.time_limit
            f = fraction if fraction is not None else min(0.99, elapsed)
            self.fraction = max(self.fraction, min(1.0, f))
            complete = len(self.best) >= self.parts
            objective = sum(o for o, _ in self.best.values()) if complete else None
            bound = sum(b for _, b in self.best.values()) if complete else None
            self.on_progress(Progress(self.fraction, objective, bound, message))

    def report_progress(self, p: Progress) -> None:
        """Forward a nested solve's (already scaled) report."""
        self.report(p.message, p.fraction)

    def expect(self, parts: int) -> None:
        """A new set of parts (objective and bound are reported once all have a solution)."""
        with self.lock:
            self.parts = max(1, parts)
            self.best.clear()

    def solution(self, part: object, objective: float, bound: float) -> None:
        with self.lock:
            self.best[part] = (objective, min(bound, objective))
        self.report("Lösung gefunden")

    # --- CP-SAT -------------------------------------------------------------------------

    def run(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        part: object = None,
        scale: int = 1,
    ) -> object:
        """`solver.solve(model)` with stop and, when `part` is given, progress reports of the
        part's incumbents (a lexicographic objective's value and bound divided by `scale`,
        see `parts.lexicographic`); returns CP-SAT's status code."""
        if self.on_progress is None and self.should_stop is None:
            code = solver.solve(model)  # nobody listens: no callback overhead
            self.clock.charge(solver)
            return code
        watch = self

        class _Callback(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                if part is not None:
                    watch.solution(
                        part,
                        self.objective_value // scale,
                        self.best_objective_bound // scale,
                    )
                if watch.stopped:
                    self.stop_search()

        with self.lock:
            self.active.add(solver)
        try:
            return solver.solve(model, _Callback())
        finally:
            self.clock.charge(solver)
            with self.lock:
                self.active.discard(solver)

    # --- background ticks ---------------------------------------------------------------

    def __enter__(self) -> Watch:
        if self.on_progress is not None or self.should_stop is not None:
            self._thread = threading.Thread(target=self._tick, name="roster-watch", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _tick(self) -> None:
        n = 0
        while not self._done.wait(TICK_SECONDS):
            if self.stopped:
                self._stop_active()  # repeated: a search may have started after the stop
            n += 1
            if n % 2 == 0:
                self.report("Suche läuft")


def scaled(on_progress: ProgressFn | None, start: float, end: float) -> ProgressFn | None:
    """A sub-solve's progress mapped into [start, end] of the caller's run."""
    if on_progress is None:
        return None

    def report(p: Progress) -> None:
        on_progress(Progress(start + (end - start) * p.fraction, p.objective, p.bound, p.message))

    return report
