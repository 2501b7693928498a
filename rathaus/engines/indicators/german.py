"""German wording for the engine's explanations (numbers, months, changes)."""

from __future__ import annotations

import math
from datetime import date

MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
SPELLED = {1: "einem Monat", 2: "zwei Monaten", 3: "drei Monaten", 6: "sechs Monaten"}


def number(value: float, decimals: int | None = None) -> str:
    """1234.5 → "1.234,5"; whole numbers without decimals unless asked."""
    if not math.isfinite(value):
        return "–"
    if decimals is None:
        decimals = 0 if abs(value) >= 100 or float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def percent(share: float) -> str:
    """0.4 → "+40 %" (signed, German spacing)."""
    return f"{'+' if share > 0 else '−' if share < 0 else '±'}{number(abs(share) * 100, 0)} %"


def month(day: date, *, today: date | None = None) -> str:
    """ "April" within the same year as ``today``, otherwise "April 2025"."""
    name = MONTHS[day.month - 1]
    if today is not None and today.year == day.year:
        return name
    return f"{name} {day.year}"


def months(n: int) -> str:
    return SPELLED.get(n, f"{n} Monaten")
