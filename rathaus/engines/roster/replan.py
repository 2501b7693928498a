"""Replan from a date: earlier days stay exactly as planned, new absences apply from then on.

Priority is lexicographic: hard rules, then the number of changed days against the previous
plan (proven minimal when the status is OPTIMAL), then the other soft rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date

from rathaus.engines.roster.model import Plan, Problem
from rathaus.engines.roster.progress import Progress
from rathaus.engines.roster.solver import solve


def replan_problem(
    problem: Problem,
    previous: Plan,
    from_day: date,
    new_absences: Mapping[str, Iterable[date]] | None = None,
) -> Problem:
    """The problem to solve: past days fixed, absences added, previous plan for stability."""
    extra = {eid: {d for d in days if d >= from_day} for eid, days in (new_absences or {}).items()}
    employees = tuple(
        replace(e, absences=e.absences | frozenset(extra[e.id])) if extra.get(e.id) else e
        for e in problem.employees
    )
    days = set(problem.days)
    past = {
        (a.employee_id, a.day): a
        for a in previous.assignments
        if a.day < from_day and a.day in days
    }
    fixed = tuple(a for a in problem.fixed if (a.employee_id, a.day) not in past)
    return replace(
        problem,
        employees=employees,
        fixed=fixed + tuple(past.values()),
        previous_plan=tuple(a for a in previous.assignments if a.day >= from_day),
    )


def replan(
    problem: Problem,
    previous: Plan,
    from_day: date,
    new_absences: Mapping[str, Iterable[date]] | None = None,
    *,
    time_limit: float = 10.0,
    work_limit: float | None = None,
    workers: int = 2,
    seed: int = 0,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Plan:
    """New plan that keeps days before `from_day` and changes as few later days as possible.
    `work_limit`, `on_progress` and `should_stop` as in `solve`; like `solve`, it always
    answers with a checked plan or a reason."""
    p = replan_problem(problem, previous, from_day, new_absences)
    return solve(
        p,
        time_limit=time_limit,
        work_limit=work_limit,
        workers=workers,
        seed=seed,
        stability_first=True,
        hint=previous,
        on_progress=on_progress,
        should_stop=should_stop,
    )
