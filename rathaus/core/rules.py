"""Permission predicates for the core app (django-rules). Other apps build on these roles."""

import rules

from rathaus.core.models import Role


def has_role(role: str):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.has_role(role))

    return predicate


is_employee = has_role(Role.EMPLOYEE)
is_team_lead = has_role(Role.TEAM_LEAD)
is_planner = has_role(Role.PLANNER)
is_clerk = has_role(Role.CLERK)
is_election_officer = has_role(Role.ELECTION_OFFICER)
is_leadership = has_role(Role.LEADERSHIP)
is_municipality_admin = has_role(Role.MUNICIPALITY_ADMIN)
is_region_admin = has_role(Role.REGION_ADMIN)
is_admin = is_municipality_admin | is_region_admin
is_staff_member = rules.is_authenticated & (
    is_employee
    | is_team_lead
    | is_planner
    | is_clerk
    | is_election_officer
    | is_leadership
    | is_admin
)

rules.add_perm("core.view_directory", is_staff_member)
rules.add_perm("core.manage_people", is_planner | is_admin)
rules.add_perm("core.import_master_data", is_planner | is_admin)
rules.add_perm("core.view_audit", is_admin | is_leadership)
