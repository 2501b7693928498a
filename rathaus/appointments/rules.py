"""Permissions of the appointments app (django-rules)."""

import rules

from rathaus.core.rules import is_clerk, is_leadership, is_municipality_admin

# counter work: day view, check-in, call-up, walk-in tickets, closures
rules.add_perm("appointments.manage_counter", is_clerk | is_municipality_admin)
# statistics and CSV export
rules.add_perm("appointments.view_statistics", is_clerk | is_leadership | is_municipality_admin)
# catalogue, opening hours and policy (admin pages)
rules.add_perm("appointments.configure", is_municipality_admin)
