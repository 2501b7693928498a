"""Reads of the citizen office's staff side: day view, queue, waiting-room display,
walk-in capacity and closures (statistics: :mod:`rathaus.appointments.selectors.statistics`).

Everything a staff member sees goes through :mod:`rathaus.core.tenancy` (the views pass
rows fetched with ``get_scoped_or_404``; list functions take the acting user). The display
page is public and reads one location found by its secret display token.
"""

from __future__ import annotations

import hashlib
from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    BookingPolicy,
    ClosureOutcome,
    Counter,
    DateException,
)
from rathaus.appointments.selectors import availability, catalogue
from rathaus.core.clock import now_or
from rathaus.core.models import Location
from rathaus.core.tenancy import get_scoped_or_404, scoped
from rathaus.engines import availability as engine

S = Appointment.Status

HIDDEN_IN_DAY_VIEW = (S.HELD, S.EXPIRED)
DISPLAY_CALLS = 8


def call_early_minutes() -> int:
    """Checked-in appointments become due this many minutes before their start."""
    return int(getattr(settings, "RATHAUS_APPOINTMENTS_CALL_EARLY_MINUTES", 5))


# --------------------------------------------------------------------------- time helpers


def tz_of(location: Location) -> ZoneInfo:
    return catalogue.local_tz(location)


def local_today(location: Location, now: datetime | None = None) -> date:
    return now_or(now).astimezone(tz_of(location)).date()


def local_date(location: Location, moment: datetime) -> date:
    return moment.astimezone(tz_of(location)).date()


def day_bounds(location: Location, day: date) -> tuple[datetime, datetime]:
    tz = tz_of(location)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


# --------------------------------------------------------------------------- locations


def staff_locations(user):
    """Locations of the user's municipalities that have counters (the citizen offices)."""
    return (
        scoped(Location, user)
        .filter(id__in=Counter.objects.values("location_id"))
        .select_related("municipality")
        .order_by("name")
    )


def counters_of(location: Location):
    return Counter.objects.filter(location=location).prefetch_related("services")


def counter_closed_on(counter: Counter, day: date) -> bool:
    return DateException.objects.filter(
        Q(counter=counter) | Q(counter__isnull=True),
        location_id=counter.location_id,
        date=day,
        closed=True,
    ).exists()


def closures_on(location: Location, day: date) -> list[DateException]:
    return list(
        DateException.objects.filter(location=location, date=day, closed=True).select_related(
            "counter"
        )
    )


# --------------------------------------------------------------------------- day view


@dataclass
class DayRow:
    appointment: Appointment
    services: str
    waiting_minutes: int | None  # since check-in, for those still waiting


@dataclass
class DayView:
    location: Location
    day: date
    counters: list[Counter]
    counter: Counter | None
    rows: list[DayRow]
    closures: list[DateException]
    waiting: int
    status_counts: dict[str, int]
    is_today: bool


def _items_label(appointment: Appointment) -> str:
    parts = []
    for item in appointment.items.all():
        name = item.service.name
        parts.append(f"{item.count} × {name}" if item.count > 1 else name)
    return ", ".join(parts)


def _with_items(qs):
    return qs.prefetch_related(
        Prefetch("items", queryset=AppointmentItem.objects.select_related("service"))
    )


def day_view(
    location: Location,
    day: date,
    *,
    counter: Counter | None = None,
    status: str = "",
    now: datetime | None = None,
) -> DayView:
    """All appointments and walk-in tickets of a location on a day, by time."""
    now = now_or(now)
    start, end = day_bounds(location, day)
    qs = (
        Appointment.objects.filter(location=location, start__gte=start, start__lt=end)
        .exclude(status__in=HIDDEN_IN_DAY_VIEW)
        .select_related("counter", "called_counter")
        .order_by("start", "id")
    )
    all_rows = list(_with_items(qs))
    counts = Tally(a.status for a in all_rows)
    rows = all_rows
    if counter is not None:
        rows = [a for a in rows if counter.id in (a.counter_id, a.called_counter_id)]
    if status:
        rows = [a for a in rows if a.status == status]
    out = []
    for a in rows:
        waited = None
        if a.status == S.CHECKED_IN and a.checked_in_at:
            waited = max(0, int((now - a.checked_in_at).total_seconds() // 60))
        out.append(DayRow(a, _items_label(a), waited))
    return DayView(
        location=location,
        day=day,
        counters=list(counters_of(location)),
        counter=counter,
        rows=out,
        closures=closures_on(location, day),
        waiting=counts.get(S.CHECKED_IN, 0),
        status_counts=dict(counts),
        is_today=day == local_today(location, now),
    )


def day_version(location: Location, day: date) -> str:
    """A short fingerprint of the day's list (one light query): changes whenever a row of
    the day appears, disappears, changes its status, counter or call time."""
    start, end = day_bounds(location, day)
    rows = (
        Appointment.objects.filter(location=location, start__gte=start, start__lt=end)
        .exclude(status__in=HIDDEN_IN_DAY_VIEW)
        .order_by("id")
        .values_list("id", "status", "counter_id", "called_counter_id", "called_at", "start")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:16]


def checked_in_since(view: DayView, since: datetime | None) -> list[str]:
    """Waiting numbers of the rows in ``view`` checked in after ``since`` (still waiting)."""
    if since is None:
        return []
    return [
        row.appointment.ticket_number or f"Nr. {row.appointment.pk}"
        for row in view.rows
        if row.appointment.status == S.CHECKED_IN
        and row.appointment.checked_in_at
        and row.appointment.checked_in_at >= since
    ]


# --------------------------------------------------------------------------- queue


@dataclass
class QueueEntry:
    appointment: Appointment
    key: datetime  # appointment time, or ticket issue time for walk-ins
    due: bool
    servable: bool  # the counter asked about offers every service of the entry


def _servable(appointment: Appointment, counter_services: set[int] | None) -> bool:
    if counter_services is None:
        return True
    wanted = {item.service_id for item in appointment.items.all()}
    return wanted <= counter_services


def queue(
    location: Location, *, now: datetime | None = None, counter: Counter | None = None
) -> list[QueueEntry]:
    """Citizens waiting today (checked in, not yet called), in call-up order.

    Fair order: appointments by their booked time, walk-in tickets by their issue time,
    merged into one line. An appointment is *due* from ``call_early_minutes()`` before its
    start; walk-ins are always due. Due entries come first (by key); citizens who came
    early for a later appointment follow, so an idle counter may still serve them.
    ``servable`` tells whether ``counter`` offers all services of the entry (a counter
    without configured services serves everything).
    """
    now = now_or(now)
    start, end = day_bounds(location, local_today(location, now))
    rows = _with_items(
        Appointment.objects.filter(
            location=location, status=S.CHECKED_IN, start__gte=start, start__lt=end
        ).select_related("counter")
    )
    counter_services = None
    if counter is not None:
        ids = set(counter.services.values_list("id", flat=True))
        counter_services = ids or None
    early = timedelta(minutes=call_early_minutes())
    entries = []
    for a in rows:
        if a.source == Appointment.Source.WALK_IN:
            key, due = a.checked_in_at or a.created, True
        else:
            key, due = a.start, a.start - early <= now
        entries.append(QueueEntry(a, key, due, _servable(a, counter_services)))
    entries.sort(
        key=lambda e: (not e.due, e.key, e.appointment.checked_in_at or now, e.appointment.pk)
    )
    return entries


# --------------------------------------------------------------------------- display


@dataclass
class DisplayCall:
    ticket_number: str
    counter_name: str
    called_at: datetime
    current: bool  # still called (not yet served / no-show)


@dataclass
class DisplayData:
    location: Location
    calls: list[DisplayCall]
    waiting: int
    version: str


def location_by_display_token(token: str) -> Location | None:
    """The location whose (saved) booking policy has this display token."""
    if not token or len(token) < 16 or len(token) > 64:
        return None
    policy = (
        BookingPolicy.objects.filter(display_token=token)
        .select_related("location", "location__municipality")
        .first()
    )
    return policy.location if policy else None


def display_data(location: Location, *, now: datetime | None = None) -> DisplayData:
    """The last calls of today (newest first) for the waiting-room display."""
    now = now_or(now)
    start, end = day_bounds(location, local_today(location, now))
    called = Appointment.objects.filter(
        location=location, called_at__gte=start, called_at__lt=end, called_counter__isnull=False
    )
    rows = list(
        called.select_related("called_counter").order_by("-called_at", "-id")[:DISPLAY_CALLS]
    )
    calls = [
        DisplayCall(
            a.ticket_number or f"T{a.pk}",
            a.called_counter.name,
            a.called_at.astimezone(tz_of(location)),
            a.status == S.CALLED,
        )
        for a in rows
    ]
    waiting = Appointment.objects.filter(
        location=location, status=S.CHECKED_IN, start__gte=start, start__lt=end
    ).count()
    latest = rows[0] if rows else None
    stamp = int(latest.called_at.timestamp()) if latest else 0
    version = f"{called.count()}-{latest.pk if latest else 0}-{stamp}-{waiting}"
    return DisplayData(location, calls, waiting, version)


# --------------------------------------------------------------------------- walk-in capacity


@dataclass
class WalkInCapacity:
    allowed: bool
    free_minutes: int  # free counter minutes left today at eligible counters
    waiting_minutes: int  # minutes of walk-in tickets already waiting
    needed_minutes: int
    duration: timedelta
    message: str = ""


def _free_counter_minutes(location: Location, demand: dict[int, int], now: datetime) -> int:
    """Free minutes from ``now`` to closing today, summed over open counters that offer
    every requested service. Computed with the availability engine: one-minute slots
    on a one-minute grid; each slot's capacity is the number of counters free then."""
    setup, index = availability.location_state(location, now, fresh=True)
    wanted = set(demand)
    counters = tuple(c for c in setup.counters if wanted <= c.service_ids)
    if not counters:
        return 0
    probe = -1  # a pseudo service of one minute that every eligible counter offers
    request = engine.AvailabilityRequest(
        counters=tuple(
            engine.Counter(
                id=c.id,
                service_ids=frozenset({probe}),
                opening_rules=c.opening_rules,
                exceptions=c.exceptions,
            )
            for c in counters
        ),
        demand={probe: 1},
        durations={probe: 1},
        bookings=index,
        policy=engine.Policy(
            granularity_minutes=1,
            min_notice=timedelta(0),
            same_day=True,
            max_days_ahead=0,
            timezone=setup.policy.timezone,
        ),
        now=now,
        exceptions=setup.exceptions,
        holidays=setup.holidays,
    )
    today = now.astimezone(setup.policy.tz).date()
    return sum(slot.capacity for slot in engine.free_slots(request, today))


def walk_in_capacity(
    location: Location, demand: dict[int, int], *, now: datetime | None = None
) -> WalkInCapacity:
    now = now_or(now)
    durations = catalogue.durations_at(location)
    needed = sum(durations.get(s, 0) * n for s, n in demand.items())
    duration = timedelta(minutes=needed)
    free = _free_counter_minutes(location, demand, now)
    start, end = day_bounds(location, local_today(location, now))
    waiting = sum(
        int((a.end - a.start).total_seconds() // 60)
        for a in Appointment.objects.filter(
            location=location,
            source=Appointment.Source.WALK_IN,
            status__in=[S.CHECKED_IN, S.CALLED],
            start__gte=start,
            start__lt=end,
        ).only("start", "end")
    )
    allowed = needed > 0 and free - waiting >= needed
    message = ""
    if not allowed:
        left = max(0, free - waiting)
        message = _(
            "Für heute ist keine Kapazität für eine Wartemarke mehr frei "
            "(benötigt %(needed)d Minuten, frei %(left)d Minuten). "
            "Bitte vereinbaren Sie einen Termin online."
        ) % {"needed": needed, "left": left}
    return WalkInCapacity(allowed, free, waiting, needed, duration, message)


# --------------------------------------------------------------------------- closures


def closure_outcomes(exception: DateException) -> list[ClosureOutcome]:
    return list(
        ClosureOutcome.objects.filter(exception=exception)
        .select_related("appointment", "old_counter", "appointment__counter")
        .prefetch_related(
            Prefetch(
                "appointment__items", queryset=AppointmentItem.objects.select_related("service")
            )
        )
        .order_by("old_start", "id")
    )


def closures_for(user, *, limit: int = 20):
    return (
        scoped(DateException, user)
        .filter(closed=True)
        .select_related("location", "counter")
        .order_by("-date", "-id")[:limit]
    )


def outcome_label(outcome: ClosureOutcome, tz) -> str:
    R = ClosureOutcome.Result
    if outcome.result == R.REBOOKED and outcome.new_start == outcome.old_start:
        return _("gleiche Uhrzeit, jetzt an „%(counter)s“ – keine E-Mail nötig") % {
            "counter": outcome.appointment.counter.name if outcome.appointment.counter else "–"
        }
    if outcome.result == R.REBOOKED and outcome.new_start:
        when = f"{outcome.new_start.astimezone(tz):%d.%m.%Y, %H:%M}"
        if outcome.notified:
            return _("umgebucht auf %(when)s Uhr – E-Mail mit neuem Termin gesendet") % {
                "when": when
            }
        return _("umgebucht auf %(when)s Uhr – keine E-Mail-Adresse") % {"when": when}
    if outcome.result == R.WAITING_LIST:
        return _("kein freier Termin – abgesagt, auf Warteliste (Terminagent), E-Mail gesendet")
    return _("abgesagt – keine E-Mail-Adresse, bitte telefonisch oder schriftlich informieren")


# --------------------------------------------------------------------------- single rows


def appointment_get_scoped(*, user, pk, **filters) -> Appointment:
    """An appointment of the user's municipality (404 otherwise), with place and counters."""
    return get_scoped_or_404(
        Appointment.objects.select_related(
            "location", "location__municipality", "counter", "called_counter"
        ),
        user,
        pk=pk,
        **filters,
    )


def appointment_get_fresh(*, pk: int) -> Appointment:
    """The row as it is now (after a service changed it), with its counters."""
    return Appointment.objects.select_related("counter", "called_counter").get(pk=pk)


def location_get_scoped(*, user, pk) -> Location:
    return get_scoped_or_404(Location.objects.select_related("municipality"), user, pk=pk)


def counter_get_scoped(*, user, pk) -> Counter:
    return get_scoped_or_404(
        Counter.objects.select_related("location", "location__municipality"), user, pk=pk
    )


def closure_get_scoped(*, user, pk) -> DateException:
    return get_scoped_or_404(
        DateException.objects.select_related("location", "location__municipality", "counter"),
        user,
        pk=pk,
    )


def closure_get(*, pk: int) -> DateException:
    return DateException.objects.select_related(
        "location", "location__municipality", "counter"
    ).get(pk=pk)
