"""Core API: municipalities (public), and the caller's own org units, employees and rooms."""

from django.utils.translation import gettext as _
from ninja import Router, Schema

from rathaus.core import selectors
from rathaus.core.api.auth import staff_auth
from rathaus.core.models import Municipality
from rathaus.core.problems import DomainError

router = Router(tags=["core"])


class MunicipalityOut(Schema):
    slug: str
    name: str
    ags: str
    federal_state: str


class OrgUnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


class EmployeeOut(Schema):
    id: int
    personnel_number: str
    first_name: str
    last_name: str
    org_unit_id: int
    working_time_share: float
    equipment_need: str


class RoomOut(Schema):
    id: int
    location_id: int
    number: str
    floor: int
    capacity_normal: int
    capacity_pandemic: int


class MeOut(Schema):
    username: str
    roles: list[str]
    municipality: str | None


@router.get("/municipalities", response=list[MunicipalityOut], summary="Kommunen (öffentlich)")
def municipalities(request):
    return Municipality.objects.order_by("name")


@router.get("/me", response=MeOut, auth=staff_auth)
def me(request):
    user = request.user
    return {
        "username": user.username,
        "roles": user.roles or [],
        "municipality": user.municipality.slug if user.municipality else None,
    }


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise DomainError("forbidden", _("Keine Berechtigung für diese Aktion."), status=403)


@router.get("/org-units", response=list[OrgUnitOut], auth=staff_auth)
def org_units(request):
    _require(request, "core.view_directory")
    return selectors.org_units_for(request.user)


@router.get("/employees", response=list[EmployeeOut], auth=staff_auth)
def employees(request, limit: int = 500, offset: int = 0):
    _require(request, "core.manage_people")
    limit = max(1, min(limit, 1000))
    offset = max(0, offset)
    return selectors.employees_for(request.user)[offset : offset + limit]


@router.get("/rooms", response=list[RoomOut], auth=staff_auth)
def rooms(request):
    _require(request, "core.manage_people")
    return selectors.rooms_for(request.user)
