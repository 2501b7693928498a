"""Recurrence engine: expands a meeting series (RFC 5545 RRULE) into concrete dates.

Contract
--------
Input: a frozen ``SeriesSpec`` — the rule text (``FREQ=WEEKLY;BYDAY=MO,WE,FR``, with or without
the ``RRULE:`` prefix), the first start as a *naive wall-clock* datetime, exception dates
(``exdates``: occurrences that do not take place), the public holidays of the federal state and
a ``HolidayPolicy`` (skip the occurrence, move it to the next working day, or keep it).
Output: a tuple of ``Occurrence`` (naive wall-clock start, and the original date when it was
moved) between ``window_start`` (inclusive) and ``window_end`` (exclusive), at most ``limit``.

Rules
-----
* Times stay wall-clock: a Monday 08:00 series meets at 08:00 in winter and in summer; the
  caller attaches the time zone (so DST never shifts a meeting by an hour).
* Only DAILY, WEEKLY, MONTHLY and YEARLY rules: meetings every few minutes or hours are a typo.
* A moved occurrence goes to the next day that is neither a weekend day, a holiday, an
  exception nor already an occurrence of the series; it keeps its time of day.
* ``validate_rule`` raises ``RecurrenceError`` with a machine code and a German message.

Performance: expansion is linear in the occurrences of the window (dateutil's iterator); a
year of a three-times-a-week series is about 160 occurrences.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.rrule import rrule, rrulestr

ALLOWED_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_RULE_LENGTH = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RecurrenceError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class HolidayPolicy(enum.StrEnum):
    SKIP = "skip"
    NEXT_WORKDAY = "next_workday"
    KEEP = "keep"


@dataclass(frozen=True)
class SeriesSpec:
    rule: str
    first_start: datetime  # naive wall-clock time
    exdates: frozenset[date] = field(default_factory=frozenset)
    holidays: frozenset[date] = field(default_factory=frozenset)
    holiday_policy: HolidayPolicy = HolidayPolicy.SKIP


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # naive wall-clock time
    moved_from: date | None = None


def normalise_rule(text: str) -> str:
    """The rule without the ``RRULE:`` prefix, upper-case, no surrounding blanks."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text.strip().upper()


def validate_rule(text: str, first_start: datetime) -> rrule:
    """The parsed rule, or ``RecurrenceError`` saying what is wrong."""
    if not text or not text.strip():
        raise RecurrenceError("rule_empty", "Bitte eine Wiederholungsregel angeben.")
    if len(text) > MAX_RULE_LENGTH or _CONTROL.search(text):
        raise RecurrenceError(
            "rule_invalid", "Die Wiederholungsregel ist zu lang oder enthält Steuerzeichen."
        )
    rule_text = normalise_rule(text)
    parts = dict(p.split("=", 1) for p in rule_text.split(";") if "=" in p)
    if parts.get("FREQ") not in ALLOWED_FREQS:
        raise RecurrenceError(
            "rule_frequency",
            "FREQ muss DAILY, WEEKLY, MONTHLY oder YEARLY sein (z. B. FREQ=WEEKLY;BYDAY=MO,WE,FR).",
        )
    if "DTSTART" in rule_text:
        raise RecurrenceError(
            "rule_invalid", "Der Beginn wird separat angegeben, nicht in der Regel."
        )
    try:
        parsed = rrulestr(f"RRULE:{rule_text}", dtstart=first_start)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise RecurrenceError(
            "rule_invalid",
            f"Die Wiederholungsregel ist ungültig (RFC 5545 RRULE erwartet): {exc}",
        ) from exc
    if not isinstance(parsed, rrule):
        raise RecurrenceError("rule_invalid", "Bitte genau eine Wiederholungsregel angeben.")
    if parsed.after(first_start, inc=True) is None:
        raise RecurrenceError("rule_no_dates", "Nach dieser Regel findet nie eine Sitzung statt.")
    return parsed


def _is_workday(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def _moved(start: datetime, spec: SeriesSpec, taken: set[date]) -> datetime:
    candidate = start + timedelta(days=1)
    while (
        not _is_workday(candidate.date(), spec.holidays)
        or candidate.date() in spec.exdates
        or candidate.date() in taken
    ):
        candidate += timedelta(days=1)
    return candidate


def _raw(parsed: rrule, window_start: datetime, window_end: datetime) -> Iterable[datetime]:
    # Start a little before the window so that an occurrence moved *into* it is found too.
    return parsed.between(window_start - timedelta(days=14), window_end, inc=True)


def occurrences(
    spec: SeriesSpec, window_start: datetime, window_end: datetime, *, limit: int = 2000
) -> tuple[Occurrence, ...]:
    parsed = validate_rule(spec.rule, spec.first_start)
    raw = [d for d in _raw(parsed, window_start, window_end) if d >= spec.first_start]
    taken = {d.date() for d in raw}
    out: list[Occurrence] = []
    for start in raw:
        day = start.date()
        if day in spec.exdates:
            continue
        occurrence = Occurrence(start)
        if day in spec.holidays:
            if spec.holiday_policy == HolidayPolicy.SKIP:
                continue
            if spec.holiday_policy == HolidayPolicy.NEXT_WORKDAY:
                moved = _moved(start, spec, taken)
                taken.add(moved.date())
                occurrence = Occurrence(moved, moved_from=day)
        if window_start <= occurrence.start < window_end:
            out.append(occurrence)
    out.sort(key=lambda o: o.start)
    return tuple(out[:limit])


__all__ = [
    "HolidayPolicy",
    "Occurrence",
    "RecurrenceError",
    "SeriesSpec",
    "normalise_rule",
    "occurrences",
    "validate_rule",
]
