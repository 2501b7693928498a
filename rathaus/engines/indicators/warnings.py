"""Early warnings with plain-language explanations, from a finished analysis."""

from __future__ import annotations

from datetime import date

from . import german
from .model import HIGHER_IS_BETTER, LOWER_IS_BETTER, Analysis, SeriesInput, Target, Warning


def _add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _unfavourable(polarity: str, change: float) -> bool:
    if polarity == HIGHER_IS_BETTER:
        return change < 0
    if polarity == LOWER_IS_BETTER:
        return change > 0
    return change != 0


def _band(targets: tuple[Target, ...], year: int) -> Target | None:
    for target in targets:
        if target.year == year and (target.lower is not None or target.upper is not None):
            return target
    return None


def out_of_band(series: SeriesInput, analysis: Analysis, today: date | None) -> Warning | None:
    since = analysis.out_of_band_since
    if since is None:
        return None
    return Warning(
        "out_of_band",
        "red",
        since,
        f"seit {german.month(since, today=today)} außerhalb des Toleranzbands",
    )


def sharp_change(series: SeriesInput, analysis: Analysis, today: date | None) -> Warning | None:
    """Relative change over the last ``change_months`` months in the unfavourable direction."""
    obs = series.observations
    n = series.change_months
    if len(obs) <= n:
        return None
    before, latest = obs[-1 - n].value, obs[-1].value
    if before == 0:
        return None
    change = (latest - before) / abs(before)
    if abs(change) < series.sharp_change or not _unfavourable(series.polarity, change):
        return None
    severity = "red" if abs(change) >= 2 * series.sharp_change else "amber"
    return Warning(
        "sharp_change",
        severity,
        obs[-1 - n].ref_date,
        f"{series.name} {german.percent(change)} in {german.months(n)}",
    )


def recent_change_point(
    series: SeriesInput, analysis: Analysis, today: date | None
) -> Warning | None:
    """A level shift in the last six months, in the unfavourable direction."""
    if not analysis.change_points or analysis.latest is None:
        return None
    point = analysis.change_points[-1]
    if point.ref_date <= _add_months(analysis.latest.ref_date, -6):
        return None
    if not _unfavourable(series.polarity, point.after - point.before):
        return None
    unit = f" {series.unit}" if series.unit else ""
    return Warning(
        "change_point",
        "amber",
        point.ref_date,
        f"Niveausprung seit {german.month(point.ref_date, today=today)}: "
        f"von {german.number(point.before)} auf {german.number(point.after)}{unit}",
    )


def forecast_leaves_band(
    series: SeriesInput, analysis: Analysis, today: date | None
) -> Warning | None:
    """Still inside the band, but the forecast leaves it within the horizon."""
    if analysis.out_of_band_since is not None:
        return None
    for point in analysis.forecast:
        band = _band(series.targets, point.ref_date.year)
        if band is not None and not band.contains(point.value):
            return Warning(
                "forecast_leaves_band",
                "amber",
                point.ref_date,
                "Prognose: verlässt bis "
                f"{german.month(point.ref_date, today=today)} das Toleranzband",
            )
    return None


RULES = (sharp_change, out_of_band, recent_change_point, forecast_leaves_band)


def warnings_for(
    series: SeriesInput, analysis: Analysis, today: date | None = None
) -> tuple[Warning, ...]:
    found = (rule(series, analysis, today) for rule in RULES)
    return tuple(w for w in found if w is not None)


def explanation(warnings: tuple[Warning, ...]) -> str:
    """All warnings in one line, e.g. "Kurzarbeit +40 % in drei Monaten; seit April …"."""
    return "; ".join(w.message for w in warnings)
