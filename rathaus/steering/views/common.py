"""Helpers shared by the steering views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied
