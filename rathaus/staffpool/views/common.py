"""Helpers the view modules share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from rathaus.core.problems import DomainError


def require_perm(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def refuse(request, form, exc: DomainError) -> None:
    """A domain refusal: at the form (non-field) when there is one, else as a message."""
    if form is not None:
        form.add_error(None, exc.message)
    else:
        messages.error(request, exc.message)
