"""Each permission of the staff pool, with the roles that hold it."""

import pytest

from rathaus.core.models import Role
from rathaus.staffpool import rules as r

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("perm", "role", "with_region", "allowed"),
    [
        (r.PERM_VIEW, Role.POOL_HELPER, False, True),
        (r.PERM_VIEW, Role.CLERK, False, False),
        (r.PERM_MANAGE_POOL, Role.POOL_COORDINATOR, False, True),
        (r.PERM_MANAGE_POOL, Role.POOL_HELPER, False, False),
        (r.PERM_REQUEST, Role.REGION_COORDINATOR, True, True),
        (r.PERM_APPROVE, Role.POOL_COORDINATOR, False, True),
        (r.PERM_APPROVE, Role.REGION_COORDINATOR, True, False),
        (r.PERM_REGION, Role.REGION_COORDINATOR, True, True),
        (r.PERM_REGION, Role.REGION_COORDINATOR, False, False),  # a town login is no region
        (r.PERM_LEDGER, Role.LEADERSHIP, False, True),
        (r.PERM_HELP, Role.EMPLOYEE, False, True),
    ],
)
def test_permission(perm, role, with_region, allowed, make_user, town, region):
    user = make_user(
        role, municipality=None if with_region else town, region=region if with_region else None
    )
    assert user.has_perm(perm) is allowed
