"""Spreadsheet-safe cell values (CSV and Excel exports), Django-free.

Contract
--------
``neutralise(value)`` returns ``value`` unchanged unless it is a string that a spreadsheet
would read as a formula: one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (OWASP "CSV injection"). Those get a leading apostrophe, which Excel and LibreOffice
show as text and never evaluate. Numbers, dates, ``None`` and ordinary text pass through, so
exports of legitimate data stay byte-for-byte what they were. A string that is a plain
number (``-5``, ``+49``) is not a formula and passes too.

``restore(value)`` undoes ``neutralise`` for a value read back from such a file.
"""

from __future__ import annotations

import re
from typing import TypeVar

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")

T = TypeVar("T")


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value)


def neutralise(value: T) -> T | str:
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def neutralise_row(values: list) -> list:
    return [neutralise(v) for v in values]


def restore(value: str) -> str:
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value
