"""The staff pool's regional layer on top of core tenancy.

A town sees its own members with names; every member of the region only by pseudonym; the
requests of the whole region; secondments where it lends or borrows. Names cross to the
borrowing side only once the helper has accepted.
"""

from __future__ import annotations

from rathaus.core.models import Municipality
from rathaus.core.tenancy import municipality_ids_for


def region_id_for(user) -> int | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.region_id:
        return user.region_id
    if user.municipality_id:
        return user.municipality.region_id
    return None


def region_municipality_ids(user) -> list[int]:
    region = region_id_for(user)
    if region is None:
        return []
    return list(Municipality.objects.filter(region_id=region).values_list("id", flat=True))


def own_ids(user) -> list[int]:
    return municipality_ids_for(user)


def sees_identity(user, secondment) -> bool:
    """Home municipality always; the borrowing side once the helper has accepted."""
    own = own_ids(user)
    if secondment.municipality_id in own:
        return True
    if secondment.status not in ("accepted", "ended"):
        return False
    if secondment.request.municipality_id in own:
        return True
    return bool(
        secondment.request.for_region
        and user.has_perm("staffpool.region")
        and secondment.request.municipality_id in region_municipality_ids(user)
    )
