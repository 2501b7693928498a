"""German number formatting for messages and reasons ("1.234", "45,23 %")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def fmt_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def fmt_pct(value: Decimal | None) -> str:
    if value is None:
        return "– %"
    whole, _, frac = f"{value:.2f}".partition(".")
    return f"{fmt_int(int(whole))},{frac} %"


def fmt_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def percent(part: int, whole: int) -> Decimal | None:
    """``part/whole`` in percent, two decimals, rounded half-up, computed exactly in integers.

    Float or Decimal division could land just below a .xx5 boundary; integer arithmetic cannot.
    """
    if whole <= 0:
        return None
    return share(part, whole)


def share(part: int, whole: int) -> Decimal:
    """Like ``percent`` but ``whole`` must be positive."""
    hundredths = (part * 20000 + whole) // (2 * whole)
    return Decimal(hundredths).scaleb(-2)
