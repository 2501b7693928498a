"""Permissions of the staff side of the appointments app (django-rules).

``appointments.staff_counter``: counter work (day view, check-in, call-up, walk-in tickets,
served/no-show, closures) — clerks and municipality admins.
``appointments.staff_statistics``: statistics and CSV export — clerks, leadership and
municipality admins.

Imported by :mod:`rathaus.appointments.staff_views` and :mod:`rathaus.appointments.staff_api`
so the permissions are registered even before ``rules.py`` imports this module.
"""

import rules

from rathaus.core.rules import is_clerk, is_leadership, is_municipality_admin

PERM_COUNTER = "appointments.staff_counter"
PERM_STATISTICS = "appointments.staff_statistics"

is_counter_staff = is_clerk | is_municipality_admin
is_statistics_reader = is_clerk | is_leadership | is_municipality_admin

# set_perm is idempotent (add_perm raises when the module is imported under two names)
rules.set_perm(PERM_COUNTER, is_counter_staff)
rules.set_perm(PERM_STATISTICS, is_statistics_reader)
