"""Reads for the editing pages: what a project may point to, the rows being edited."""

from __future__ import annotations

from rathaus.core.models import OrgUnit, User
from rathaus.core.tenancy import get_scoped_or_404, municipality_ids_for, scoped
from rathaus.steering.models import (
    ActionField,
    BudgetLine,
    Goal,
    Milestone,
    Programme,
    Project,
)
from rathaus.steering.selectors import current_plan


def edit_choices(user) -> dict:
    """Action fields and goals of the current plan, org units and people of the user's
    municipalities."""
    plan = current_plan(user)
    fields = scoped(ActionField, user).filter(plan=plan)
    return {
        "action_field": fields,
        "goal": scoped(Goal, user).filter(action_field__in=fields).select_related("action_field"),
        "programme": scoped(Programme, user).filter(plan=plan),
        "owner_unit": scoped(OrgUnit, user).order_by("code", "name"),
        "owner": User.objects.filter(
            municipality_id__in=municipality_ids_for(user), is_active=True
        ).order_by("last_name", "first_name", "username"),
    }


def project_for_edit(user, pk: int) -> Project:
    return get_scoped_or_404(Project.objects.select_related("action_field"), user, pk=pk)


def milestone_get(user, project: Project, pk: int) -> Milestone:
    return get_scoped_or_404(Milestone.objects.filter(project=project), user, pk=pk)


def budget_line_get(user, project: Project, pk: int) -> BudgetLine:
    return get_scoped_or_404(BudgetLine.objects.filter(project=project), user, pk=pk)
