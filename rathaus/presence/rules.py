"""Permissions of the presence app (django-rules)."""

import rules

from rathaus.core.rules import is_municipality_admin, is_planner, is_staff_member, is_team_lead

can_plan = is_planner | is_team_lead | is_municipality_admin

rules.add_perm("presence.plan", can_plan)
rules.add_perm("presence.view_own_plan", is_staff_member)
rules.add_perm("presence.view_today", is_staff_member)
