"""Staffing floors: the fewest people an org unit needs; lending warns below it."""

from __future__ import annotations

from django.db import transaction

from rathaus.core import audit
from rathaus.core.models import OrgUnit
from rathaus.staffpool.models import StaffingFloor


@transaction.atomic
def floor_set(*, actor, org_unit: OrgUnit, minimum: int) -> StaffingFloor:
    floor, _created = StaffingFloor.objects.update_or_create(
        org_unit=org_unit,
        defaults={"municipality_id": org_unit.municipality_id, "minimum": minimum},
    )
    audit.record(
        actor=actor,
        instance=floor,
        action="update",
        summary=f"Mindestbesetzung {org_unit.code}: {minimum}",
    )
    return floor
