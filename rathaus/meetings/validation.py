"""Small input checks shared by services and forms."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rathaus.core.problems import DomainError
from rathaus.core.text import has_control_characters


def one_line(value: str, *, field: str) -> str:
    """One-line fields reject control characters (line breaks included)."""
    value = (value or "").strip()
    if has_control_characters(value):
        raise DomainError(
            "control_characters",
            _("Das Feld darf keine Zeilenumbrüche oder Steuerzeichen enthalten."),
            errors=[{"field": field}],
        )
    return value
