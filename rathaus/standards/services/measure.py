"""Measuring the promises from the appointments data: daily figures and lead-time snapshots.

Definitions (also in docs/standards.md):

* ``appointment_within_days``: bookings (online, staff, waiting list; not walk-ins) by the
  local booking day; success = the appointment's day lies at most N working days after the
  booking day (Mon–Fri without the state's public holidays; the booking day itself is 0).
* ``lead_time_days``: one case per location and day on which the service is offered;
  success = the earliest free slot, as the booking page offered it at the daily snapshot,
  lies at most N working days ahead (no free slot at all = not within).
* ``counter_wait_minutes``: citizens called at a counter, by the day of check-in; success =
  called at most N minutes after checking in.
* ``no_show_rate``: served and no-show appointments by their day; success = no-show (the
  promise is "at most X %").
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import holidays as holiday_calendars
from django.db import transaction

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Municipality, Region
from rathaus.standards import caching, sources
from rathaus.standards.models import (
    MEASURED,
    DailyFigure,
    LeadTimeSnapshot,
    Metric,
    Promise,
    PromiseMembership,
)


def working_day_index(state: str, first: date, last: date) -> dict[date, int]:
    """Running count of working days up to and including each date in [first, last]."""
    years = range(first.year, last.year + 1)
    try:
        free = holiday_calendars.country_holidays("DE", subdiv=state or None, years=years)
    except NotImplementedError:
        free = {}
    index, count, day = {}, 0, first
    while day <= last:
        if day.weekday() < 5 and day not in free:
            count += 1
        index[day] = count
        day += timedelta(days=1)
    return index


def working_days_between(index: dict[date, int], first: date, later: date) -> int:
    return index[later] - index[first]


def _rows(promise, cells, now):
    return [
        DailyFigure(
            municipality_id=municipality_id,
            promise=promise,
            location_id=location_id,
            day=day,
            cases=cases,
            successes=hits,
            definition_version=promise.version,
            computed_at=now,
        )
        for (municipality_id, location_id, day), (cases, hits) in sorted(cells.items())
        if cases
    ]


def _appointment_within(promise, towns, date_from, date_to) -> dict:
    leads = sources.booking_leads(towns, date_from, date_to, promise.leika_key)
    if not leads:
        return {}
    first = min(min(b for *_i, b, _s, _n in leads), date_from)
    last = max(max(s for *_i, s, _n in leads), date_to)
    state_of = {m.id: m.federal_state for m in towns}
    indexes = {st: working_day_index(st, first, last) for st in set(state_of.values())}
    cells: dict = defaultdict(lambda: [0, 0])
    for municipality_id, location_id, booked, start, n in leads:
        index = indexes[state_of[municipality_id]]
        cell = cells[(municipality_id, location_id, booked)]
        cell[0] += n
        if start >= booked and working_days_between(index, booked, start) <= promise.threshold:
            cell[1] += n
    return cells


def _lead_time(promise, towns, date_from, date_to) -> dict:
    cells: dict = defaultdict(lambda: [0, 0])
    for snap in LeadTimeSnapshot.objects.filter(
        municipality__in=towns, leika_key=promise.leika_key, day__range=(date_from, date_to)
    ):
        cell = cells[(snap.municipality_id, snap.location_id, snap.day)]
        cell[0] += 1
        if snap.working_days is not None and snap.working_days <= promise.threshold:
            cell[1] += 1
    return cells


def _counter_wait(promise, towns, date_from, date_to) -> dict:
    rows = sources.counter_waits(towns, date_from, date_to, promise.threshold, promise.leika_key)
    return {(m, loc, d): [n, within] for m, loc, d, n, within in rows}


def _no_show(promise, towns, date_from, date_to) -> dict:
    rows = sources.attendance(towns, date_from, date_to, promise.leika_key)
    return {(m, loc, d): [n, missed] for m, loc, d, n, missed in rows}


MEASURES = {
    Metric.APPOINTMENT_WITHIN: _appointment_within,
    Metric.LEAD_TIME: _lead_time,
    Metric.COUNTER_WAIT: _counter_wait,
    Metric.NO_SHOW: _no_show,
}


def measure(promise: Promise, towns: list[Municipality], date_from: date, date_to: date, now):
    """Unsaved DailyFigure rows of one promise for municipalities of one time zone; one SQL
    aggregation for all of them (read-only)."""
    cells = MEASURES[promise.metric](promise, towns, date_from, date_to)
    return _rows(promise, cells, now)


def _members(region: Region):
    return (
        PromiseMembership.objects.filter(
            promise__region=region, promise__active=True, promise__metric__in=MEASURED
        )
        .select_related("promise", "municipality")
        .order_by("promise_id", "municipality_id")
    )


def _groups(region: Region, only: Municipality | None = None):
    """(promise, municipalities of one time zone) for every joined, measured promise."""
    groups: dict = defaultdict(list)
    promises = {}
    members = _members(region)
    if only is not None:
        members = members.filter(municipality=only)
    for membership in members:
        promises[membership.promise_id] = membership.promise
        zone = membership.municipality.time_zone or "Europe/Berlin"
        groups[(membership.promise_id, zone)].append(membership.municipality)
    return [(promises[pid], towns) for (pid, _zone), towns in sorted(groups.items())]


@transaction.atomic
def figures_compute(
    *,
    region: Region,
    date_from: date,
    date_to: date,
    now: datetime | None = None,
    actor=None,
    only: Municipality | None = None,
) -> int:
    """Measures every joined, measured promise of the region (or of ``only`` that
    municipality) for the days given (replaces the measured rows of those days). Returns
    the number of rows written."""
    now = now_or(now)
    rows = []
    for promise, towns in _groups(region, only):
        rows += measure(promise, towns, date_from, date_to, now)
    stale = DailyFigure.objects.filter(
        promise__region=region,
        source=DailyFigure.Source.MEASURED,
        day__range=(date_from, date_to),
    )
    if only is not None:
        stale = stale.filter(municipality=only)
    stale.delete()
    DailyFigure.objects.bulk_create(rows, batch_size=5000)
    caching.bump(region.id)
    audit.record(
        actor=actor,
        action="action",
        object_type="standards.DailyFigure",
        object_id=region.slug,
        summary=f"Servicestandards gemessen {date_from:%d.%m.%Y}–{date_to:%d.%m.%Y}: {len(rows)}",
    )
    return len(rows)


def snapshot_keys(region: Region) -> dict[int, set[str]]:
    keys: dict[int, set[str]] = defaultdict(set)
    for membership in _members(region).filter(promise__metric=Metric.LEAD_TIME):
        keys[membership.municipality_id].add(membership.promise.leika_key)
    return keys


@transaction.atomic
def snapshots_take(*, region: Region, now: datetime | None = None) -> int:
    """Today's earliest free slot per location and service of every lead-time promise (a
    live snapshot replaces an estimated one of the same day)."""
    now = now_or(now)
    taken = 0
    for municipality_id, keys in snapshot_keys(region).items():
        municipality = Municipality.objects.get(pk=municipality_id)
        today = now.astimezone(sources.tz_of(municipality)).date()
        for location in sources.locations_of(municipality):
            for key in sorted(keys):
                offered, earliest = sources.earliest_free(location, key, now)
                if not offered:
                    continue
                days = None
                if earliest is not None:
                    slot_day = earliest.astimezone(sources.tz_of(municipality)).date()
                    index = working_day_index(municipality.federal_state, today, slot_day)
                    days = working_days_between(index, today, slot_day)
                LeadTimeSnapshot.objects.update_or_create(
                    location=location,
                    leika_key=key,
                    day=today,
                    defaults={
                        "municipality": municipality,
                        "working_days": days,
                        "taken_at": now,
                        "estimated": False,
                    },
                )
                taken += 1
    return taken
