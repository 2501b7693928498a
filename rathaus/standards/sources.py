"""Read-only queries on the appointments app's data — the only place this app touches it.

Everything here reads (aggregates in SQL, never writes) and is documented in
docs/standards.md ("Where the figures come from"). The appointments app's own selectors are
used for the earliest free slot, so the lead time is exactly what citizens are offered.

Days are local dates in the municipality's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate

from rathaus.appointments.models import Appointment, Service
from rathaus.appointments.selectors import availability as appointment_availability
from rathaus.appointments.selectors import catalogue as appointment_catalogue
from rathaus.appointments.selectors import statistics as appointment_statistics
from rathaus.core.models import Location, Municipality

S = Appointment.Status
# Bookings that count for the lead time: everything that was really booked (a later
# cancellation does not change the lead time the citizen was given).
BOOKED = (S.CONFIRMED, S.CHECKED_IN, S.CALLED, S.SERVED, S.NO_SHOW, S.CANCELLED)


def tz_of(municipality: Municipality) -> ZoneInfo:
    return ZoneInfo(municipality.time_zone or "Europe/Berlin")


def _tz(towns: list[Municipality]) -> ZoneInfo:
    zones = {tz_of(m) for m in towns}
    if len(zones) != 1:
        raise ValueError("measure municipalities of one time zone together")
    return zones.pop()


def _bounds(tz: ZoneInfo, date_from: date, date_to: date):
    return (
        datetime.combine(date_from, time(0), tzinfo=tz),
        datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=tz),
    )


def _by_start(qs, towns, start_from: datetime, start_to: datetime | None, *, narrow: bool):
    """Narrows by the appointment's start. For a few days (``narrow``) through the
    (location, start) index: the times the figures are counted by (booking, check-in) are
    not indexed in the appointments app; for long periods a scan is cheaper."""
    qs = qs.filter(municipality__in=towns, start__gte=start_from)
    if narrow:
        qs = qs.filter(location__in=Location.objects.filter(municipality__in=towns))
    return qs.filter(start__lt=start_to) if start_to else qs


def _with_service(qs, towns, leika_key: str):
    """Appointments with a service of that LeiKa key. A join on the item rows with the
    service ids spelt out: with EXISTS the planner started from all items of the service
    (18.6 s instead of 1.0 s for a week of 2 million appointments, bench/standards.py). Counts
    over it are distinct, in case two services of one appointment share the key."""
    if not leika_key:
        return qs
    service_ids = list(
        Service.objects.filter(municipality__in=towns, leika_key=leika_key).values_list(
            "id", flat=True
        )
    )
    return qs.filter(items__service_id__in=service_ids)


NARROW_DAYS = 31


def booking_leads(
    towns: list[Municipality], date_from: date, date_to: date, leika_key: str = ""
) -> list[tuple[int, int, date, date, int]]:
    """(municipality id, location id, booking day, appointment day, number) for bookings
    made in the period. Online, staff and waiting-list bookings; walk-ins have no lead time.
    """
    tz = _tz(towns)
    start, end = _bounds(tz, date_from, date_to)
    narrow = (date_to - date_from).days < NARROW_DAYS
    qs = Appointment.objects.filter(
        booked_at__gte=start, booked_at__lt=end, status__in=BOOKED
    ).exclude(source=Appointment.Source.WALK_IN)
    # an appointment starts after it was booked
    qs = _with_service(_by_start(qs, towns, start, None, narrow=narrow), towns, leika_key)
    rows = (
        qs.annotate(
            booked_day=TruncDate("booked_at", tzinfo=tz), start_day=TruncDate("start", tzinfo=tz)
        )
        .values_list("municipality_id", "location_id", "booked_day", "start_day")
        .annotate(n=Count("id", distinct=bool(leika_key)))
        .order_by()
    )
    return list(rows)


def counter_waits(
    towns: list[Municipality], date_from: date, date_to: date, minutes: int, leika_key: str = ""
) -> list[tuple[int, int, date, int, int]]:
    """(municipality id, location id, day, citizens called, called within ``minutes``)."""
    tz = _tz(towns)
    start, end = _bounds(tz, date_from, date_to)
    narrow = (date_to - date_from).days < NARROW_DAYS
    qs = Appointment.objects.filter(
        checked_in_at__gte=start, checked_in_at__lt=end, called_at__isnull=False
    )
    # citizens check in on the day of their appointment (walk-ins: start = check-in)
    qs = _by_start(qs, towns, start - timedelta(days=1), end + timedelta(days=1), narrow=narrow)
    qs = _with_service(qs, towns, leika_key).annotate(
        wait=ExpressionWrapper(F("called_at") - F("checked_in_at"), output_field=DurationField())
    )
    rows = (
        qs.annotate(day=TruncDate("checked_in_at", tzinfo=tz))
        .values_list("municipality_id", "location_id", "day")
        .annotate(
            n=Count("id", distinct=bool(leika_key)),
            within=Count(
                "id", distinct=bool(leika_key), filter=Q(wait__lte=timedelta(minutes=minutes))
            ),
        )
        .order_by()
    )
    return list(rows)


def attendance(
    towns: list[Municipality], date_from: date, date_to: date, leika_key: str = ""
) -> list[tuple[int, int, date, int, int]]:
    """(municipality id, location id, day, served + no-shows, no-shows) by appointment day."""
    tz = _tz(towns)
    start, end = _bounds(tz, date_from, date_to)
    narrow = (date_to - date_from).days < NARROW_DAYS
    qs = _by_start(
        Appointment.objects.filter(status__in=(S.SERVED, S.NO_SHOW)),
        towns,
        start,
        end,
        narrow=narrow,
    )
    rows = (
        _with_service(qs, towns, leika_key)
        .annotate(day=TruncDate("start", tzinfo=tz))
        .values_list("municipality_id", "location_id", "day")
        .annotate(
            n=Count("id", distinct=bool(leika_key)),
            missed=Count("id", distinct=bool(leika_key), filter=Q(status=S.NO_SHOW)),
        )
        .order_by()
    )
    return list(rows)


def earliest_free(
    location: Location, leika_key: str, now: datetime
) -> tuple[bool, datetime | None]:
    """(offered, start of the earliest free slot) for the location's service with that key.

    ``offered`` is False when the location does not offer such a service at all.
    """
    services = [
        s
        for s in appointment_catalogue.services_at(location)
        if not leika_key or s.leika_key == leika_key
    ]
    if not services:
        return False, None
    best = None
    for service in services:
        slot = appointment_availability.earliest(location, {service.id: 1}, now)
        if slot and (best is None or slot.start < best):
            best = slot.start
    return True, best


def locations_of(municipality: Municipality) -> list[Location]:
    return list(Location.objects.filter(municipality=municipality).order_by("name"))


def counter_utilisation(municipality: Municipality, date_from: date, date_to: date) -> float | None:
    """Booked minutes / open minutes of all counters (the appointments statistics)."""
    stats = appointment_statistics.statistics(
        locations_of(municipality), date_from, date_to, with_lead_times=False
    )
    booked = sum(u.booked_minutes for u in stats.utilisation)
    opened = sum(u.open_minutes for u in stats.utilisation)
    return booked / opened if opened else None
