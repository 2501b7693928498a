"""Permissions of the staff pool (django-rules). Regional reach needs the user's region."""

import rules

from rathaus.core.models import Role
from rathaus.core.rules import has_role, is_employee, is_leadership, is_municipality_admin

PERM_VIEW = "staffpool.view"
PERM_MANAGE_POOL = "staffpool.manage_pool"
PERM_REQUEST = "staffpool.request"
PERM_APPROVE = "staffpool.approve"
PERM_REGION = "staffpool.region"
PERM_LEDGER = "staffpool.view_ledger"
PERM_HELP = "staffpool.help"


@rules.predicate
def has_region(user) -> bool:
    return bool(user and user.is_authenticated and user.region_id)


is_pool_coordinator = has_role(Role.POOL_COORDINATOR)
# A region coordinator acts for the region set on their login, never for a town's region.
is_region_coordinator = has_role(Role.REGION_COORDINATOR) & has_region
is_pool_helper = has_role(Role.POOL_HELPER)

rules.add_perm(
    PERM_VIEW,
    is_pool_coordinator | is_region_coordinator | is_pool_helper | is_leadership,
)
rules.add_perm(PERM_MANAGE_POOL, is_pool_coordinator | is_municipality_admin)
rules.add_perm(PERM_REQUEST, is_pool_coordinator | is_region_coordinator)
rules.add_perm(PERM_APPROVE, is_pool_coordinator)
rules.add_perm(PERM_REGION, is_region_coordinator)
rules.add_perm(PERM_LEDGER, is_pool_coordinator | is_region_coordinator | is_leadership)
rules.add_perm(PERM_HELP, is_pool_helper | is_employee)
