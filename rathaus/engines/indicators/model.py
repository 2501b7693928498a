"""Frozen dataclasses in and out of the indicators engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

HIGHER_IS_BETTER = "up"
LOWER_IS_BETTER = "down"
NEUTRAL = "neutral"
POLARITIES = (HIGHER_IS_BETTER, LOWER_IS_BETTER, NEUTRAL)


@dataclass(frozen=True)
class Observation:
    """One value of a series at its reference date (the month it describes)."""

    ref_date: date
    value: float


@dataclass(frozen=True)
class Target:
    """Target and tolerance band for one calendar year; any bound may be missing."""

    year: int
    target: float | None = None
    lower: float | None = None
    upper: float | None = None

    def contains(self, value: float) -> bool:
        if self.lower is not None and value < self.lower:
            return False
        return not (self.upper is not None and value > self.upper)


@dataclass(frozen=True)
class SeriesInput:
    """A monthly series (one observation per month, ascending) with its targets.

    ``polarity``: ``"up"`` (more is better, e.g. jobs), ``"down"`` (less is better, e.g.
    short-time work) or ``"neutral"`` (both directions deserve a look).
    ``sharp_change``: relative change over ``change_months`` that raises a warning (0.25 = 25 %).
    """

    key: str
    name: str
    unit: str = ""
    polarity: str = NEUTRAL
    observations: tuple[Observation, ...] = ()
    targets: tuple[Target, ...] = ()
    sharp_change: float = 0.25
    change_months: int = 3
    horizon: int = 12


@dataclass(frozen=True)
class Trend:
    """Robust (Theil–Sen) slope of the seasonally adjusted series over the last window."""

    slope_per_year: float
    relative_per_year: float | None  # slope relative to the window's median level
    direction: str  # "rising", "falling", "flat"
    window_months: int


@dataclass(frozen=True)
class ForecastPoint:
    ref_date: date
    value: float
    lower: float
    upper: float


@dataclass(frozen=True)
class ChangePoint:
    """A level shift starting at ``ref_date``: mean before vs. after (seasonally adjusted)."""

    ref_date: date
    before: float
    after: float


@dataclass(frozen=True)
class Attainment:
    """How far the latest value is towards the year's target (1.0 = reached)."""

    year: int
    target: float
    latest: float
    baseline: float
    share: float | None
    reached: bool


@dataclass(frozen=True)
class Warning:
    """An early warning with a plain-language German explanation.

    ``code``: ``out_of_band``, ``sharp_change``, ``change_point``, ``forecast_leaves_band``.
    ``severity``: ``"red"`` (act now) or ``"amber"`` (watch).
    """

    code: str
    severity: str
    since: date | None
    message: str


@dataclass(frozen=True)
class Analysis:
    key: str
    n: int
    latest: Observation | None
    trend: Trend | None
    seasonally_adjusted: tuple[float, ...]
    change_points: tuple[ChangePoint, ...]
    forecast: tuple[ForecastPoint, ...]
    attainment: Attainment | None
    out_of_band_since: date | None
    warnings: tuple[Warning, ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        """``"red"``, ``"amber"`` or ``"green"``: the worst warning."""
        severities = {w.severity for w in self.warnings}
        if "red" in severities:
            return "red"
        return "amber" if severities else "green"
