"""Progress reports and the stop request of `solve`, `replan` and `plan_space`."""

from __future__ import annotations

import threading

from rathaus.engines.roster import STOPPED_NOTE, Plan, Progress, Status, check, replan, solve
from rathaus.engines.roster.generator import generate
from rathaus.engines.roster.space import plan_space
from rathaus.engines.roster.start import START_NOTE


def _recorder() -> tuple[list[Progress], object]:
    seen: list[Progress] = []
    lock = threading.Lock()

    def on_progress(p: Progress) -> None:
        with lock:
            seen.append(p)

    return seen, on_progress


def test_progress_fractions_never_decrease_and_end_at_one() -> None:
    problem = generate(40, weeks=1, seed=3)
    seen, on_progress = _recorder()
    plan = solve(problem, work_limit=4.0, on_progress=on_progress)  # type: ignore[arg-type]
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert check(problem, plan).ok
    fractions = [p.fraction for p in seen]
    assert len(fractions) >= 2
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in fractions)
    assert any(p.objective is not None for p in seen)
    assert all(p.message for p in seen)


def test_stop_after_the_first_solution_returns_a_valid_plan() -> None:
    problem = generate(40, weeks=1, seed=3)
    found = threading.Event()

    def on_progress(p: Progress) -> None:
        if p.message == "Lösung gefunden":
            found.set()

    plan = solve(
        problem,
        work_limit=30.0,
        on_progress=on_progress,
        should_stop=found.is_set,
    )
    assert plan.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert STOPPED_NOTE in plan.notes
    result = check(problem, plan)
    assert result.ok, result.violations
    assert result.objective == plan.objective


def test_stop_without_decomposition_returns_the_incumbent() -> None:
    problem = generate(40, weeks=1, seed=5)
    found = threading.Event()
    plan = solve(
        problem,
        work_limit=30.0,
        decompose=False,
        on_progress=lambda p: found.set() if p.objective is not None else None,
        should_stop=found.is_set,
    )
    assert plan.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert check(problem, plan).ok


def test_stop_before_start_still_answers_with_the_checked_start_plan() -> None:
    problem = generate(40, weeks=1, seed=3)
    plan = solve(problem, work_limit=30.0, decompose=False, should_stop=lambda: True)
    assert plan.status is Status.FEASIBLE
    assert STOPPED_NOTE in plan.notes and START_NOTE in plan.notes
    result = check(problem, plan)
    assert result.ok, result.violations
    assert result.objective == plan.objective


def test_replan_and_plan_space_pass_progress_on() -> None:
    problem = generate(30, weeks=1, seed=7)
    first = solve(problem, work_limit=3.0)
    assert first.status in (Status.OPTIMAL, Status.FEASIBLE)
    seen, on_progress = _recorder()
    again = replan(
        problem,
        Plan(first.status, assignments=first.assignments),
        problem.days[2],
        work_limit=3.0,
        on_progress=on_progress,  # type: ignore[arg-type]
    )
    assert again.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert seen and seen[-1].fraction == 1.0
    seen, on_progress = _recorder()
    result = plan_space(problem, steps=2, work_limit=6.0, on_progress=on_progress)  # type: ignore[arg-type]
    assert result.min_seats is not None
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
