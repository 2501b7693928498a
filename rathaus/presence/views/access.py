"""Who may open a planner page: permission checks and the objects of the acting user's
municipality (404 for anything else)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from rathaus.core.tenancy import get_scoped_or_404
from rathaus.presence.models import PlanningPeriod, SolverJob
from rathaus.presence.rules import PERM_PLAN
from rathaus.presence.selectors.periods import job_for_user


def require_perm(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def planner_period(request, pk) -> PlanningPeriod:
    require_perm(request.user, PERM_PLAN)
    return get_scoped_or_404(PlanningPeriod, request.user, pk=pk)


def planner_job(request, job_id) -> SolverJob:
    require_perm(request.user, PERM_PLAN)
    return job_for_user(request.user, job_id)
