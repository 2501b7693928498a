"""The indicators a series' rhythm follows, read from the steering app's controlling.

Apps never import each other; this one adapter looks the steering app's ``Indicator`` model up
in Django's app registry instead, reads only ``name``, ``area``, ``status`` (green / amber /
red) and the stored ``analysis`` explanation, and never writes. Without the steering app
installed there are simply no indicators to tie a series to. The demo also looks up the open
steering case of an indicator (``open_case_of``) to propose it for an agenda.
"""

from __future__ import annotations

from django.apps import apps

from rathaus.engines.recurrence.rhythm import Signal


def _model():
    try:
        return apps.get_model("steering", "Indicator")
    except LookupError:
        return None


def choices_for(municipality_id: int) -> list[tuple[int, str]]:
    """``(id, "name (area)")`` of the municipality's indicators, for the tie form."""
    model = _model()
    if model is None:
        return []
    rows = model.objects.filter(municipality_id=municipality_id).order_by("name", "area")
    return [(pk, f"{name} ({area})") for pk, name, area in rows.values_list("pk", "name", "area")]


def signals_for(municipality_id: int, ids: list[int]) -> list[Signal]:
    """One ``Signal`` per tied indicator that still exists in the municipality."""
    model = _model()
    if model is None or not ids:
        return []
    rows = model.objects.filter(municipality_id=municipality_id, pk__in=ids).order_by("name")
    return [
        Signal(
            name=f"{row.name} ({row.area})",
            level=row.status,
            note=(row.analysis or {}).get("explanation", "") or "",
        )
        for row in rows.only("name", "area", "status", "analysis")
    ]


def open_case_of(municipality_id: int, ids: list[int]) -> int | None:
    """The id of the open steering case of the first of these indicators that has one (the demo
    proposes it for an agenda), read like the indicators above; None without one or without
    the steering app."""
    try:
        model = apps.get_model("steering", "SteeringCase")
    except LookupError:
        return None
    rows = model.objects.filter(
        municipality_id=municipality_id, indicator_id__in=ids, status="open"
    ).order_by("opened_at", "pk")
    by_indicator: dict[int, int] = {}
    for indicator_id, pk in rows.values_list("indicator_id", "pk"):
        by_indicator.setdefault(indicator_id, pk)  # the earliest open case of each
    return next((by_indicator[pk] for pk in ids if pk in by_indicator), None)
