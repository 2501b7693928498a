"""History before the first run: when a municipality joins a promise, or the daily job
measures it for the first time, its figures are filled in from the appointment history that
is already there, so that the dashboard does not start empty.

* Measured metrics (bookings, waiting times, no-shows) are simply measured for the last
  ``RATHAUS_STANDARDS_BACKFILL_DAYS`` (default 90) days.
* The lead time was never stored (the booking page does not record what it offered), so
  for days before the first real snapshot it is **estimated** from the bookings made that
  day: the shortest lead (in working days) any citizen booking that service at that
  location got. Days without bookings stay empty. Estimated snapshots are marked
  (``LeadTimeSnapshot.estimated``) and never overwrite a real one.

Bounded (a fixed number of days, one SQL aggregation per municipality and service) and
idempotent (only days without a snapshot are filled; figures are recomputed, not added).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from rathaus.core.clock import now_or
from rathaus.core.models import Municipality, Region
from rathaus.standards import conf, sources
from rathaus.standards.models import LeadTimeSnapshot, PromiseMembership
from rathaus.standards.services.measure import (
    figures_compute,
    snapshot_keys,
    working_day_index,
    working_days_between,
)


def window(municipality: Municipality, now: datetime) -> tuple[date, date]:
    """The days filled in: ``backfill_days`` up to yesterday (today is measured live)."""
    today = now.astimezone(sources.tz_of(municipality)).date()
    return today - timedelta(days=conf.backfill_days()), today - timedelta(days=1)


def _shortest_leads(municipality, key: str, first: date, last: date) -> dict:
    """{(location id, booking day): shortest lead in working days} of bookings in the window."""
    leads = sources.booking_leads([municipality], first, last, key)
    if not leads:
        return {}
    index = working_day_index(
        municipality.federal_state, first, max(max(s for *_i, s, _n in leads), last)
    )
    best: dict = {}
    for _m, location_id, booked, start, _n in leads:
        if start < booked or booked < first:
            continue
        lead = working_days_between(index, booked, start)
        cell = (location_id, booked)
        best[cell] = min(best.get(cell, lead), lead)
    return best


def snapshots_estimate(*, municipality: Municipality, key: str, now: datetime | None = None) -> int:
    """Estimated snapshots for the days of the window without one. Returns rows written."""
    now = now_or(now)
    first, last = window(municipality, now)
    have = set(
        LeadTimeSnapshot.objects.filter(
            municipality=municipality, leika_key=key, day__range=(first, last)
        ).values_list("location_id", "day")
    )
    rows = [
        LeadTimeSnapshot(
            municipality=municipality,
            location_id=location_id,
            leika_key=key,
            day=day,
            working_days=lead,
            taken_at=now,
            estimated=True,
        )
        for (location_id, day), lead in sorted(
            _shortest_leads(municipality, key, first, last).items()
        )
        if (location_id, day) not in have
    ]
    LeadTimeSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _measured_live(municipality: Municipality, key: str) -> bool:
    return LeadTimeSnapshot.objects.filter(
        municipality=municipality, leika_key=key, estimated=False
    ).exists()


@transaction.atomic
def municipality_backfill(
    *, region: Region, municipality: Municipality, now: datetime | None = None
) -> int:
    """Fills in the municipality's history (estimated lead times for services never
    measured live, then every measured promise for the window). Returns figure rows."""
    now = now_or(now)
    for key in sorted(snapshot_keys(region).get(municipality.id, set())):
        if not _measured_live(municipality, key):
            snapshots_estimate(municipality=municipality, key=key, now=now)
    first, last = window(municipality, now)
    return figures_compute(region=region, date_from=first, date_to=last, now=now, only=municipality)


def region_backfill(*, region: Region, now: datetime | None = None) -> dict[str, int]:
    """The daily job's first run: every member with a lead-time promise that was never
    measured live gets its history. Later runs find live snapshots and do nothing."""
    now = now_or(now)
    done = {}
    for municipality_id, keys in snapshot_keys(region).items():
        municipality = Municipality.objects.get(pk=municipality_id)
        if all(_measured_live(municipality, key) for key in keys):
            continue
        done[municipality.slug] = municipality_backfill(
            region=region, municipality=municipality, now=now
        )
    return done


def membership_backfill(*, membership_id: int, now: datetime | None = None) -> int:
    """After a municipality joined a promise (queued on commit by ``membership_create``)."""
    membership = (
        PromiseMembership.objects.select_related("promise__region", "municipality")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or not membership.promise.measured:
        return 0
    return municipality_backfill(
        region=membership.promise.region, municipality=membership.municipality, now=now
    )
