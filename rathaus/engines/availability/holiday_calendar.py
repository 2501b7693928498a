"""Public holidays per German federal state via the ``holidays`` package (not Django)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays

__all__ = ["public_holidays"]


def public_holidays(state: str, years: int | Iterable[int]) -> frozenset[date]:
    """State-wide public holidays of ``state`` (ISO 3166-2 code without "DE-", e.g. "NW").

    Holidays that apply only in parts of a state (e.g. Augsburg's Friedensfest) are not
    included; the app can add them as location exceptions.
    """
    code = state.upper().removeprefix("DE-")
    if code not in holidays.Germany.subdivisions:
        raise ValueError(f"unknown German federal state {state!r}")
    year_list = [years] if isinstance(years, int) else list(years)
    return frozenset(holidays.country_holidays("DE", subdiv=code, years=year_list))
