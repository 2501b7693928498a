"""Permissions of the presence app (django-rules)."""

import rules

from rathaus.core.rules import is_municipality_admin, is_planner, is_staff_member, is_team_lead

PERM_PLAN = "presence.plan"
PERM_VIEW_OWN_PLAN = "presence.view_own_plan"
PERM_VIEW_TODAY = "presence.view_today"

can_plan = is_planner | is_team_lead | is_municipality_admin

rules.add_perm(PERM_PLAN, can_plan)
rules.add_perm(PERM_VIEW_OWN_PLAN, is_staff_member)
rules.add_perm(PERM_VIEW_TODAY, is_staff_member)
