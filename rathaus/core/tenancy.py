"""The one tenancy layer: which municipalities a user may see, and lookups scoped to them."""

from __future__ import annotations

from django.db import models
from django.http import Http404

from rathaus.core.models import Municipality, Role

# A region admin may narrow every list to one municipality of the region: the choice lives in
# the session under this key and is put on the user object as the attribute below.
CHOSEN_SESSION_KEY = "rathaus_municipality"
CHOSEN_ATTRIBUTE = "_rathaus_chosen_municipality"


def municipality_ids_for(user) -> list[int]:
    """Municipalities whose data the user may read. Anonymous users: none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_rathaus_municipality_ids", None)
    if cached is not None:
        return cached
    if user.has_role(Role.REGION_ADMIN) and user.region_id:
        ids = list(
            Municipality.objects.filter(region_id=user.region_id).values_list("id", flat=True)
        )
        # the municipality the region admin switched to (session, see TenantMiddleware)
        chosen = getattr(user, CHOSEN_ATTRIBUTE, None)
        if chosen in ids:
            ids = [chosen]
    elif user.municipality_id:
        ids = [user.municipality_id]
    else:
        ids = []
    user._rathaus_municipality_ids = ids
    return ids


def can_access(user, municipality_id: int | None) -> bool:
    return municipality_id is not None and municipality_id in municipality_ids_for(user)


def scoped(model_or_qs, user) -> models.QuerySet:
    """Rows of a tenant model visible to the user."""
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs.objects.all()
    return qs.filter(municipality_id__in=municipality_ids_for(user))


def get_scoped_or_404(model_or_qs, user, **lookup):
    """Like get_object_or_404, but rows of other municipalities do not exist for this user."""
    try:
        return scoped(model_or_qs, user).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def home_municipality(user) -> Municipality | None:
    """The municipality a user acts for by default (region admins: the first of their region)."""
    if user is None or not user.is_authenticated:
        return None
    if user.municipality_id and not is_region_admin(user):
        return user.municipality
    ids = municipality_ids_for(user)
    return Municipality.objects.filter(id__in=ids).order_by("name").first()


def scoped_municipalities(user) -> models.QuerySet:
    """The municipalities a user may act for, by name (region admins: their region)."""
    return Municipality.objects.filter(id__in=municipality_ids_for(user)).order_by("name")


def is_region_admin(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_role(Role.REGION_ADMIN)
        and user.region_id
    )


def region_municipalities(user) -> models.QuerySet:
    """Every municipality of a region admin's region, whatever they switched to (else none)."""
    if not is_region_admin(user):
        return Municipality.objects.none()
    return Municipality.objects.filter(region_id=user.region_id).order_by("name")


def chosen_municipality(user) -> Municipality | None:
    """The municipality a region admin switched to; None while they see the whole region."""
    chosen = getattr(user, CHOSEN_ATTRIBUTE, None)
    if chosen is None or not is_region_admin(user):
        return None
    return region_municipalities(user).filter(pk=chosen).first()


def spans_towns(user) -> bool:
    """True when the user's lists mix municipalities (a region admin seeing the region)."""
    return len(municipality_ids_for(user)) > 1
