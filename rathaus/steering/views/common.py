"""Helpers shared by the steering views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.forms import Form

from rathaus.core.problems import DomainError


def require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def errors_to_form(form: Form, exc: DomainError) -> None:
    """A service's refusal: the message above the form, and at each field it names."""
    form.add_error(None, exc.message)
    for error in exc.errors or []:
        field = error.get("field")
        if field in form.fields:
            form.add_error(field, error.get("message") or exc.message)
