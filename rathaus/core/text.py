"""One-line text fields (names, phone numbers, titles): one line, no control characters.

Names go into e-mail bodies and subjects sent from the town hall's address, into iCalendar
files, CSV exports and logs. A line break in a name turns into a forged paragraph of an
official e-mail ("WICHTIG: Bitte Gebühr vorab überweisen …"); NUL bytes break PostgreSQL.
Every one-line field — in forms, API schemas and imports — goes through ``one_line``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 and C1 controls (incl. tab, CR, LF, NUL, DEL), Unicode line/paragraph separators and
# the bidirectional overrides that make text read differently from what it is.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")

MESSAGE = _("Bitte nur eine Zeile ohne Zeilenumbrüche oder Steuerzeichen eingeben.")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value or ""))


def one_line(value: str | None, *, max_length: int | None = None) -> str:
    """The stripped value, or ``ValidationError`` for control characters or excess length."""
    text = (value or "").strip()
    if has_control_characters(text):
        raise ValidationError(MESSAGE, code="control_characters")
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            _("Bitte höchstens %(max)s Zeichen eingeben (jetzt %(n)s)."),
            code="max_length",
            params={"max": max_length, "n": len(text)},
        )
    return text


@deconstructible
class OneLineValidator:
    """Field validator for forms and models: refuses control characters."""

    message = MESSAGE
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, OneLineValidator)


validate_one_line = OneLineValidator()
