"""The group → role mapping as a plain function, for any groups and any table."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.core.models import Role
from rathaus.core.signin.mapping import MappingRow, map_groups

GROUPS = ["cn=a,o=t", "cn=b,o=t", "CN=C,O=T", "cn=c,o=t", "wahl"]
rows = st.lists(
    st.builds(
        MappingRow,
        key=st.sampled_from(GROUPS),
        role=st.sampled_from([*Role.values, "root"]),
        org_unit_id=st.none() | st.integers(1, 5),
    ),
    max_size=12,
)
held = st.sets(st.sampled_from(GROUPS))
# No deadline: CI runs on a loaded machine (STYLE rule 14).
PROFILE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(rows, held, held)
def test_fewer_groups_never_give_more_roles(table, groups, removed):
    before = map_groups(table, groups, fold_case=True)
    after = map_groups(table, groups - removed, fold_case=True)
    assert set(after.roles) <= set(before.roles)


@PROFILE
@given(rows, held)
def test_roles_are_known_codes_in_role_order_and_never_the_region_administration(table, groups):
    roles = map_groups(table, groups, fold_case=False).roles
    assert Role.REGION_ADMIN not in roles and "root" not in roles
    assert roles == [code for code in Role.values if code in roles]
    mapped = {row.role for row in table if row.key in groups}
    assert set(roles) == mapped & (set(Role.values) - {Role.REGION_ADMIN})


def test_distinguished_names_compare_without_case_claim_values_exactly():
    table = [MappingRow(key="CN=Wahlamt,OU=Groups", role=Role.ELECTION_OFFICER)]
    assert map_groups(table, ["cn=wahlamt,ou=groups"], fold_case=True).roles == [
        Role.ELECTION_OFFICER
    ]
    assert map_groups(table, ["cn=wahlamt,ou=groups"], fold_case=False).roles == []
