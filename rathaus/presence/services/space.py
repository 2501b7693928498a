"""Space planning: the least desks a hybrid policy needs, and what fewer desks cost."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from rathaus.engines.roster.watched import space_with_progress
from rathaus.presence.conf import deterministic_solves, solver_workers, space_time_limit
from rathaus.presence.models import PlanningPeriod, SolverJob
from rathaus.presence.roster_adapter.problem import build_problem
from rathaus.presence.services.jobs import job_finish


def space_run(job: SolverJob, period: PlanningPeriod, on_progress, should_cancel) -> None:
    """Least desks for a hybrid policy and the curve desks -> penalties (engine's plan_space),
    on the first week of the period to keep the job short."""
    problem, _ctx = build_problem(period)
    week = replace(problem, days=problem.days[:7], previous_plan=(), fixed=())
    min_onsite = int(job.params.get("min_onsite", period.min_onsite_per_week))
    on_progress(5, None, None)
    result = space_with_progress(
        week,
        min_onsite_per_week=min_onsite,
        time_limit=space_time_limit(),
        workers=solver_workers(),
        on_progress=on_progress,
        should_cancel=should_cancel,
        deterministic=deterministic_solves(),
    )
    office_staff = sum(1 for e in week.employees if e.rooms)
    data = {
        "min_onsite": min_onsite,
        "office_staff": office_staff,
        "current_seats": result.current_seats,
        "min_seats": result.min_seats,
        "proven": result.proven,
        "lower_bound": result.lower_bound,
        "gap": result.gap,
        "week": [week.days[0].isoformat(), week.days[-1].isoformat()],
        "curve": [
            {
                "seats": p.seats,
                "fairness": p.fairness,
                "wishes": p.wishes,
                "team_days": p.team_days,
                "peak": p.peak_onsite,
                "home_share": round(100 * p.home_share) if p.home_share is not None else None,
            }
            for p in result.points
            if p.objective is not None
        ],
    }
    if result.min_seats is None:
        msg = _(
            "Für diese Hybrid-Regel gibt es keinen Plan (auch nicht mit allen heutigen Plätzen)."
        )
    elif result.proven:
        msg = _(
            "Kleinste Zahl an Arbeitsplätzen, für die ein Plan existiert: %(seats)s (bewiesen)."
        ) % {"seats": result.min_seats}
    elif result.lower_bound is not None:
        msg = _(
            "Kleinste Zahl an Arbeitsplätzen, für die ein Plan existiert: %(seats)s "
            "(beste gefundene Lösung; jeder Plan braucht mindestens %(bound)s)."
        ) % {"seats": result.min_seats, "bound": result.lower_bound}
    else:
        msg = _(
            "Kleinste Zahl an Arbeitsplätzen, für die ein Plan existiert: %(seats)s "
            "(beste gefundene Lösung)."
        ) % {"seats": result.min_seats}
    job_finish(job, SolverJob.Status.DONE, msg, progress=100, result=data)
