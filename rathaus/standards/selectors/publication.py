"""Reads for the public page and the open data."""

from __future__ import annotations

from datetime import date

from rathaus.core.models import Location, Municipality, Region
from rathaus.standards.models import DailyFigure, Promise, Publication
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
    promises = {p.id: p for p in Promise.objects.filter(region=region)}
    towns = {m.id: m for m in Municipality.objects.filter(region=region)}
    figures = (
        DailyFigure.objects.filter(promise__region=region, day__range=(first, last))
        .order_by("day", "promise__code", "municipality__ags", "location_id")
        .values_list(
            "day",
            "promise_id",
            "municipality_id",
            "location_id",
            "successes",
            "cases",
            "definition_version",
        )
    )
    rows = []
    for day, promise_id, town_id, location_id, successes, cases, version in figures.iterator(
        chunk_size=5000
    ):
        promise, town = promises[promise_id], towns[town_id]
        rows.append(
            OpenRow(
                date=day,
                ags=town.ags if see_names else "",
                location=location_labels.get(location_id, ""),
                leika=promise.leika_key,
                metric=promise.metric,
                value=percent(successes, cases),
                unit="%",
                definition_version=version,
                cases=cases,
                successes=successes,
                promise=promise.code,
                municipality=town.name if see_names else names.get(town_id, "?"),
            )
        )
    return rows
