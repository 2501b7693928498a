"""Reporting periods: a month or a quarter, each named by its first day.

A municipality reports monthly or quarterly; a report for a period is due once the period has
ended, so on any day the period that must have a report is the one before the running one.
"""

from __future__ import annotations

from datetime import date

MONTHLY = "monthly"
QUARTERLY = "quarterly"
RHYTHMS = (MONTHLY, QUARTERLY)


def _months_of(rhythm: str) -> int:
    if rhythm not in RHYTHMS:
        raise ValueError(f"unknown reporting rhythm {rhythm!r}")
    return 3 if rhythm == QUARTERLY else 1


def period_start(day: date, rhythm: str) -> date:
    """The first day of the month or quarter ``day`` lies in."""
    size = _months_of(rhythm)
    return date(day.year, (day.month - 1) // size * size + 1, 1)


def shift_periods(period: date, count: int, rhythm: str) -> date:
    """The period ``count`` periods after (negative: before) ``period``."""
    index = period.year * 12 + period.month - 1 + count * _months_of(rhythm)
    return date(index // 12, index % 12 + 1, 1)


def previous_period(day: date, rhythm: str) -> date:
    """The last period that has ended on ``day``: the one whose report is due."""
    return shift_periods(period_start(day, rhythm), -1, rhythm)


def recent_periods(day: date, rhythm: str, count: int) -> list[date]:
    """The running period and the ``count - 1`` before it, newest first."""
    start = period_start(day, rhythm)
    return [shift_periods(start, -i, rhythm) for i in range(count)]
