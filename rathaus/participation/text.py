"""Checks every citizen text passes before it is stored (German messages at the field)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from rathaus.core.problems import DomainError
from rathaus.core.text import has_control_characters

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def one_line(value: str | None, *, field: str, label: str, max_length: int, required=True) -> str:
    """A single-line field: trimmed, no control characters, bounded."""
    text = (value or "").strip()
    if required and not text:
        raise DomainError(
            f"{field}_required",
            _("Bitte füllen Sie das Feld „%(label)s“ aus.") % {"label": label},
            errors=[{"field": field, "message": _("Pflichtfeld")}],
        )
    if len(text) > max_length:
        raise DomainError(
            f"{field}_too_long",
            _("„%(label)s“ darf höchstens %(n)d Zeichen lang sein.")
            % {"label": label, "n": max_length},
            errors=[{"field": field, "message": _("zu lang")}],
        )
    if has_control_characters(text):
        raise DomainError(
            f"{field}_invalid",
            _("„%(label)s“ enthält unzulässige Steuerzeichen.") % {"label": label},
            errors=[{"field": field, "message": _("unzulässige Zeichen")}],
        )
    return text


def multi_line(value: str | None, *, field: str, label: str, max_length: int, required=True) -> str:
    """A text area: line breaks allowed, other control characters refused, bounded."""
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise DomainError(
            f"{field}_required",
            _("Bitte füllen Sie das Feld „%(label)s“ aus.") % {"label": label},
            errors=[{"field": field, "message": _("Pflichtfeld")}],
        )
    if len(text) > max_length:
        raise DomainError(
            f"{field}_too_long",
            _("„%(label)s“ darf höchstens %(n)d Zeichen lang sein.")
            % {"label": label, "n": max_length},
            errors=[{"field": field, "message": _("zu lang")}],
        )
    if _CONTROL.search(text):
        raise DomainError(
            f"{field}_invalid",
            _("„%(label)s“ enthält unzulässige Steuerzeichen.") % {"label": label},
            errors=[{"field": field, "message": _("unzulässige Zeichen")}],
        )
    return text


def optional_email(value: str | None, *, field: str = "email", required: bool = False) -> str:
    """An e-mail address (empty allowed unless ``required``), trimmed and checked."""
    text = one_line(
        value, field=field, label=_("E-Mail-Adresse"), max_length=254, required=required
    )
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise DomainError(
                f"{field}_invalid",
                _("Bitte geben Sie eine gültige E-Mail-Adresse an."),
                errors=[{"field": field, "message": _("ungültig")}],
            ) from None
    return text


def neutralise_cell(value) -> str:
    """CSV/Excel cells that start with = + - @ (or tab/CR) are prefixed with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
