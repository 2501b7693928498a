"""Rows of the standards app for the cross-tenant URL walk.

Promises belong to the region and are visible to all of its municipalities by design, so
the marker goes only into rows private to the victim (membership note, profile note, the
location of its figures — shown to others only anonymised).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from rathaus.core.models import Location, Role, User
from rathaus.standards.models import (
    DailyFigure,
    ManualEntry,
    Metric,
    MunicipalityProfile,
    Promise,
    PromiseMembership,
)


def _pending_entry(municipality, marker: str, today):
    """A figure entered by hand that waits for confirmation (four eyes)."""
    calls, _ = Promise.objects.get_or_create(
        region=municipality.region,
        code="tenancy-sample-115",
        defaults={
            "title": "115",
            "metric": Metric.CALLS_30S,
            "threshold": 30,
            "target_percent": 75,
            "min_cases": 1,
            "definition": "Stichprobe",
            "agreed_by": "Region",
            "agreed_on": date(2026, 1, 1),
        },
    )
    PromiseMembership.objects.create(
        municipality=municipality, promise=calls, joined_on=date(2026, 1, 2)
    )
    enterer = User.objects.create(
        username=f"std-enterer-{municipality.pk}",
        municipality=municipality,
        roles=[Role.MUNICIPALITY_ADMIN.value],
    )
    entry = ManualEntry.objects.create(
        municipality=municipality,
        promise=calls,
        day=today,
        cases=100,
        successes=80,
        definition_version=1,
        note=marker,
        entered_by=enterer,
        entered_at=timezone.now(),
    )
    return entry


def create(municipality, marker: str) -> dict[str, list]:
    promise, _ = Promise.objects.get_or_create(
        region=municipality.region,
        code="tenancy-sample",
        defaults={
            "title": "Wartezeit",
            "metric": Metric.COUNTER_WAIT,
            "threshold": 15,
            "target_percent": 80,
            "min_cases": 1,
            "definition": "Stichprobe",
            "agreed_by": "Region",
            "agreed_on": date(2026, 1, 1),
        },
    )
    PromiseMembership.objects.create(
        municipality=municipality, promise=promise, joined_on=date(2026, 1, 2), note=marker
    )
    MunicipalityProfile.objects.create(
        municipality=municipality, population=12_000, case_mix_note=marker
    )
    location = Location.objects.create(
        municipality=municipality, name=f"Amt {marker}", street="Weg 1", postal_code="1", city="X"
    )
    today = timezone.localdate()
    DailyFigure.objects.create(
        municipality=municipality,
        promise=promise,
        location=location,
        day=today,
        cases=10,
        successes=8,
        definition_version=1,
        computed_at=timezone.now(),
    )
    entry = _pending_entry(municipality, marker, today)
    return {
        "entry_id": [entry.pk],
        "municipality_id": [municipality.pk],
        "promise_id": [promise.pk],
        "region_slug": [municipality.region.slug],
    }
