"""Test helpers: a small citizen office with counters, services and opening hours."""

from __future__ import annotations

import base64
import json
from datetime import datetime, time
from zoneinfo import ZoneInfo

import altcha

from rathaus.appointments import proof_of_work
from rathaus.appointments.models import BookingPolicy, Counter, OpeningHours, Service
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
