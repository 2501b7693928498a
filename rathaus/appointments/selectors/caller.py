"""Reads for the clerk serving a caller: find appointments by name or number, the free
times of one day for a booking or a move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q

from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.selectors import counter as counter_selectors
from rathaus.core.clock import now_or
from rathaus.core.models import Location

S = Appointment.Status
FOUND_STATUSES = (S.PENDING, S.CONFIRMED, S.CHECKED_IN, S.CALLED)
MAX_FOUND = 50


@dataclass
class Found:
    appointment: Appointment
    services: str
    changeable: bool  # not begun yet and still pending/confirmed: may be moved or cancelled


def appointments_find(
    *, location: Location, query: str, now: datetime | None = None
) -> list[Found]:
    """Today's and later open appointments of ``location`` whose name contains ``query``
    (any case), or whose appointment or waiting number it is; by time, at most 50."""
    now = now_or(now)
    day_start, _end = counter_selectors.day_bounds(
        location, counter_selectors.local_today(location, now)
    )
    match = Q(citizen_name__icontains=query) | Q(ticket_number__iexact=query)
    if query.isdigit() and len(query) < 15:
        match |= Q(pk=int(query))
    rows = counter_selectors._with_items(
        Appointment.objects.filter(
            match, location=location, start__gte=day_start, status__in=FOUND_STATUSES
        )
        .select_related("counter", "location")
        .order_by("start", "id")[:MAX_FOUND]
    )
    return [
        Found(
            a,
            counter_selectors._items_label(a),
            a.status in (S.PENDING, S.CONFIRMED) and a.start > now,
        )
        for a in rows
    ]


def free_slots(location: Location, demand: dict[int, int], day: date, now=None):
    """The free start times of ``day`` for ``demand`` under the location's booking rules."""
    return availability.slots_on(location, demand, day, now=now_or(now))


def local_tz(location: Location):
    return catalogue.local_tz(location)
