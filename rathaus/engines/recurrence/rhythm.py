"""Rhythm proposals: should a meeting series step up to daily or down to weekly?

Contract
--------
Input: the series' rule (RFC 5545 RRULE text), the weekday of its first meeting (0 = Monday)
and the ``Signal`` of every indicator the series is tied to (name, level ``green`` / ``amber``
/ ``red``, the indicator's own explanation).
Output: a ``Proposal`` (direction ``up`` or ``down``, the proposed rule, the signals that are
the reason) or ``None`` when the rhythm fits the situation.

Rules
-----
* Any red signal and a series that meets less than daily → step **up** to every working day
  (``FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR``); the reason is the red signals.
* All signals green (at least one) and a series that meets more than once a week → step
  **down** to weekly on the weekday of the first meeting; the reason is the green signals.
* Amber keeps the rhythm as it is (neither calm nor critical); no signals, no proposal.
* The engine only proposes; a person decides (the app records who and when).

Performance: constant; the rule is parsed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rathaus.engines.recurrence import normalise_rule

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAILY_WORKDAYS = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"


@dataclass(frozen=True)
class Signal:
    name: str
    level: str  # green | amber | red
    note: str = ""


@dataclass(frozen=True)
class Proposal:
    direction: str  # up | down
    rule: str
    reasons: tuple[Signal, ...]


def meetings_per_week(rule: str) -> float:
    """How often the rule meets in a week (DAILY without BYDAY = 7; MONTHLY ≈ 0.25)."""
    parts = dict(p.split("=", 1) for p in normalise_rule(rule).split(";") if "=" in p)
    freq = parts.get("FREQ", "")
    interval = max(int(parts.get("INTERVAL", "1") or 1), 1)
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "DAILY":
        per_week = float(len(days)) if days else 7.0
    elif freq == "WEEKLY":
        per_week = float(max(len(days), 1))
    elif freq == "MONTHLY":
        per_week = 0.25
    else:
        per_week = 1 / 52
    return per_week / interval


def propose(rule: str, first_weekday: int, signals: Sequence[Signal]) -> Proposal | None:
    if not signals:
        return None
    red = tuple(s for s in signals if s.level == "red")
    per_week = meetings_per_week(rule)
    if red:
        if per_week < 5:
            return Proposal("up", DAILY_WORKDAYS, red)
        return None
    if all(s.level == "green" for s in signals) and per_week > 1:
        return Proposal("down", f"FREQ=WEEKLY;BYDAY={DAYS[first_weekday]}", tuple(signals))
    return None
