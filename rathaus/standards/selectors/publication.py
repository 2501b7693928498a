"""Reads for the public page and the open data."""

from __future__ import annotations

from datetime import date

from rathaus.core.models import Location, Region
from rathaus.standards.models import DailyFigure, Publication
from rathaus.standards.opendata import OpenRow, percent
from rathaus.standards.selectors.overview import named, pseudonyms


def region_by_slug(slug: str) -> Region | None:
    return Region.objects.filter(slug=slug).first()


def latest_publication(region: Region) -> Publication | None:
    return Publication.objects.filter(region=region).order_by("-day").first()


def open_rows(*, region: Region, first: date, last: date) -> list[OpenRow]:
    """Every daily figure of the region in [first, last], named or anonymised as agreed."""
    see_names = named(region)
    names = pseudonyms(region)
    locations = {
        loc.id: loc
        for loc in Location.objects.filter(municipality__region=region).order_by(
            "municipality_id", "name"
        )
    }
    # anonymised locations are numbered per municipality in a stable order
    location_labels: dict[int, str] = {}
    counters: dict[int, int] = {}
    for loc in locations.values():
        counters[loc.municipality_id] = counters.get(loc.municipality_id, 0) + 1
        location_labels[loc.id] = (
            loc.name
            if see_names
            else f"{names.get(loc.municipality_id, '?')} – {counters[loc.municipality_id]}"
        )
    figures = (
        DailyFigure.objects.filter(promise__region=region, day__range=(first, last))
        .select_related("promise", "municipality")
        .order_by("day", "promise__code", "municipality__ags", "location_id")
    )
    rows = []
    for f in figures:
        rows.append(
            OpenRow(
                date=f.day,
                ags=f.municipality.ags if see_names else "",
                location=location_labels.get(f.location_id, ""),
                leika=f.promise.leika_key,
                metric=f.promise.metric,
                value=percent(f.successes, f.cases),
                unit="%",
                definition_version=f.definition_version,
                cases=f.cases,
                successes=f.successes,
                promise=f.promise.code,
                municipality=f.municipality.name
                if see_names
                else names.get(f.municipality_id, "?"),
            )
        )
    return rows
