"""The engine's promise: every solve answers with a checked plan or an explained result.

`start_plan(problem)` builds a complete plan without optimisation, from the two heuristics
(`greedy`: balanced home-office shares, kits repaired afterwards; `construct`: fixed days,
shift teams and the kit pool day by day) and returns the first one the independent checker
accepts. `answer(problem, plan, hint)` is applied to whatever the search returned:

- OPTIMAL / FEASIBLE plans are checked; INFEASIBLE plans always carry a reason;
- when the search found nothing (time limit, stop, busy machine), the caller's hint or the
  start plan is the answer if the checker accepts it (FEASIBLE, note `START_NOTE`);
- only when no valid plan is known at all the status stays UNKNOWN, with a reason
  (`NO_PLAN_IN_TIME`) that names the first rule the start plan could not keep.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rathaus.engines.roster.checker import check
from rathaus.engines.roster.construct import construct_plan
from rathaus.engines.roster.greedy import greedy_plan, repair_kits
from rathaus.engines.roster.model import Assignment, Plan, Problem, Reason, Status

START_NOTE = "Startlösung ohne Optimierung"
UNCHECKED_NOTE = "Suchergebnis verworfen: unabhängige Prüfung nicht bestanden"


@dataclass(frozen=True)
class Start:
    assignments: tuple[Assignment, ...] | None  # a checker-valid complete plan, or None
    problem: str | None  # why there is none: the first violation of the best attempt


def _complete(problem: Problem, partial: dict) -> list[Assignment]:
    """The greedy leaves calendar days (absent, not working) out: add them."""
    rest = [
        Assignment(e.id, d, kind)
        for e in problem.employees
        for d in problem.days
        if (e.id, d) not in partial and (kind := problem.base_kind(e, d)) is not None
    ]
    return [*partial.values(), *rest]


def _candidates(problem: Problem):
    greedy = greedy_plan(problem)
    if greedy is not None:
        full = _complete(problem, greedy)
        yield repair_kits(problem, full) or full
    constructed = construct_plan(problem)
    if constructed is not None:
        yield constructed


def start_plan(problem: Problem) -> Start:
    """A complete plan that the independent checker accepts, built without optimisation."""
    first_problem = "Die Startheuristiken fanden keinen vollständigen Plan."
    for candidate in _candidates(problem):
        plan = tuple(sorted(candidate, key=lambda a: (a.employee_id, a.day)))
        result = check(problem, plan)
        if result.ok:
            return Start(plan, None)
        first_problem = result.violations[0]
    return Start(None, first_problem)


def _checked(problem: Problem, assignments: tuple[Assignment, ...], plan: Plan) -> Plan | None:
    result = check(problem, assignments)
    if not result.ok:
        return None
    return Plan(
        status=Status.FEASIBLE,
        assignments=tuple(sorted(assignments, key=lambda a: (a.employee_id, a.day))),
        objective=result.objective,
        bound=plan.bound if plan.bound is not None and plan.bound <= result.objective else None,
        penalties=result.penalties,
        wall_time=plan.wall_time,
        notes=(*plan.notes, START_NOTE),
    )


def answer(problem: Problem, plan: Plan, hint: Plan | None = None) -> Plan:
    """The search's plan if the checker accepts it, else the best valid fallback (see above)."""
    if plan.status is Status.INFEASIBLE:
        if plan.explanation:
            return plan
        reason = Reason("UNEXPLAINED", "Es gibt keinen Plan, der alle Regeln erfüllt.")
        return replace(plan, explanation=(reason,))
    if plan.status in (Status.OPTIMAL, Status.FEASIBLE):
        if check(problem, plan.assignments).ok:
            return plan
        plan = replace(plan, notes=(*plan.notes, UNCHECKED_NOTE))
    if hint is not None and hint.assignments:
        fallback = _checked(problem, hint.assignments, plan)
        if fallback is not None:
            return fallback
    start = start_plan(problem)
    if start.assignments is not None:
        fallback = _checked(problem, start.assignments, plan)
        if fallback is not None:
            return fallback
    reason = Reason(
        "NO_PLAN_IN_TIME",
        "In der Rechenzeit wurde kein gültiger Plan gefunden, und die einfache Startlösung "
        f"verletzt eine Regel ({start.problem}). Mehr Rechenzeit geben oder Regeln prüfen.",
    )
    return Plan(Status.UNKNOWN, wall_time=plan.wall_time, notes=plan.notes, explanation=(reason,))
