"""Permissions of the elections app (django-rules)."""

import rules

from rathaus.core.rules import is_admin, is_election_officer, is_leadership

# Staff overview and reports (incl. figures not yet approved).
rules.add_perm("elections.view_staff", is_election_officer | is_leadership | is_admin)
# Enter quick reports/final results, corrections, CSV import.
rules.add_perm("elections.enter_results", is_election_officer)
# Approve results entered by someone else (four eyes are checked in the service).
rules.add_perm("elections.approve_results", is_election_officer)
# Draw lots, create the runoff, declare the final result.
rules.add_perm("elections.manage", is_election_officer)
