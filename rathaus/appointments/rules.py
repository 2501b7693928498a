"""Permissions of the appointments app (django-rules)."""

import rules

from rathaus.core.rules import is_clerk, is_leadership, is_municipality_admin

# Counter work: day view, check-in, call-up, walk-in tickets, served/no-show, closures.
PERM_COUNTER = "appointments.staff_counter"
# Statistics and CSV export.
PERM_STATISTICS = "appointments.staff_statistics"
# Catalogue, opening hours and booking policy (admin pages).
PERM_CONFIGURE = "appointments.configure"

rules.add_perm(PERM_COUNTER, is_clerk | is_municipality_admin)
rules.add_perm(PERM_STATISTICS, is_clerk | is_leadership | is_municipality_admin)
rules.add_perm(PERM_CONFIGURE, is_municipality_admin)
