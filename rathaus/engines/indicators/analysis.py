"""Trend, seasonal adjustment, change points, forecast, bands and early warnings.

Statistics come from well-kept libraries: Theil–Sen slopes from SciPy, the classical seasonal
decomposition and OLS prediction intervals from statsmodels, change points from ruptures
(kernel change-point detection with a linear kernel = least-squares level shifts, C backend).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

import numpy as np
import ruptures as rpt
import statsmodels.api as sm
from scipy.signal import medfilt
from scipy.stats import theilslopes
from statsmodels.tsa.seasonal import seasonal_decompose

from .model import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    Analysis,
    Attainment,
    ChangePoint,
    ForecastPoint,
    Observation,
    SeriesInput,
    Target,
    Trend,
)
from .warnings import warnings_for

PERIOD = 12
ADJUST_WINDOW = 120
TREND_WINDOW = 36
CHANGE_WINDOW = 60  # change points matter for early warning: the last five years
RECENT_MONTHS = 6
FLAT_PER_YEAR = 0.02  # a relative slope below 2 % a year is "flat"


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def seasonally_adjust(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(adjusted, seasonal): a fixed monthly profile from the classical decomposition.

    statsmodels' ``seasonal_decompose`` (centred 2×12 moving average, profile averaged per
    calendar month over the last ten years). A fixed profile keeps a recent level shift in the
    adjusted series, where an adaptive one (STL) would partly absorb it into the last year's
    season and turn the step into a ramp. Series shorter than 25 months stay as they are.
    """
    if len(values) < 2 * PERIOD + 1 or float(np.ptp(values)) == 0.0:
        return values.copy(), np.zeros_like(values)
    offset = max(0, len(values) - ADJUST_WINDOW)
    profile = seasonal_decompose(values[offset:], period=PERIOD, model="additive").seasonal
    seasonal = np.empty_like(values)
    for i in range(len(values)):
        seasonal[i] = profile[(i - offset) % PERIOD]
    return values - seasonal, seasonal


def robust_sigma(values: np.ndarray) -> float:
    """Noise level from the median absolute first difference: level shifts do not inflate it."""
    if len(values) < 3:
        return 0.0
    diffs = np.diff(values)
    mad = float(np.median(np.abs(diffs - np.median(diffs))))
    return mad / 0.6745 / math.sqrt(2.0)


def local_sigma(values: np.ndarray) -> float:
    """Noise around a running median (7 months): steps do not inflate it, leftover season does."""
    if len(values) < 7:
        return robust_sigma(values)
    residual = values - medfilt(values, kernel_size=7)
    return 1.4826 * float(np.median(np.abs(residual - np.median(residual))))


def trend_of(adjusted: np.ndarray) -> Trend | None:
    window = adjusted[-TREND_WINDOW:]
    if len(window) < 4:
        return None
    slope = float(theilslopes(window, np.arange(len(window)))[0]) * 12
    level = float(np.median(np.abs(window)))
    relative = slope / level if level > 0 else None
    flat = abs(relative) < FLAT_PER_YEAR if relative is not None else abs(slope) < 1e-12
    direction = "flat" if flat else ("rising" if slope > 0 else "falling")
    return Trend(slope, relative, direction, len(window))


def _steps_fit(window: np.ndarray, breaks: list[int]) -> tuple[float, list[float]]:
    """OLS of level = a + b·t + one step per break: (slope b, step heights)."""
    t = np.arange(len(window), dtype=float)
    columns = [np.ones_like(t), t] + [(t >= k).astype(float) for k in breaks]
    coef = np.linalg.lstsq(np.column_stack(columns), window, rcond=None)[0]
    return float(coef[1]), [float(c) for c in coef[2:]]


def change_points_of(adjusted: np.ndarray, dates: list[date]) -> tuple[ChangePoint, ...]:
    """Level shifts in the last five years, each larger than three noise levels.

    The window is detrended first (Theil–Sen), so that a steady trend is not mistaken for a
    staircase of shifts; a second pass re-estimates the slope together with the steps found,
    so that a late shift does not hide in the trend. Levels are reported at the break.
    """
    offset = max(0, len(adjusted) - CHANGE_WINDOW)
    window = adjusted[offset:]
    if len(window) < 8:
        return ()
    t = np.arange(len(window), dtype=float)
    slope = float(theilslopes(window, t)[0])
    sigma = robust_sigma(window - slope * t)
    if sigma == 0.0:
        sigma = max(float(np.std(window - slope * t)), 1e-9) / 10
    penalty = 4.0 * sigma**2 * math.log(len(window))
    detector = rpt.KernelCPD(kernel="linear", min_size=3, jump=1)
    breaks: list[int] = []
    for _ in range(2):
        residual = window - slope * t
        breaks = [int(b) for b in detector.fit(residual).predict(pen=penalty)[:-1]]
        if not breaks:
            return ()
        slope, _steps = _steps_fit(window, breaks)
    slope, steps = _steps_fit(window, breaks)
    found = []
    for at, step in zip(breaks, steps, strict=True):
        if abs(step) > 3 * sigma:
            before = float(
                np.mean(window[max(0, at - 3) : at] - slope * (t[max(0, at - 3) : at] - at))
            )
            found.append(ChangePoint(dates[offset + at], before, before + step))
    return tuple(found)


def forecast_of(
    adjusted: np.ndarray,
    seasonal: np.ndarray,
    last: date,
    horizon: int,
    since_break: int | None = None,
) -> tuple[ForecastPoint, ...]:
    """OLS on the last three years (or since a recent level shift), 80 % interval, plus season.

    After a level shift the old level says nothing about the next months: the model then
    uses only the months since the shift (a linear trend from six months on, a constant
    level before that).
    """
    window = adjusted[-TREND_WINDOW:]
    if since_break is not None and 3 <= since_break < len(window):
        window = adjusted[-since_break:]
    if len(window) < 3 or horizon <= 0:
        return ()
    if float(np.ptp(window)) == 0.0:
        flat = float(window[-1])
        return tuple(
            ForecastPoint(add_months(last, h), flat, flat, flat) for h in range(1, horizon + 1)
        )
    t = np.arange(len(window), dtype=float)
    future = np.arange(len(window), len(window) + horizon, dtype=float)
    if len(window) >= 6:
        design, ahead = sm.add_constant(t), sm.add_constant(future, has_constant="add")
    else:
        design, ahead = np.ones((len(window), 1)), np.ones((horizon, 1))
    frame = sm.OLS(window, design).fit().get_prediction(ahead).summary_frame(alpha=0.2)
    points = []
    for h in range(horizon):
        season = (
            float(seasonal[len(seasonal) - PERIOD + (h % PERIOD)])
            if len(seasonal) >= PERIOD
            else 0.0
        )
        points.append(
            ForecastPoint(
                add_months(last, h + 1),
                float(frame["mean"].iloc[h]) + season,
                float(frame["obs_ci_lower"].iloc[h]) + season,
                float(frame["obs_ci_upper"].iloc[h]) + season,
            )
        )
    return tuple(points)


def band_for(targets: Iterable[Target], year: int) -> Target | None:
    for target in targets:
        if target.year == year and (target.lower is not None or target.upper is not None):
            return target
    return None


def out_of_band_since(series: SeriesInput) -> date | None:
    """First month of the current run of values outside their year's tolerance band."""
    since = None
    for obs in reversed(series.observations):
        band = band_for(series.targets, obs.ref_date.year)
        if band is None or band.contains(obs.value):
            break
        since = obs.ref_date
    return since


def attainment_of(series: SeriesInput) -> Attainment | None:
    if not series.observations:
        return None
    latest = series.observations[-1]
    goal = next(
        (t for t in series.targets if t.year == latest.ref_date.year and t.target is not None),
        None,
    )
    if goal is None or goal.target is None:
        return None
    earlier = [o for o in series.observations if o.ref_date.year < latest.ref_date.year]
    baseline = (earlier[-1] if earlier else series.observations[0]).value
    span = goal.target - baseline
    # A target that equals the starting point is a "hold the level" target: no share of a way.
    meaningful = abs(span) > 0.05 * max(abs(goal.target), abs(baseline), 1e-9)
    share = (latest.value - baseline) / span if meaningful else None
    if series.polarity == HIGHER_IS_BETTER:
        reached = latest.value >= goal.target
    elif series.polarity == LOWER_IS_BETTER:
        reached = latest.value <= goal.target
    else:
        reached = goal.contains(latest.value) if (goal.lower or goal.upper) else False
    return Attainment(goal.year, goal.target, latest.value, baseline, share, reached)


def analyse(series: SeriesInput, *, today: date | None = None) -> Analysis:
    """Everything the cockpit shows for one series; never raises on short or flat series."""
    obs = series.observations
    values = np.array([o.value for o in obs], dtype=float)
    dates = [o.ref_date for o in obs]
    adjusted, seasonal = seasonally_adjust(values)
    change_points = change_points_of(adjusted, dates)
    since_break = None
    if change_points:
        since_break = sum(1 for d in dates if d >= change_points[-1].ref_date)
    forecast = (
        forecast_of(adjusted, seasonal, dates[-1], series.horizon, since_break) if obs else ()
    )
    since = out_of_band_since(series)
    analysis = Analysis(
        key=series.key,
        n=len(obs),
        latest=obs[-1] if obs else None,
        trend=trend_of(adjusted),
        seasonally_adjusted=tuple(float(v) for v in adjusted),
        change_points=change_points,
        forecast=forecast,
        attainment=attainment_of(series),
        out_of_band_since=since,
    )
    return replace(analysis, warnings=warnings_for(series, analysis, today))


def observations(pairs: Iterable[tuple[date, float]]) -> tuple[Observation, ...]:
    """Helper: (date, value) pairs → ascending observations."""
    return tuple(Observation(d, float(v)) for d, v in sorted(pairs))
