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

# Roles a non-superuser admin may give or take only if it holds them itself: the election
# officer's four eyes and the region's scope must not be one click away for a town's admin.
GUARDED_ROLES = frozenset({Role.ELECTION_OFFICER, Role.REGION_ADMIN})


def grantable_roles(actor) -> set[str]:
    """Role codes the acting admin may add to or remove from another user."""
    if actor.is_superuser:
        return set(Role.values)
    held = set(actor.roles) if isinstance(actor.roles, list) else set()
    grantable = {r for r in Role.values if r not in GUARDED_ROLES} | (held & GUARDED_ROLES)
    # Region admins are made by the superuser: the region field is theirs alone as well.
    grantable.discard(Role.REGION_ADMIN)
    return grantable


def outranks(target, actor) -> bool:
    """True when ``target`` holds rights that ``actor`` could not grant (or is a superuser)."""
    if actor.is_superuser:
        return False
    if target.is_superuser or target.is_staff:
        return True
    roles = set(target.roles) if isinstance(target.roles, list) else set()
    return bool(roles - grantable_roles(actor))


rules.add_perm("core.view_directory", is_staff_member)
rules.add_perm("core.manage_people", is_planner | is_admin)
rules.add_perm("core.import_master_data", is_planner | is_admin)
rules.add_perm("core.view_audit", is_admin | is_leadership)
# The Django admin ("Stammdatenverwaltung"): the same predicate as ``RathausAdminSite``.
rules.add_perm("core.use_admin", is_admin)
# The municipality's legal pages (Impressum, privacy notice, accessibility statement).
rules.add_perm("core.edit_legal_pages", is_admin)
# New municipalities in the region admin's own region.
rules.add_perm("core.create_municipality", is_region_admin)
