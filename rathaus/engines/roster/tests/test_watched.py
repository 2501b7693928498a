"""Running the engine under watch: the caller's thread reports progress and cancels."""

from __future__ import annotations

import threading

import pytest

from rathaus.engines.roster import Progress, Status, check
from rathaus.engines.roster.generator import generate
from rathaus.engines.roster.watched import Cancelled, _run_watched, solve_with_progress


def test_a_watched_solve_answers_with_a_plan_the_checker_accepts() -> None:
    problem = generate(30, weeks=1, seed=3)
    plan = solve_with_progress(problem, work_limit=4.0)
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert check(problem, plan).ok


def test_progress_of_the_engine_thread_is_reported_in_the_callers_thread() -> None:
    reported: list[tuple[int, float | None, float | None, str]] = []
    seen = threading.Event()

    def run(keep, stop):
        keep(Progress(0.5, 12.0, 7.0, "Lösung gefunden"))
        seen.wait()  # until the caller's thread has reported it
        return "plan"

    def report(pct, objective, bound) -> None:
        reported.append((pct, objective, bound, threading.current_thread().name))
        seen.set()

    assert _run_watched(run, report, lambda: False) == "plan"
    assert reported[0] == (50, 12.0, 7.0, threading.current_thread().name)


def test_the_cancel_flag_stops_the_engine_and_raises_cancelled() -> None:
    stopped = threading.Event()

    def run(keep, stop):
        while not stop():
            stopped.wait(0.01)
        stopped.set()
        return "best so far"

    with pytest.raises(Cancelled):
        _run_watched(run, lambda pct, objective, bound: None, lambda: True)
    assert stopped.is_set()
