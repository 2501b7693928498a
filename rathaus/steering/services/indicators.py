"""Indicator values (revisions as versions, four eyes for manual entry) and their analysis."""

from __future__ import annotations

import math
from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import Conflict, DomainError
from rathaus.engines import indicators as engine
from rathaus.steering import caching
from rathaus.steering.models import Indicator, IndicatorValue, Light
from rathaus.steering.services.cases import case_open

SPARK_MONTHS = 24


def _check_value(value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(
            "value_not_numeric",
            _("Der Wert ist keine Zahl."),
            errors=[{"field": "value", "message": _("Bitte eine Zahl eingeben.")}],
        ) from exc
    if not math.isfinite(number):
        raise DomainError("value_not_numeric", _("Der Wert ist keine Zahl."))
    return number


def current_values(indicator: Indicator) -> dict[date, IndicatorValue]:
    """The latest confirmed version per reference date."""
    latest: dict[date, IndicatorValue] = {}
    for row in indicator.values.filter(confirmed=True).order_by("ref_date", "version"):
        latest[row.ref_date] = row
    return latest


@transaction.atomic
def indicator_value_record(
    *,
    actor,
    indicator: Indicator,
    ref_date: date,
    value: float,
    published_on: date | None = None,
    provisional: bool = False,
    four_eyes: bool = False,
    analyse: bool = True,
    now: datetime | None = None,
) -> IndicatorValue | None:
    """Stores a value; an existing reference date gets a new version (a revision).

    Returns None when the value equals the current one (re-imports change nothing) or, for a
    manual entry, one of the actor's entries still waiting for confirmation.
    ``four_eyes``: manual entry of an official figure, counted only once a second person
    confirms it (``indicator_value_confirm``).
    """
    now = now_or(now)
    number = _check_value(value)
    ref_date = ref_date.replace(day=1)
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    rows = IndicatorValue.objects.filter(indicator=indicator, ref_date=ref_date)
    current = rows.filter(confirmed=True).order_by("-version").first()
    if current is not None and current.value == number and current.provisional == provisional:
        return None
    if (
        four_eyes
        and rows.filter(
            confirmed=False, value=number, provisional=provisional, entered_by=actor
        ).exists()
    ):
        return None  # the same entry again while it waits for the second person
    version = (rows.aggregate(v=Max("version"))["v"] or 0) + 1
    row = IndicatorValue.objects.create(
        municipality_id=indicator.municipality_id,
        indicator=indicator,
        ref_date=ref_date,
        version=version,
        value=number,
        published_on=published_on or timezone.localdate(now),
        provisional=provisional,
        entered_by=actor,
        confirmed=not four_eyes,
    )
    audit.record(
        actor=actor,
        instance=row,
        action="create",
        summary=f"{indicator.name} {ref_date:%m/%Y} = {number:g} (Version {version})",
    )
    if analyse and row.confirmed:
        transaction.on_commit(lambda: indicator_analyse(indicator=indicator, now=now))
    caching.bump(indicator.municipality_id)
    return row


@transaction.atomic
def indicator_value_confirm(*, actor, value: IndicatorValue, now: datetime | None = None) -> None:
    if value.confirmed:
        raise Conflict("already_confirmed", _("Der Wert ist bereits bestätigt."))
    if value.entered_by_id == actor.pk:
        raise DomainError(
            "four_eyes", _("Vier-Augen-Prinzip: bitte eine zweite Person bestätigen lassen.")
        )
    value.confirmed = True
    value.confirmed_by = actor
    value.save(update_fields=["confirmed", "confirmed_by"])
    audit.record(actor=actor, instance=value, action="action", summary=_("Wert bestätigt"))
    indicator = value.indicator
    transaction.on_commit(lambda: indicator_analyse(indicator=indicator, now=now))
    caching.bump(value.municipality_id)


def series_input(indicator: Indicator, values: dict[date, IndicatorValue]) -> engine.SeriesInput:
    return engine.SeriesInput(
        key=str(indicator.pk),
        name=indicator.name,
        unit=indicator.unit,
        polarity=indicator.polarity,
        observations=engine.observations((d, v.value) for d, v in values.items()),
        targets=tuple(
            engine.Target(t.year, t.target, t.lower, t.upper) for t in indicator.targets.all()
        ),
        sharp_change=indicator.sharp_change / 100,
    )


def analysis_json(result: engine.Analysis) -> dict:
    """What the cockpit and the detail page show, stored so that pages need no statistics."""
    return {
        "status": result.status,
        "explanation": engine.explanation(result.warnings),
        "warnings": [
            {
                "code": w.code,
                "severity": w.severity,
                "since": w.since and w.since.isoformat(),
                "message": w.message,
            }
            for w in result.warnings
        ],
        "latest": result.latest and [result.latest.ref_date.isoformat(), result.latest.value],
        "trend": result.trend
        and {
            "slope_per_year": result.trend.slope_per_year,
            "relative_per_year": result.trend.relative_per_year,
            "direction": result.trend.direction,
        },
        "forecast": [[p.ref_date.isoformat(), p.value, p.lower, p.upper] for p in result.forecast],
        "change_points": [
            [p.ref_date.isoformat(), p.before, p.after] for p in result.change_points
        ],
        "attainment": result.attainment
        and {
            "year": result.attainment.year,
            "target": result.attainment.target,
            "share": result.attainment.share,
            "reached": result.attainment.reached,
        },
        "out_of_band_since": result.out_of_band_since and result.out_of_band_since.isoformat(),
    }


def indicator_analyse(*, indicator: Indicator, now: datetime | None = None) -> dict:
    """Runs the engine, stores the result on the indicator, opens a case when it is red."""
    now = now_or(now)
    indicator = Indicator.objects.select_related("responsible_unit").get(pk=indicator.pk)
    values = current_values(indicator)
    result = engine.analyse(series_input(indicator, values), today=timezone.localdate(now))
    data = analysis_json(result)
    data["spark"] = [v.value for v in list(values.values())[-SPARK_MONTHS:]]
    data["analysed_at"] = now.isoformat()
    Indicator.objects.filter(pk=indicator.pk).update(analysis=data, status=result.status)
    caching.bump(indicator.municipality_id)
    if result.status == Light.RED:
        case_open(
            kind="indicator",
            trigger=f"indicator:{indicator.pk}",
            title=_("%(i)s: Frühwarnung") % {"i": indicator.name},
            explanation=data["explanation"],
            assigned_unit=indicator.responsible_unit,
            indicator=indicator,
            now=now,
        )
    return data


def indicators_analyse_all(*, municipality, now: datetime | None = None) -> int:
    count = 0
    for indicator in Indicator.objects.filter(municipality=municipality):
        indicator_analyse(indicator=indicator, now=now)
        count += 1
    return count
