"""From directory groups (or claim values) to roles and an org unit, by one municipality's table.

Plain functions over plain values: what a person may do follows only from the groups the
directory reports at this sign-in and the mapping of the municipality they sign in to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rathaus.core.models import Role

ROLE_ORDER = {code: index for index, code in enumerate(Role.values)}


@dataclass(frozen=True)
class MappingRow:
    key: str  # a group DN or a claim value
    role: str
    org_unit_id: int | None = None


@dataclass(frozen=True)
class Mapped:
    roles: list[str]
    org_unit_id: int | None

    @property
    def grants_anything(self) -> bool:
        return bool(self.roles)


def map_groups(rows: Iterable[MappingRow], groups: Iterable[str], *, fold_case: bool) -> Mapped:
    """Roles for the groups held, in the order of ``Role``; the first mapped org unit wins.

    LDAP DNs compare without case (``fold_case``), claim values exactly. Rows whose role is
    not a known code, or is the region administration, give nothing.
    """
    norm = (lambda value: value.strip().lower()) if fold_case else (lambda value: value)
    held = {norm(group) for group in groups}
    matching = [row for row in rows if norm(row.key) in held]
    roles = {
        row.role for row in matching if row.role in ROLE_ORDER and row.role != Role.REGION_ADMIN
    }
    units = sorted(
        (row for row in matching if row.org_unit_id),
        key=lambda row: (ROLE_ORDER.get(row.role, 99), row.key),
    )
    return Mapped(
        roles=sorted(roles, key=ROLE_ORDER.__getitem__),
        org_unit_id=units[0].org_unit_id if units else None,
    )
