"""Reads of closures: the appointments a closure of a counter or a location hits."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from rathaus.appointments.models import Appointment, Counter
from rathaus.appointments.selectors import catalogue
from rathaus.core.models import Location

S = Appointment.Status


def appointments_hit_by_closure(
    *, location: Location, day: date, counter: Counter | None = None
) -> list[Appointment]:
    """Held, pending and confirmed appointments of the day (of one counter, if given)."""
    day_start = datetime.combine(day, time(0), tzinfo=catalogue.local_tz(location))
    affected = Appointment.objects.filter(
        location=location,
        start__gte=day_start,
        start__lt=day_start + timedelta(days=1),
        status__in=[S.HELD, S.PENDING, S.CONFIRMED],
        counter__isnull=False,
    ).select_related("location", "location__municipality")
    if counter is not None:
        affected = affected.filter(counter=counter)
    return list(affected.order_by("start", "id"))
