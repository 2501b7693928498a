"""Permissions of the participation app (django-rules)."""

import rules

from rathaus.core.models import Role
from rathaus.core.rules import has_role, is_admin, is_leadership

is_moderator = has_role(Role.MODERATOR)
is_process_planner = has_role(Role.PROCESS_PLANNER)

PERM_VIEW = "participation.view_staff"
PERM_PLAN = "participation.plan"
PERM_MODERATE = "participation.moderate"
PERM_DECIDE = "participation.decide"

# Staff overview of processes and the participation report.
rules.add_perm(PERM_VIEW, is_process_planner | is_moderator | is_leadership | is_admin)
# Create and publish processes, invite groups and experts, import the street directory.
rules.add_perm(PERM_PLAN, is_process_planner | is_admin)
# Hide and publish posts, answer flags.
rules.add_perm(PERM_MODERATE, is_moderator | is_admin)
# Set an idea's status ("you said, we did"), official statements.
rules.add_perm(PERM_DECIDE, is_process_planner | is_admin)
