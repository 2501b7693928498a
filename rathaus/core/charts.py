"""Server-side SVG charts for every app: line charts with a tolerance band and a forecast, and
sparklines. Hand-made SVG, no JavaScript and no inline CSS (the CSP forbids both); colours are
SVG presentation attributes. Meaning never rests on colour alone: the band, the forecast and
the actual values differ in shape (area, dashed line, solid line with points) and are named in a
legend, and every chart comes with a data table (``core/_line_chart.html`` renders both).

    chart = line_chart(
        title="Kurzarbeit", unit="Personen",
        actual=[(date, value), …],
        band=[(date, lower, upper), …],           # optional
        forecast=[(date, value, lower, upper), …],  # optional
    )
    {% include "core/_line_chart.html" with chart=chart id="kurzarbeit" %}
    {% include "core/_sparkline.html" with spark=sparkline(values) %}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

BLUE = "#0a2f8c"
GREY = "#4a4f63"
BAND = "#cfe3d4"
FORECAST_AREA = "#e6e8f0"


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def german_number(value: float) -> str:
    decimals = 0 if abs(value) >= 100 or float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class TableRow:
    ref_date: date
    actual: float | None
    lower: float | None
    upper: float | None
    forecast: float | None
    forecast_lower: float | None
    forecast_upper: float | None


@dataclass
class LineChart:
    title: str
    unit: str
    width: int = 720
    height: int = 300
    left: int = 70
    right: int = 16
    top: int = 16
    bottom: int = 36
    actual_points: str = ""
    markers: list[tuple[float, float, str]] = field(default_factory=list)
    band_path: str = ""
    forecast_points: str = ""
    forecast_path: str = ""
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    summary: str = ""

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def has_band(self) -> bool:
        return bool(self.band_path)

    @property
    def has_forecast(self) -> bool:
        return bool(self.forecast_points)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _value_range(actual, band, forecast) -> tuple[float, float, float]:
    """(lowest, highest, step) of the value axis: every value inside, on round ticks."""
    values = [v for _, v in actual]
    values += [x for _, lo, hi in band for x in (lo, hi) if x is not None]
    values += [x for _, v, lo, hi in forecast for x in (v, lo, hi)]
    lo_v, hi_v = min(values), max(values)
    if lo_v == hi_v:
        lo_v, hi_v = lo_v - 1, hi_v + 1
    step = _nice_step(hi_v - lo_v)
    return math.floor(lo_v / step) * step, math.ceil(hi_v / step) * step, step


def line_chart(
    *,
    title: str,
    unit: str = "",
    actual: Sequence[tuple[date, float]],
    band: Sequence[tuple[date, float | None, float | None]] = (),
    forecast: Sequence[tuple[date, float, float, float]] = (),
    summary: str = "",
) -> LineChart:
    """A monthly line chart: actual values, tolerance band (area), forecast (dashed, interval)."""
    chart = LineChart(title=title, unit=unit, summary=summary)
    dates = [d for d, _ in actual] + [d for d, *_ in forecast] + [d for d, *_ in band]
    if not dates:
        return chart
    lo_v, hi_v, step = _value_range(actual, band, forecast)
    first, last = min(map(_month_index, dates)), max(map(_month_index, dates))
    span = max(last - first, 1)
    plot_w = chart.plot_right - chart.left
    plot_h = chart.plot_bottom - chart.top

    def x(day: date) -> float:
        return round(chart.left + (_month_index(day) - first) / span * plot_w, 1)

    def y(value: float) -> float:
        return round(chart.plot_bottom - (value - lo_v) / (hi_v - lo_v) * plot_h, 1)

    chart.actual_points = " ".join(f"{x(d)},{y(v)}" for d, v in actual)
    if len(actual) <= 36:
        chart.markers = [(x(d), y(v), f"{d:%m/%Y}: {german_number(v)}") for d, v in actual]
    banded = [(d, lo, hi) for d, lo, hi in band if lo is not None and hi is not None]
    if banded:
        upper = [f"{x(d)},{y(hi)}" for d, _lo, hi in banded]
        lower = [f"{x(d)},{y(lo)}" for d, lo, _hi in reversed(banded)]
        chart.band_path = "M" + " L".join(upper + lower) + " Z"
    if forecast:
        start = [(actual[-1][0], actual[-1][1])] if actual else []
        chart.forecast_points = " ".join(
            f"{x(d)},{y(v)}" for d, v in start + [(d, v) for d, v, _, _ in forecast]
        )
        upper = [f"{x(d)},{y(hi)}" for d, _v, _lo, hi in forecast]
        lower = [f"{x(d)},{y(lo)}" for d, _v, lo, _hi in reversed(forecast)]
        chart.forecast_path = "M" + " L".join(upper + lower) + " Z"
    tick = lo_v
    while tick <= hi_v + step / 2:
        chart.y_ticks.append(Tick(y(tick), german_number(tick)))
        tick += step
    years = sorted({d.year for d in dates})
    every = max(1, math.ceil(len(years) / 8))
    chart.x_ticks = [
        Tick(x(date(year, 1, 1)), str(year))
        for year in years[::every]
        if first <= _month_index(date(year, 1, 1)) <= last
    ]
    chart.rows = _rows(actual, band, forecast)
    return chart


def _rows(actual, band, forecast) -> list[TableRow]:
    by_date: dict[date, dict] = {}
    for d, v in actual:
        by_date.setdefault(d, {})["actual"] = v
    for d, lo, hi in band:
        by_date.setdefault(d, {}).update(lower=lo, upper=hi)
    for d, v, lo, hi in forecast:
        by_date.setdefault(d, {}).update(forecast=v, forecast_lower=lo, forecast_upper=hi)
    return [
        TableRow(
            d,
            row.get("actual"),
            row.get("lower"),
            row.get("upper"),
            row.get("forecast"),
            row.get("forecast_lower"),
            row.get("forecast_upper"),
        )
        for d, row in sorted(by_date.items(), reverse=True)
        if row.get("actual") is not None or row.get("forecast") is not None
    ]


@dataclass(frozen=True)
class Sparkline:
    points: str
    width: int
    height: int
    last_x: float
    last_y: float
    label: str


def sparkline(values: Sequence[float], *, width: int = 120, height: int = 28) -> Sparkline | None:
    """A tiny trend line; the label names first, last, minimum and maximum as text."""
    if len(values) < 2:
        return None
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = (width - 4) / (len(values) - 1)
    coords = [
        (round(2 + i * step, 1), round(height - 2 - (v - lo) / span * (height - 4), 1))
        for i, v in enumerate(values)
    ]
    label = (
        f"{german_number(values[0])} → {german_number(values[-1])} "
        f"(min. {german_number(lo)}, max. {german_number(hi)})"
    )
    return Sparkline(
        " ".join(f"{a},{b}" for a, b in coords), width, height, coords[-1][0], coords[-1][1], label
    )
