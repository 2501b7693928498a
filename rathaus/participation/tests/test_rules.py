"""Every permission of the app, with the roles that hold it."""

import pytest

from rathaus.core.models import Role
from rathaus.participation import rules

pytestmark = pytest.mark.django_db

EXPECTED = {
    rules.PERM_VIEW: {
        Role.PROCESS_PLANNER,
        Role.MODERATOR,
        Role.LEADERSHIP,
        Role.MUNICIPALITY_ADMIN,
        Role.REGION_ADMIN,
    },
    rules.PERM_PLAN: {Role.PROCESS_PLANNER, Role.MUNICIPALITY_ADMIN, Role.REGION_ADMIN},
    rules.PERM_MODERATE: {Role.MODERATOR, Role.MUNICIPALITY_ADMIN, Role.REGION_ADMIN},
    rules.PERM_DECIDE: {Role.PROCESS_PLANNER, Role.MUNICIPALITY_ADMIN, Role.REGION_ADMIN},
}


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_permission_is_held_by_exactly_its_roles(perm, make_user, town):
    holders = {role for role in Role if make_user(role, municipality=town).has_perm(perm)}
    assert holders == EXPECTED[perm]
