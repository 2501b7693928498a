"""Indicators engine: monthly time series, targets, trend and early warning.

Django-free: plain frozen dataclasses in and out; the ``steering`` app maps its indicator rows to
``SeriesInput`` and stores or shows what comes back.

Public API
----------

``SeriesInput(key, name, unit, polarity, observations, targets, sharp_change=0.25,
change_months=3, horizon=12)``
    ``observations``: ascending ``Observation(ref_date, value)``, one per month (the first of
    the month); ``targets``: ``Target(year, target, lower, upper)`` — target and tolerance band
    per calendar year; ``polarity`` ``"up"`` (more is better), ``"down"`` or ``"neutral"``.

``analyse(series, today=None) -> Analysis``
    - ``seasonally_adjusted``: robust STL (period 12) from statsmodels; series shorter than 25
      months are returned unadjusted.
    - ``trend``: Theil–Sen slope (SciPy) of the adjusted series over the last 36 months, per
      year and relative to the median level; "flat" below 2 % a year.
    - ``change_points``: level shifts in the last 60 months (ruptures, kernel CPD with a linear
      kernel = least squares, penalty 4·σ²·ln n with σ from the median absolute first
      difference), each larger than 3σ.
    - ``forecast``: OLS linear trend of the last 36 adjusted months plus last year's season,
      with an 80 % prediction interval, ``horizon`` months ahead.
    - ``attainment``: the latest value against the target of its year, from the last value of
      the previous year (share 1.0 = target reached).
    - ``out_of_band_since``: first month of the current run outside the year's band.
    - ``warnings``: ``Warning(code, severity, since, message)`` with a German explanation:
      ``sharp_change`` ("Kurzarbeit +40 % in drei Monaten", red from twice the threshold),
      ``out_of_band`` (red, "seit April außerhalb des Toleranzbands"), ``change_point``
      (amber, a recent unfavourable level shift), ``forecast_leaves_band`` (amber).
      ``explanation(warnings)`` joins them into one line; ``Analysis.status`` is the worst.

``analyse_many(series, today=None) -> list[Analysis]`` analyses a batch in order.

Rules: never raises on empty, short, constant or noisy series (it reports less); input values
must be finite. Performance: about 1,000 series of 240 months in a few seconds on two cores
(``bench/steering.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .analysis import add_months, analyse, observations
from .model import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    NEUTRAL,
    POLARITIES,
    Analysis,
    Attainment,
    ChangePoint,
    ForecastPoint,
    Observation,
    SeriesInput,
    Target,
    Trend,
    Warning,
)
from .warnings import explanation


def analyse_many(series: Iterable[SeriesInput], *, today: date | None = None) -> list[Analysis]:
    return [analyse(s, today=today) for s in series]


__all__ = [
    "HIGHER_IS_BETTER",
    "LOWER_IS_BETTER",
    "NEUTRAL",
    "POLARITIES",
    "Analysis",
    "Attainment",
    "ChangePoint",
    "ForecastPoint",
    "Observation",
    "SeriesInput",
    "Target",
    "Trend",
    "Warning",
    "add_months",
    "analyse",
    "analyse_many",
    "explanation",
    "observations",
]
