"""Permissions of the meetings app (django-rules).

Reading a body needs a staff role of its municipality; non-public bodies are visible only to
their members, the meetings office, the leadership and admins (see ``selectors.bodies_for``).
"""

import rules

from rathaus.core.models import Role
from rathaus.core.rules import has_role, is_admin, is_leadership, is_staff_member

is_meetings_office = has_role(Role.MEETINGS_OFFICE)

PERM_VIEW = "meetings.view"
PERM_MANAGE = "meetings.manage"  # bodies, members, series, meetings, agenda, invitations
PERM_MINUTES = "meetings.write_minutes"  # write minutes, decisions, assignments
PERM_SEE_ALL = "meetings.see_all_bodies"  # non-public bodies without being a member

rules.add_perm(PERM_VIEW, is_staff_member | is_meetings_office)
rules.add_perm(PERM_MANAGE, is_meetings_office | is_admin)
rules.add_perm(PERM_MINUTES, is_meetings_office | is_admin)
rules.add_perm(PERM_SEE_ALL, is_meetings_office | is_leadership | is_admin)
