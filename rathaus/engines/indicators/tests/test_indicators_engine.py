"""The indicators engine on synthetic series with known trends, breaks and bands."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.engines.indicators import (
    SeriesInput,
    Target,
    add_months,
    analyse,
    explanation,
    observations,
)

START = date(2020, 1, 1)
TODAY = date(2026, 12, 3)
FAST = settings(max_examples=40, deadline=None)


def series(values, *, name="Kennzahl", polarity="neutral", targets=(), start=START, **kw):
    dates = [add_months(start, i) for i in range(len(values))]
    return SeriesInput(
        key="k",
        name=name,
        unit="Personen",
        polarity=polarity,
        observations=observations(zip(dates, values, strict=True)),
        targets=tuple(targets),
        **kw,
    )


def noisy(n, *, level=1000.0, slope=0.0, season=0.0, sigma=10.0, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + slope * t + season * np.sin(2 * np.pi * t / 12) + rng.normal(0, sigma, n)


@FAST
@given(
    n=st.integers(48, 120),
    at=st.integers(10, 30),
    shift=st.floats(8, 30),
    seed=st.integers(0, 10_000),
)
def test_a_level_shift_is_found_near_where_it_happened(n, at, shift, seed):
    values = noisy(n, sigma=10, season=40, seed=seed)
    break_index = n - at
    values[break_index:] += shift * 10
    result = analyse(series(values))
    assert result.change_points, "no change point found"
    distances = [
        abs((p.ref_date.year - START.year) * 12 + p.ref_date.month - 1 - break_index)
        for p in result.change_points
    ]
    assert min(distances) <= 2
    nearest = result.change_points[int(np.argmin(distances))]
    assert nearest.after - nearest.before > shift * 10 / 3


@FAST
@given(n=st.integers(40, 120), seed=st.integers(0, 10_000))
def test_pure_noise_with_season_shows_no_large_shift(n, seed):
    result = analyse(series(noisy(n, sigma=10, season=60, seed=seed)))
    assert all(abs(p.after - p.before) < 60 for p in result.change_points)
    assert result.trend is not None and result.trend.direction == "flat"


@FAST
@given(
    slope=st.floats(4, 20) | st.floats(-20, -4),
    seed=st.integers(0, 10_000),
    n=st.integers(36, 120),
)
def test_the_robust_trend_recovers_a_known_slope(slope, seed, n):
    values = noisy(n, slope=slope, sigma=5, season=30, seed=seed)
    values[n // 2] += 5000  # one wild outlier must not move a robust trend
    result = analyse(series(values))
    assert result.trend is not None
    assert abs(result.trend.slope_per_year - slope * 12) <= abs(slope * 12) * 0.35
    assert result.trend.direction == ("rising" if slope > 0 else "falling")


@FAST
@given(
    n=st.integers(1, 60),
    values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
)
def test_any_finite_series_is_analysed_without_error(n, values):
    result = analyse(series(values[:n], targets=[Target(2021, 0.0, -1.0, 1.0)]))
    assert result.n == len(values[:n])
    assert len(result.seasonally_adjusted) == result.n
    for point in result.forecast:
        assert point.lower <= point.value + 1e-6 and point.value <= point.upper + 1e-6
    assert result.status in ("green", "amber", "red")


@FAST
@given(months_out=st.integers(1, 10), seed=st.integers(0, 10_000))
def test_values_outside_the_band_warn_since_the_first_month_outside(months_out, seed):
    n = 72
    values = noisy(n, sigma=5, seed=seed)
    values[n - months_out :] = 1200
    years = {add_months(START, i).year for i in range(n)}
    bands = [Target(y, 1000, 950, 1050) for y in years]
    result = analyse(series(values, name="Kurzarbeit", polarity="down", targets=bands), today=TODAY)
    assert result.out_of_band_since == add_months(START, n - months_out)
    assert result.status == "red"
    assert "außerhalb des Toleranzbands" in explanation(result.warnings)


def test_a_surge_in_short_time_work_explains_itself_in_plain_german():
    values = [1000.0] * 60 + [1100.0, 1250.0, 1400.0]
    years = {add_months(START, i).year for i in range(len(values))}
    result = analyse(
        series(
            values,
            name="Kurzarbeit",
            polarity="down",
            targets=[Target(y, 1000, 800, 1200) for y in years],
        ),
        today=date(2025, 12, 1),
    )
    text = explanation(result.warnings)
    assert "Kurzarbeit +40 % in drei Monaten" in text
    assert "seit Februar außerhalb des Toleranzbands" in text


def test_a_favourable_surge_is_no_warning():
    values = [1000.0] * 60 + [1100.0, 1250.0, 1400.0]
    result = analyse(series(values, name="Beschäftigte", polarity="up"))
    assert not [w for w in result.warnings if w.code == "sharp_change"]


def test_target_attainment_counts_from_the_end_of_last_year():
    values = [100.0] * 12 + [110.0, 120.0, 125.0]
    result = analyse(series(values, polarity="up", targets=[Target(2021, 150.0)]))
    assert result.attainment is not None
    assert result.attainment.baseline == 100.0
    assert result.attainment.share is not None
    assert abs(result.attainment.share - 0.5) < 1e-9
    assert not result.attainment.reached


def test_a_forecast_that_leaves_the_band_warns_early():
    values = [1000.0 + 5 * i for i in range(40)]
    years = {add_months(START, i).year for i in range(60)}
    result = analyse(
        series(values, polarity="down", targets=[Target(y, None, 0, 1220) for y in years])
    )
    codes = [w.code for w in result.warnings]
    assert result.out_of_band_since is None
    assert "forecast_leaves_band" in codes


def test_after_a_surge_the_forecast_starts_from_the_new_level():
    values = list(noisy(60, level=400, sigma=15, season=30, seed=3)) + [620, 1350, 2250, 2900]
    result = analyse(series(values, polarity="down"))
    assert result.change_points
    assert result.forecast[0].value > 1500


def test_a_hold_the_level_target_has_no_share_of_the_way():
    values = [380.0] * 12 + [385.0, 390.0]
    result = analyse(series(values, polarity="down", targets=[Target(2021, 380.0, 300, 460)]))
    assert result.attainment is not None and result.attainment.share is None
