"""Permissions of the steering app (django-rules).

Leadership reads everything and decides steering cases; project owners edit their projects;
department heads the projects of their department; council members read what is public.
"""

import rules

from rathaus.core.models import Role
from rathaus.core.rules import has_role, is_leadership, is_municipality_admin

is_council_member = has_role(Role.COUNCIL_MEMBER)
is_project_owner = has_role(Role.PROJECT_OWNER)
is_department_head = has_role(Role.DEPARTMENT_HEAD)


def unit_ids_of(user) -> set[int]:
    """The user's own org unit and, for department heads, every unit below it."""
    employee = getattr(user, "employee", None)
    if employee is None or employee.org_unit_id is None:
        return set()
    ids = {employee.org_unit_id}
    if user.has_role(Role.DEPARTMENT_HEAD):
        frontier = [employee.org_unit]
        while frontier:
            unit = frontier.pop()
            for child in unit.children.all():
                if child.pk not in ids:
                    ids.add(child.pk)
                    frontier.append(child)
    return ids


@rules.predicate
def owns_project(user, project) -> bool:
    if project is None:
        return False
    if project.owner_id == user.pk:
        return True
    return user.has_role(Role.DEPARTMENT_HEAD) and project.owner_unit_id in unit_ids_of(user)


reads_everything = is_leadership | is_municipality_admin
can_view = reads_everything | is_project_owner | is_department_head | is_council_member
can_work = reads_everything | is_project_owner | is_department_head

PERM_VIEW = "steering.view"
PERM_VIEW_ALL = "steering.view_all"
PERM_EDIT_PROJECT = "steering.edit_project"
PERM_COMMENT = "steering.comment"
PERM_DECIDE = "steering.decide"
PERM_MANAGE_INDICATORS = "steering.manage_indicators"
PERM_CREATE_PROJECT = "steering.create_project"
PERM_IMPORT_ACTUALS = "steering.import_actuals"

rules.add_perm(PERM_VIEW, can_view)
rules.add_perm(PERM_VIEW_ALL, reads_everything)
rules.add_perm(PERM_EDIT_PROJECT, is_leadership | (can_work & owns_project))
rules.add_perm(PERM_COMMENT, can_work)
rules.add_perm(PERM_DECIDE, is_leadership)
rules.add_perm(PERM_MANAGE_INDICATORS, reads_everything)
rules.add_perm(PERM_CREATE_PROJECT, is_leadership | is_department_head)
rules.add_perm(PERM_IMPORT_ACTUALS, reads_everything)


def sees_public_only(user) -> bool:
    """Whoever may not work on steering cases (``can_work``: leadership, municipality admins,
    project owners, department heads; superusers through Django) reads only rows marked public
    and no cases: council members. The selectors' scoping and the menu's cases link
    (``perms.steering.comment``) both ask this one permission."""
    return not user.has_perm(PERM_COMMENT)
