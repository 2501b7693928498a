"""Permissions of the standards app (django-rules) and who sees which region."""

from __future__ import annotations

import rules

from rathaus.core.models import Region, Role
from rathaus.core.rules import has_role, is_municipality_admin, is_region_admin, is_staff_member

PERM_VIEW = "standards.view"
PERM_MANAGE_PROMISES = "standards.manage_promises"
PERM_JOIN = "standards.join"
PERM_PUBLISH = "standards.publish"
PERM_IMPORT = "standards.import"
PERM_ENTER = "standards.enter_figures"
PERM_CONFIRM = "standards.confirm_figures"

REGION_ROLES = (Role.REGION_ADMIN, Role.REGION_COORDINATOR)

is_region_coordinator = has_role(Role.REGION_COORDINATOR)


@rules.predicate
def acts_for_region(user) -> bool:
    """Region administration or coordination, bound to a region."""
    return bool(
        user
        and user.is_authenticated
        and user.region_id
        and any(user.has_role(r) for r in REGION_ROLES)
    )


can_view = (is_staff_member & rules.is_authenticated) | acts_for_region

rules.add_perm(PERM_VIEW, can_view)
rules.add_perm(PERM_MANAGE_PROMISES, acts_for_region)
rules.add_perm(PERM_JOIN, is_municipality_admin | (is_region_admin & acts_for_region))
rules.add_perm(PERM_PUBLISH, acts_for_region)
rules.add_perm(PERM_IMPORT, acts_for_region | is_municipality_admin)
# Four eyes: the municipality's administration or leadership confirms figures about it;
# region staff may enter figures for a municipality but never confirm them.
is_municipality_controller = is_municipality_admin | has_role(Role.LEADERSHIP)
rules.add_perm(PERM_ENTER, acts_for_region | is_municipality_controller)
rules.add_perm(PERM_CONFIRM, is_municipality_controller)


def region_of(user) -> Region | None:
    """The region whose standards the user may see (None: none)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if acts_for_region(user):
        return user.region
    if user.municipality_id and user.has_perm(PERM_VIEW):
        return user.municipality.region
    return None


def is_region_staff(user, region: Region | None) -> bool:
    """Region staff see every member municipality by name and may drill down everywhere."""
    return bool(region and acts_for_region(user) and user.region_id == region.id)


def import_scope(user, region: Region) -> set[int]:
    """Municipalities whose figures the user may import."""
    if is_region_staff(user, region):
        return set(region.municipalities.values_list("id", flat=True))
    if user.has_perm(PERM_IMPORT) and user.municipality_id:
        return {user.municipality_id}
    return set()


def entry_scope(user, region: Region) -> set[int]:
    """Municipalities for which the user may enter figures by hand."""
    if is_region_staff(user, region):
        return set(region.municipalities.values_list("id", flat=True))
    if user.has_perm(PERM_ENTER) and user.municipality_id:
        return {user.municipality_id}
    return set()


def may_confirm(user, entry) -> bool:
    """Four eyes: a second person of the entry's own municipality."""
    return bool(
        user.has_perm(PERM_CONFIRM)
        and user.municipality_id == entry.municipality_id
        and user.pk != entry.entered_by_id
    )
