"""Statistics of the citizen office (read-only): utilisation, no-shows, waiting times,
online vs walk-in, bookings per day and lead times, for one or more locations and a period.

Definitions used by the statistics (also in docs/appointments-staff.md):

* period: appointments whose start lies on a local date in [date_from, date_to];
* booked minutes of a counter: planned appointments (with a counter) in the statuses
  confirmed, checked in, called, served or no-show; utilisation = booked / open minutes;
* open minutes: the counter's opening hours on each date (counter exception > location
  exception > public holiday closed > weekly rules of the counter, else of the location);
* no-show rate: no-shows / (served + no-shows);
* waiting time: ``called_at − checked_in_at``; median and p90 (linear interpolation);
* online vs walk-in: realised appointments (confirmed … no-show) by source;
* bookings per day: rows by the local date of ``booked_at`` (walk-ins, holds and
  unconfirmed-expired rows excluded);
* lead time now: days from today to the earliest free slot per location and service
  (availability engine); booking lead time: median of (appointment date − booking date).
"""

from __future__ import annotations

import math
import statistics as pystats
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from rathaus.appointments.models import (
    Appointment,
    Counter,
    DateException,
    OpeningHours,
    Service,
)
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.selectors.counter import local_today, tz_of
from rathaus.core.clock import now_or
from rathaus.core.models import Location
from rathaus.engines import availability as engine

S = Appointment.Status
REALISED = (S.CONFIRMED, S.CHECKED_IN, S.CALLED, S.SERVED, S.NO_SHOW)


def _median(values: list[float]) -> float | None:
    return float(pystats.median(values)) if values else None


def percentile(values: list[float], p: float) -> float | None:
    """Percentile with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    data = sorted(values)
    if len(data) == 1:
        return float(data[0])
    rank = (len(data) - 1) * p / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return float(data[lo] + (data[hi] - data[lo]) * (rank - lo))


def open_minutes(location: Location, counter: Counter, day: date, *, _cache=None) -> int:
    """Minutes ``counter`` is open on ``day`` (wall-clock, same precedence as the engine)."""
    cache = _cache if _cache is not None else _hours_cache(location, [day])
    exc = cache["exceptions"]
    wall = exc.get((counter.id, day))
    if wall is None:
        wall = exc.get((None, day))
    if wall is None:
        if day in cache["holidays"]:
            wall = []
        else:
            rules = cache["weekly"].get(counter.id) or cache["weekly"].get(None, {})
            wall = rules.get(day.weekday(), [])
    return _wall_minutes(wall)


def _wall_minutes(intervals) -> int:
    merged: list[list[int]] = []
    for a, b in sorted((s.hour * 60 + s.minute, e.hour * 60 + e.minute) for s, e in intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return sum(b - a for a, b in merged)


def _hours_cache(location: Location, days) -> dict:
    days = list(days)
    weekly: dict = {}
    for h in OpeningHours.objects.filter(location=location):
        weekly.setdefault(h.counter_id, {}).setdefault(h.weekday, []).append((h.start, h.end))
    exceptions: dict = {}
    if days:
        for e in DateException.objects.filter(
            location=location, date__gte=min(days), date__lte=max(days)
        ):
            bucket = exceptions.setdefault((e.counter_id, e.date), [])
            if not e.closed and e.start and e.end:
                bucket.append((e.start, e.end))
    # a closed row wins over special hours on the same date and level
    if days:
        for e in DateException.objects.filter(
            location=location, date__gte=min(days), date__lte=max(days), closed=True
        ):
            exceptions[(e.counter_id, e.date)] = []
    years = sorted({d.year for d in days}) or [date.today().year]
    try:
        holidays = engine.public_holidays(location.municipality.federal_state, years)
    except ValueError:
        holidays = frozenset()
    return {"weekly": weekly, "exceptions": exceptions, "holidays": holidays}


@dataclass
class CounterUse:
    counter: Counter
    booked_minutes: int
    open_minutes: int

    @property
    def ratio(self) -> float | None:
        return self.booked_minutes / self.open_minutes if self.open_minutes else None


@dataclass
class LeadTime:
    location: Location
    service: Service
    days: int | None  # None: no free slot in the booking window
    earliest: datetime | None


@dataclass
class Statistics:
    date_from: date
    date_to: date
    locations: list[Location]
    lead_times: list[LeadTime] = field(default_factory=list)
    booking_lead_median_days: float | None = None
    bookings_per_day: list[tuple[date, int]] = field(default_factory=list)
    utilisation: list[CounterUse] = field(default_factory=list)
    served: int = 0
    no_shows: int = 0
    waiting_median_minutes: float | None = None
    waiting_p90_minutes: float | None = None
    waiting_count: int = 0
    by_source: list[tuple[str, str, int]] = field(default_factory=list)  # (key, label, n)
    realised: int = 0

    @property
    def no_show_rate(self) -> float | None:
        total = self.served + self.no_shows
        return self.no_shows / total if total else None

    def share(self, *sources: str) -> float | None:
        if not self.realised:
            return None
        return sum(n for key, _label, n in self.by_source if key in sources) / self.realised

    @property
    def online_share(self) -> float | None:
        return self.share(Appointment.Source.ONLINE, Appointment.Source.WAITING_LIST)

    @property
    def walk_in_share(self) -> float | None:
        return self.share(Appointment.Source.WALK_IN)


def statistics(
    locations,
    date_from: date,
    date_to: date,
    *,
    now: datetime | None = None,
    with_lead_times: bool = True,
) -> Statistics:
    """Statistics over ``locations`` (already scoped to the user) for a date range."""
    now = now_or(now)
    locations = list(locations)
    stats = Statistics(date_from=date_from, date_to=date_to, locations=locations)
    if not locations:
        return stats
    days = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    tally = _Tallies()
    for location in locations:
        tz = tz_of(location)
        start = datetime.combine(date_from, time(0), tzinfo=tz)
        end = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=tz)
        in_period = Appointment.objects.filter(location=location, start__gte=start, start__lt=end)
        _count_bookings(tally, location, tz, start, end, in_period)
        stats.served += in_period.filter(status=S.SERVED).count()
        stats.no_shows += in_period.filter(status=S.NO_SHOW).count()
        stats.utilisation.extend(_utilisation(location, days, in_period))
        if with_lead_times:
            stats.lead_times.extend(_lead_times(location, tz, now))
    _summarise(stats, tally, days)
    return stats


@dataclass
class _Tallies:
    per_day: Tally = field(default_factory=Tally)
    lead_days: list[int] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    sources: Tally = field(default_factory=Tally)


def _count_bookings(tally: _Tallies, location, tz, start, end, in_period) -> None:
    """Bookings per day (by the date the booking was made), lead days, waits and sources."""
    for booked_at in (
        Appointment.objects.filter(location=location, booked_at__gte=start, booked_at__lt=end)
        .exclude(status__in=[S.HELD, S.EXPIRED])
        .exclude(source=Appointment.Source.WALK_IN)
        .values_list("booked_at", flat=True)
    ):
        tally.per_day[booked_at.astimezone(tz).date()] += 1
    for a_start, booked_at in (
        in_period.filter(status__in=REALISED, booked_at__isnull=False)
        .exclude(source=Appointment.Source.WALK_IN)
        .values_list("start", "booked_at")
    ):
        tally.lead_days.append(
            (a_start.astimezone(tz).date() - booked_at.astimezone(tz).date()).days
        )
    for checked_in, called in in_period.filter(
        checked_in_at__isnull=False, called_at__isnull=False
    ).values_list("checked_in_at", "called_at"):
        tally.waits.append(max(0.0, (called - checked_in).total_seconds() / 60))
    for source in in_period.filter(status__in=REALISED).values_list("source", flat=True):
        tally.sources[source] += 1


def _utilisation(location, days, in_period) -> list[CounterUse]:
    hours = _hours_cache(location, days)
    booked: Tally = Tally()
    for counter_id, a_start, a_end in in_period.filter(
        status__in=REALISED, counter__isnull=False
    ).values_list("counter_id", "start", "end"):
        booked[counter_id] += int((a_end - a_start).total_seconds() // 60)
    out = []
    for counter in Counter.objects.filter(location=location).order_by("position", "id"):
        opened = sum(open_minutes(location, counter, d, _cache=hours) for d in days)
        out.append(CounterUse(counter, booked[counter.id], opened))
    return out


def _lead_times(location, tz, now: datetime) -> list[LeadTime]:
    today = local_today(location, now)
    out = []
    for service in catalogue.services_at(location):
        slot = availability.earliest(location, {service.id: 1}, now)
        out.append(
            LeadTime(
                location,
                service,
                (slot.start.astimezone(tz).date() - today).days if slot else None,
                slot.start.astimezone(tz) if slot else None,
            )
        )
    return out


def _summarise(stats: Statistics, tally: _Tallies, days) -> None:
    stats.bookings_per_day = [(d, tally.per_day.get(d, 0)) for d in days]
    stats.booking_lead_median_days = _median([float(d) for d in tally.lead_days])
    stats.waiting_count = len(tally.waits)
    stats.waiting_median_minutes = _median(tally.waits)
    stats.waiting_p90_minutes = percentile(tally.waits, 90)
    stats.realised = sum(tally.sources.values())
    stats.by_source = [
        (key, str(label), tally.sources.get(key, 0)) for key, label in Appointment.Source.choices
    ]
