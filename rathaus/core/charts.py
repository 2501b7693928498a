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

    chart = bar_chart(
        title="Stimmenanteile", unit="%",
        data=[("Anna Berger (CDU)", (37.7, 52.1)), …],   # one value, or one per series
        series=("2026", "2021"),                          # optional: grouped bars
        threshold=(50, "Hälfte der gültigen Stimmen"),    # optional: dashed line
        value_format=lambda v: f"{german_number(v)} %",
    )
    {% include "core/_bar_chart.html" with chart=chart id="stimmen" %}
    {% include "core/_bar_chart.html" with chart=chart id="stimmen" table_follows=True %}

Every bar carries its value as text; grouped bars differ in pattern (solid, hatched, dotted) and
are named in a legend in words, so colour never carries meaning alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

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


# --------------------------------------------------------------------------- bar charts

#: distinct bar colours (contrast >= 3:1 against white); used by position when ``distinct``
PALETTE = ("#0a2f8c", "#a4001c", "#0b6b2a", "#7a5b00", "#5c2d91", "#005f73", "#6b4226", "#3d3d3d")
#: how the series of a grouped chart differ besides colour: fill pattern, named in the legend
SERIES_PATTERNS = ("", "hatch", "dots")
CHAR_W = 8.5  # generous width of one character of the 15 px texts (Fira Sans): texts stay inside
LABEL_CHARS = 14  # longer labels stand above their bars, so that bars keep the full width
LABEL_LINE = 18


@dataclass(frozen=True)
class BarRect:
    x: float
    y: float
    w: float
    h: float
    colour: str
    pattern: str  # "" = solid; else the key of a ``BarPattern`` of the chart
    text: str  # the value as text, drawn at the end of the bar
    text_x: float
    text_y: float
    anchor: str  # "start" or "end"
    title: str  # "label: value" (series named in grouped charts)
    drawn: bool  # False for a missing value (no bar, "–" as text)


@dataclass(frozen=True)
class BarRow:
    label: str
    short_label: str
    label_y: float
    texts: tuple[str, ...]  # one per series, for the data table
    rects: tuple[BarRect, ...]


@dataclass(frozen=True)
class BarPattern:
    key: str  # element id is "<chart id>-<key>"
    colour: str
    kind: str  # "hatch" or "dots"


@dataclass(frozen=True)
class LegendItem:
    name: str
    colour: str
    pattern: str
    words: str  # "volle Balken", "schraffierte Balken", …


@dataclass
class BarChart:
    title: str
    unit: str = ""
    id: str = ""  # element id; the include's ``id`` wins
    summary: str = ""
    caption: str = ""
    category_label: str = ""
    series: tuple[str, ...] = ()
    width: int = 440
    height: int = 40
    label_x: float = 0.0  # right edge of the category labels (left edge when above the bars)
    labels_above: bool = False
    zero_x: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    rows: list[BarRow] = field(default_factory=list)
    patterns: list[BarPattern] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)
    threshold_x: float | None = None
    threshold_label: str = ""
    threshold_anchor: str = "middle"

    @property
    def title_end(self) -> str:
        """The full stop after the title in the caption, unless the title brings its own."""
        return "" if not self.unit and self.title.endswith((".", "?", "!")) else "."

    @property
    def label_anchor(self) -> str:
        return "start" if self.labels_above else "end"

    @property
    def threshold_top(self) -> float:
        return self.top - 6

    @property
    def grouped(self) -> bool:
        return len(self.series) > 1

    @property
    def columns(self) -> tuple[str, ...]:
        """Headers of the value columns of the data table."""
        if self.grouped:
            return self.series
        return (self.series[0] if self.series else self.unit or _("Wert"),)


def _short(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


def _as_values(value, count: int) -> tuple:
    if count > 1:
        values = tuple(value)
        if len(values) != count:
            raise ValueError("one value per series")
        return values
    return (value,)


def _domain(values: Sequence[float], max_value: float | None, threshold) -> tuple[float, float]:
    """(lowest, highest) of the value scale: zero, every value and the threshold inside."""
    extra = [max_value or 0.0, 0.0] + ([float(threshold[0])] if threshold else [])
    lo, hi = min(values + extra), max(values + extra)
    if hi == lo:
        hi = lo + 1.0
    return lo, hi


@dataclass(frozen=True)
class _Frame:
    """The horizontal geometry: where the scale starts and how many pixels a unit takes."""

    label_x: float
    start: float
    span: float
    lo: float
    hi: float

    def x(self, value: float) -> float:
        return round(self.start + (value - self.lo) / (self.hi - self.lo) * self.span, 1)


def _frame(width: int, labels, texts, numbers, max_value, threshold) -> _Frame:
    label_chars = max([len(lb) for lb in labels] + [1])
    above = label_chars > LABEL_CHARS
    text_room = max([len(t) for t in texts] + [1]) * CHAR_W + 8
    lo, hi = _domain(numbers, max_value, threshold)
    neg_room = text_room if lo < 0 else 0.0
    if above:  # labels start right of the zero line, or at the left edge if bars grow left
        start = 4 + neg_room
        label_x = 0.0 if neg_room else start + 4
    else:
        label_x = round(label_chars * CHAR_W + 10, 1)
        start = label_x + 6 + neg_room
    span = max(width - start - text_room - 4, 10.0)
    return _Frame(label_x, start, span, lo, hi)


def bar_chart(
    *,
    title: str,
    data: Sequence[tuple[str, object]],
    series: Sequence[str] = (),
    unit: str = "",
    value_format: Callable[[float], str] = german_number,
    max_value: float | None = None,
    threshold: tuple[float, str] | None = None,
    distinct: bool = False,
    summary: str = "",
    caption: str = "",
    category_label: str = "",
    id: str = "",  # noqa: A002 - the element id, as in the include
    width: int = 440,
) -> BarChart:
    """Horizontal bars, one row per ``(label, value)``; with ``series``, ``value`` is a sequence
    of one value per series (grouped bars). ``None`` draws no bar and shows "–". Values are
    scaled from the lower of zero and the smallest value to the highest of the largest value,
    ``max_value`` (e.g. 100 for shares) and the threshold; negative bars grow left of zero.
    Labels longer than ``LABEL_CHARS`` stand above their bars (whole up to the chart's width),
    shorter ones left of them; the whole label is in the bar's tooltip and the table."""
    series = tuple(series)
    count = max(len(series), 1)
    rows = [(str(label), _as_values(value, count)) for label, value in data]
    texts = [[value_format(v) if v is not None else "–" for v in vs] for _l, vs in rows]
    numbers = [float(v) for _l, vs in rows for v in vs if v is not None]
    above = any(len(label) > LABEL_CHARS for label, _vs in rows)
    shorts = [
        _short(label, int((width - 8) // CHAR_W) if above else LABEL_CHARS) for label, _vs in rows
    ]
    frame = _frame(width, shorts, [t for ts in texts for t in ts], numbers, max_value, threshold)
    bar_h = 22 if count == 1 else 16
    head = LABEL_LINE if above else 0
    row_h = head + count * bar_h + (count - 1) * 2
    gap = 10
    top = 24.0 if threshold else 6.0
    chart = BarChart(
        title=title,
        unit=unit,
        id=id,
        caption=caption,
        category_label=category_label or _("Bezeichnung"),
        series=series,
        width=width,
        height=int(top + max(len(rows), 1) * (row_h + gap) + 4),
        label_x=frame.label_x,
        labels_above=above,
        zero_x=frame.x(0.0),
        top=top,
    )
    chart.bottom = chart.height - 2
    for i, ((label, values), row_texts) in enumerate(zip(rows, texts, strict=True)):
        y = top + gap / 2 + i * (row_h + gap)
        colour = PALETTE[i % len(PALETTE)] if distinct else PALETTE[0]
        rects = tuple(
            _rect(
                chart,
                frame,
                label,
                j,
                values[j],
                row_texts[j],
                y + head + j * (bar_h + 2),
                bar_h,
                colour,
            )
            for j in range(count)
        )
        chart.rows.append(
            BarRow(
                label,
                shorts[i],
                round(y + 13 if above else y + row_h / 2 + 5, 1),
                tuple(row_texts),
                rects,
            )
        )
    _decorate(chart, frame, threshold)
    chart.summary = summary or _summary(chart, rows, texts, threshold)
    return chart


def _rect(chart, frame, label, j, value, text, y, bar_h, colour) -> BarRect:
    pattern = SERIES_PATTERNS[j % len(SERIES_PATTERNS)]
    key = f"{pattern}-{colour[1:]}" if pattern else ""
    title = f"{label}: {text}" if not chart.grouped else f"{label}, {chart.series[j]}: {text}"
    zero = chart.zero_x
    if value is None:
        return BarRect(
            zero, y, 0, bar_h, colour, key, text, zero + 6, y + bar_h / 2 + 5, "start", title, False
        )
    end = frame.x(float(value))
    negative = end < zero
    return BarRect(
        min(zero, end),
        round(y, 1),
        round(abs(end - zero), 1),
        bar_h,
        colour,
        key,
        text,
        round(end - 6, 1) if negative else round(end + 6, 1),
        round(y + bar_h / 2 + 5, 1),
        "end" if negative else "start",
        title,
        True,
    )


def _decorate(chart: BarChart, frame: _Frame, threshold) -> None:
    """Patterns and legend of the series, and the threshold line with its label."""
    keys = {(r.pattern, r.colour) for row in chart.rows for r in row.rects if r.pattern}
    chart.patterns = [BarPattern(key, colour, key.split("-")[0]) for key, colour in sorted(keys)]
    words = (_("volle Balken"), _("schraffierte Balken"), _("gepunktete Balken"))
    if chart.grouped:
        chart.legend = [
            LegendItem(
                name,
                PALETTE[0],
                f"{SERIES_PATTERNS[j % 3]}-{PALETTE[0][1:]}" if SERIES_PATTERNS[j % 3] else "",
                words[j % 3],
            )
            for j, name in enumerate(chart.series)
        ]
        for item in chart.legend:
            if item.pattern and item.pattern not in {p.key for p in chart.patterns}:
                chart.patterns.append(
                    BarPattern(item.pattern, item.colour, item.pattern.split("-")[0])
                )
    if threshold:
        chart.threshold_x = frame.x(float(threshold[0]))
        chart.threshold_label = threshold[1]
        half = len(threshold[1]) * CHAR_W * 0.8 / 2
        if chart.threshold_x - half < 0:
            chart.threshold_anchor = "start"
        elif chart.threshold_x + half > chart.width:
            chart.threshold_anchor = "end"


def _summary(chart: BarChart, rows, texts, threshold) -> str:
    """The main finding in words: the largest and the smallest value (of the first series)."""
    known = [
        (float(vs[0]), label, ts[0])
        for (label, vs), ts in zip(rows, texts, strict=True)
        if vs[0] is not None
    ]
    if not known:
        return _("Keine Werte.")
    if all(v == 0 for v, _l, _t in known):
        return _("Alle Werte sind 0.")
    high = max(known, key=lambda k: k[0])
    parts = [_("Größter Wert: %(label)s mit %(value)s.") % {"label": high[1], "value": high[2]}]
    if len(known) > 1:
        low = min(known, key=lambda k: k[0])
        parts.append(
            _("Kleinster Wert: %(label)s mit %(value)s.") % {"label": low[1], "value": low[2]}
        )
    if chart.grouped:
        parts[0] = f"{chart.series[0]}: {parts[0]}"
    if threshold:
        over = [label for v, label, _t in known if v > float(threshold[0])]
        parts.append(
            _("Über der Linie „%(line)s“: %(labels)s.")
            % {"line": threshold[1], "labels": ", ".join(over) if over else _("keiner")}
        )
    return " ".join(parts)
