"""Small input checks shared by services and forms."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from rathaus.core.problems import DomainError

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(value: str, *, field: str) -> str:
    """One-line fields reject control characters (line breaks included)."""
    value = (value or "").strip()
    if CONTROL.search(value):
        raise DomainError(
            "control_characters",
            _("Das Feld darf keine Zeilenumbrüche oder Steuerzeichen enthalten."),
            errors=[{"field": field}],
        )
    return value
