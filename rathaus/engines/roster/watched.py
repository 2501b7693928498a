"""Running the roster engine under watch: progress reports and a cancel flag from the caller's
thread (for web-app jobs whose database connection belongs to that thread).

The engine itself always answers with a plan the independent checker accepts (falling back
to its start plan when the search finds nothing in time, note `GREEDY_NOTE`), or with
reasons.

The engine's `solve`/`replan` run in a helper thread and report through their
`on_progress`/`should_stop` callbacks (called in solver threads, so they only hand values
over); the caller's thread writes progress and polls the cancel flag, so that database
access stays in the caller's thread and connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from rathaus.engines.roster import Plan, Problem, Progress, replan, solve
from rathaus.engines.roster.space import SpaceResult, plan_space
from rathaus.engines.roster.start import START_NOTE

ProgressFn = Callable[[int, float | None, float | None], None]  # percent, objective, bound
CancelFn = Callable[[], bool]
T = TypeVar("T")
EngineRun = Callable[[Callable[[Progress], None], Callable[[], bool]], T]

POLL_SECONDS = 0.25
GREEDY_NOTE = START_NOTE


class Cancelled(Exception):
    pass


def _run_watched(run: EngineRun[T], report: ProgressFn, cancel: CancelFn) -> T:
    """Run the engine in a helper thread; this (calling) thread reports its latest progress
    and checks the cancel flag. Raises `Cancelled` when the flag stopped the search."""
    latest: list[Progress | None] = [None]
    stop = threading.Event()
    result: dict[str, T | BaseException] = {}

    def keep(p: Progress) -> None:  # solver threads: only hand the value over
        latest[0] = p

    def target() -> None:
        try:
            result["value"] = run(keep, stop.is_set)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target, name="roster-solve", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(POLL_SECONDS)
        if not thread.is_alive():
            break
        if not stop.is_set() and cancel():
            stop.set()
            continue
        p = latest[0]
        if p is not None:
            report(int(min(99, 100 * p.fraction)), p.objective, p.bound)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    if stop.is_set():
        raise Cancelled
    return result["value"]  # type: ignore[return-value]


def _work_limit(time_limit: float, deterministic: bool) -> float | None:
    """The same budget as deterministic work when solves must be reproducible (see `clock`)."""
    return time_limit if deterministic else None


def _watched(
    run: EngineRun[T], on_progress: ProgressFn | None, should_cancel: CancelFn | None
) -> T:
    return _run_watched(
        run, on_progress or (lambda pct, obj, bound: None), should_cancel or (lambda: False)
    )


def solve_with_progress(
    problem: Problem,
    *,
    time_limit: float = 20.0,
    workers: int = 2,
    on_progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    deterministic: bool = False,
    stability_first: bool = False,
    hint: Plan | None = None,
    decompose: bool = True,
    work_limit: float | None = None,
) -> Plan:
    """The engine's `solve` with a progress callback and a cancel flag (raises `Cancelled`).

    ``work_limit`` (CP-SAT deterministic time) replaces the wall clock; ``deterministic`` does
    the same with ``time_limit`` as the budget, for callers that hold one setting for both."""

    def run(keep: Callable[[Progress], None], stop: Callable[[], bool]) -> Plan:
        return solve(
            problem,
            time_limit=time_limit,
            work_limit=work_limit
            if work_limit is not None
            else _work_limit(time_limit, deterministic),
            workers=workers,
            decompose=decompose,
            stability_first=stability_first,
            hint=hint,
            on_progress=keep,
            should_stop=stop,
        )

    return _watched(run, on_progress, should_cancel)


def replan_with_progress(
    problem: Problem,
    previous: Plan,
    from_day: date,
    *,
    time_limit: float = 20.0,
    workers: int = 2,
    on_progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    deterministic: bool = False,
) -> Plan:
    """The engine's `replan` (days before `from_day` stay, few changes after) with a
    progress callback and a cancel flag (raises `Cancelled`)."""

    def run(keep: Callable[[Progress], None], stop: Callable[[], bool]) -> Plan:
        return replan(
            problem,
            previous,
            from_day,
            time_limit=time_limit,
            work_limit=_work_limit(time_limit, deterministic),
            workers=workers,
            on_progress=keep,
            should_stop=stop,
        )

    return _watched(run, on_progress, should_cancel)


def space_with_progress(
    problem: Problem,
    *,
    min_onsite_per_week: int | None,
    time_limit: float,
    workers: int = 2,
    on_progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    deterministic: bool = False,
) -> SpaceResult:
    """The engine's `plan_space` with a progress callback and a cancel flag (raises
    `Cancelled`)."""

    def run(keep: Callable[[Progress], None], stop: Callable[[], bool]) -> SpaceResult:
        return plan_space(
            problem,
            min_onsite_per_week=min_onsite_per_week,
            time_limit=time_limit,
            work_limit=_work_limit(time_limit, deterministic),
            workers=workers,
            on_progress=keep,
            should_stop=stop,
        )

    return _watched(run, on_progress, should_cancel)
