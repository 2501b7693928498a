"""Test helpers: a small citizen office with counters, services and opening hours."""

from __future__ import annotations

import base64
import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import altcha
from django.utils import timezone

from rathaus.appointments import proof_of_work
from rathaus.appointments.models import (
    BookingPolicy,
    Counter,
    DateException,
    OpeningHours,
    Service,
)
from rathaus.appointments.selectors import availability
from rathaus.appointments.services import booking, waiting_list
from rathaus.core.tests.factories import LocationFactory

BERLIN = ZoneInfo("Europe/Berlin")
# a Monday morning without holidays around it (NW)
NOW = datetime(2027, 3, 1, 7, 0, tzinfo=BERLIN)


def at(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def make_office(town, *, counters: int = 2, name: str | None = None, **policy):
    """Location with ``counters`` counters, Mon–Fri 08:00–12:00, services 'Ausweis' (15 min)
    on every counter and 'Kfz' (30 min) on the first counter only."""
    location = LocationFactory(municipality=town, **({"name": name} if name else {}))
    ausweis = Service.objects.create(
        municipality=town,
        name=f"Personalausweis {location.pk}",
        default_duration_minutes=15,
        documents="Altes Dokument, biometrisches Foto",
        fee_note="37,00 Euro",
    )
    kfz = Service.objects.create(
        municipality=town, name=f"Kfz-Zulassung {location.pk}", default_duration_minutes=30
    )
    made = []
    for i in range(counters):
        counter = Counter.objects.create(
            municipality=town, location=location, name=f"Schalter {i + 1}", position=i
        )
        counter.services.add(ausweis)
        if i == 0:
            counter.services.add(kfz)
        made.append(counter)
    for weekday in range(5):
        OpeningHours.objects.create(
            municipality=town, location=location, weekday=weekday, start=time(8), end=time(12)
        )
    BookingPolicy.objects.create(
        municipality=town,
        location=location,
        **{"min_notice_minutes": 0, "release_delay_minutes": 30, **policy},
    )
    return location, made, ausweis, kfz


def altcha_payload() -> str:
    return proof_of_work.solve(proof_of_work.create_challenge())


def forged_altcha_payload() -> str:
    challenge = altcha.create_challenge_v1(
        algorithm="SHA-256",
        max_number=10,
        salt_length=12,
        hmac_key="falsch",
        salt="",
        number=None,
        expires=None,
        params=None,
    )
    data = challenge.to_dict()
    payload = proof_of_work.solve(data)
    raw = json.loads(base64.b64decode(payload))
    return base64.b64encode(json.dumps(raw).encode()).decode()


def confirmed(location, service, start, email, now=NOW):
    hold, token = booking.appointment_hold(
        location=location, demand={service.id: 1}, start=start, now=now
    )
    appointment, token = booking.appointment_book(
        hold_token=token, name=email.split("@")[0], email=email, now=now
    )
    booking.appointment_confirm(token=token, now=now)
    return appointment, token


def fill_day(location, service, day, now=NOW):
    """Book every free slot of a day (one counter)."""
    made = []
    while True:
        slots = availability.slots_on(location, {service.id: 1}, day, now)
        if not slots:
            return made
        made.append(
            confirmed(location, service, slots[0].start, f"fill{len(made)}@example.org", now)[0]
        )


def waiting(town, location, service, email, now=NOW, **kwargs):
    entry, token = waiting_list.waiting_list_entry_create(
        municipality=town,
        locations=[location],
        demand={service.id: 1},
        date_from=at(2, 8).date(),
        date_to=at(2, 8).date(),
        weekdays=[0, 1, 2, 3, 4],
        time_from=kwargs.get("time_from", time(8)),
        time_to=kwargs.get("time_to", time(12)),
        email=email,
        name=kwargs.get("name", email.split("@")[0].title()),
        now=now,
    )
    return entry, token


def office_open_tomorrow(town, *, counters: int = 3):
    """An office whose only bookable hours are tomorrow 08:00–12:00 (a date exception, so
    weekday and holidays do not matter): for tests on the availability index, which needs the
    real clock. Returns the location, its counters, the ID-card service and tomorrow's date."""
    location, all_counters, ausweis, _kfz = make_office(town, counters=counters)
    tomorrow = timezone.now().astimezone(BERLIN).date() + timedelta(days=1)
    DateException.objects.create(
        municipality=town,
        location=location,
        date=tomorrow,
        closed=False,
        start=time(8),
        end=time(12),
    )
    return location, all_counters, ausweis, tomorrow
