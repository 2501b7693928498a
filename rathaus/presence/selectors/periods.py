"""Planning periods, their rules and their solver jobs as the planner reads them."""

from __future__ import annotations

from django.db.models import QuerySet

from rathaus.core.tenancy import get_scoped_or_404, scoped
from rathaus.presence.models import PlanningPeriod, PlanVersion, SolverJob

ACTIVE_JOB = (SolverJob.Status.QUEUED, SolverJob.Status.RUNNING)


def periods_for(user) -> QuerySet[PlanningPeriod]:
    return scoped(PlanningPeriod, user).prefetch_related("org_units").order_by("-start", "name")


def period_is_solving(period: PlanningPeriod) -> bool:
    """True while a solver job for the period is queued or running (or the period says so)."""
    if period.status == PlanningPeriod.Status.SOLVING:
        return True
    return SolverJob.objects.filter(period=period, status__in=ACTIVE_JOB).exists()


def period_rules(period: PlanningPeriod) -> dict:
    """The rules of a period, by kind, for the rules page."""
    return {
        "shift_types": period.shift_types.select_related("location"),
        "coverage": period.coverage.select_related("shift_type", "qualification"),
        "cohorts": period.cohorts.prefetch_related("members"),
        "team_days": period.team_days.select_related("org_unit"),
        "overrides": period.overrides.select_related("employee"),
    }


def recent_versions(period: PlanningPeriod, limit: int = 5) -> QuerySet[PlanVersion]:
    return period.versions.all()[:limit]


def latest_job(period: PlanningPeriod) -> SolverJob | None:
    """The period's last solve or replan job (space planning has its own)."""
    return period.jobs.exclude(kind=SolverJob.Kind.SPACE).order_by("-created_at", "-pk").first()


def latest_space_job(period: PlanningPeriod) -> SolverJob | None:
    return period.jobs.filter(kind=SolverJob.Kind.SPACE).order_by("-created_at", "-pk").first()


def job_for_user(user, job_id: int) -> SolverJob:
    """A solver job of the user's municipality (with its period), or 404."""
    return get_scoped_or_404(SolverJob.objects.select_related("period"), user, pk=job_id)
