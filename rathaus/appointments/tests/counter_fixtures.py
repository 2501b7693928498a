"""Builders and fixtures for the staff-side tests (import the fixtures into a test module)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    DateException,
    hash_token,
    new_token,
)
from rathaus.appointments.tests.helpers import BERLIN, make_office
from rathaus.core.models import Role

STAFF_URLS = "rathaus.appointments.tests.staff_test_urls"
API = "/staff-test-api/v1/appointments/staff"


def make_appointment(
    location,
    counter,
    start: datetime,
    service,
    *,
    minutes: int | None = None,
    status=Appointment.Status.CONFIRMED,
    source=Appointment.Source.ONLINE,
    name: str = "Erika Mustermann",
    email: str = "erika@example.org",
    phone: str = "",
    count: int = 1,
    **fields,
) -> Appointment:
    minutes = minutes or service.default_duration_minutes * count
    appointment = Appointment.objects.create(
        municipality_id=location.municipality_id,
        location=location,
        counter=counter,
        start=start,
        end=start + timedelta(minutes=minutes),
        status=status,
        source=source,
        token_hash=hash_token(new_token()),
        citizen_name=name,
        citizen_email=email,
        citizen_phone=phone,
        created=fields.pop("created", start - timedelta(days=1)),
        booked_at=fields.pop("booked_at", start - timedelta(days=1)),
        confirmed_at=fields.pop("confirmed_at", start - timedelta(days=1)),
        **fields,
    )
    AppointmentItem.objects.create(appointment=appointment, service=service, count=count)
    return appointment


def open_all_day(location, day) -> None:
    """Special opening hours 00:00–23:59 for ``day`` (tests that run on the real clock)."""
    DateException.objects.create(
        municipality_id=location.municipality_id,
        location=location,
        date=day,
        closed=False,
        start=time(0, 0),
        end=time(23, 59),
    )


def local_now() -> datetime:
    return timezone.now().astimezone(BERLIN)


def today_at(hour: int, minute: int = 0) -> datetime:
    """A fixed time of the real today (for service calls that must not depend on the clock)."""
    return datetime.combine(local_now().date(), time(hour, minute), tzinfo=BERLIN)


@pytest.fixture
def office_hours():
    """Views and the API read the clock: it runs (ticking) from 10:00 of today, so walk-in
    capacity, "due now" appointments and the day view never depend on when the suite runs
    (before, these tests had to be skipped near midnight)."""
    with time_machine.travel(today_at(10), tick=True):
        yield


@pytest.fixture
def office(town):
    """(location, [Schalter 1, Schalter 2], ausweis, kfz) open Mon–Fri 08–12."""
    return make_office(town, counters=2, name="Bürgerbüro Rathaus")


@pytest.fixture
def live_office(town, office_hours):
    """An office open all day today, with one confirmed appointment due now."""
    location, counters, ausweis, kfz = make_office(town, counters=2, name="Bürgerbüro Markt")
    now = local_now()
    today = now.date()
    open_all_day(location, today)
    day_start = datetime.combine(today, time(0), tzinfo=BERLIN)
    start = max(day_start, (now - timedelta(minutes=5)).replace(second=0, microsecond=0))
    appointment = make_appointment(
        location, counters[0], start, ausweis, name="Paula Beispiel", email="paula@example.org"
    )
    return location, counters, ausweis, kfz, appointment


@pytest.fixture
def clerk(make_user, town):
    return make_user(Role.CLERK, municipality=town)
