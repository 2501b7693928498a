"""Helpers shared by the core pages."""

from django.core.exceptions import PermissionDenied


def require_perm(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied
