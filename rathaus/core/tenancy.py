"""The one tenancy layer: which municipalities a user may see, and lookups scoped to them."""

from __future__ import annotations

from django.db import models
from django.http import Http404

from rathaus.core.models import Municipality, Role


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
    if user.municipality_id:
        return user.municipality
    ids = municipality_ids_for(user)
    return Municipality.objects.filter(id__in=ids).order_by("name").first()


def scoped_municipalities(user) -> models.QuerySet:
    """The municipalities a user may act for, by name (region admins: their region)."""
    return Municipality.objects.filter(id__in=municipality_ids_for(user)).order_by("name")
