"""A small region with appointment rows whose figures are known by construction."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays

from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    Counter,
    Service,
    hash_token,
    new_token,
)
from rathaus.core.models import Location
from rathaus.standards.models import Metric, MunicipalityProfile, Promise, PromiseMembership

BERLIN = ZoneInfo("Europe/Berlin")
ID_CARD = "99102005017000"
S = Appointment.Status


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def office(municipality, name="Bürgerbüro"):
    location = Location.objects.create(
        municipality=municipality, name=name, street="Markt 1", postal_code="59999", city="X"
    )
    service = Service.objects.create(
        municipality=municipality, name="Personalausweis", leika_key=ID_CARD
    )
    other = Service.objects.create(
        municipality=municipality, name="Anmeldung", leika_key="99115001000000"
    )
    counter = Counter.objects.create(municipality=municipality, location=location, name="S1")
    counter.services.set([service, other])
    return location, counter, service, other


def appointment(
    municipality,
    location,
    counter,
    service,
    *,
    start,
    booked,
    status=S.SERVED,
    wait=None,
    source=Appointment.Source.ONLINE,
):
    a = Appointment.objects.create(
        municipality=municipality,
        location=location,
        counter=counter if source != Appointment.Source.WALK_IN else None,
        start=start,
        end=start + timedelta(minutes=10),
        status=status,
        source=source,
        token_hash=hash_token(new_token()),
        created=booked or start,
        booked_at=booked,
        checked_in_at=start - timedelta(minutes=2) if wait is not None else None,
        called_at=start - timedelta(minutes=2) + timedelta(minutes=wait)
        if wait is not None
        else None,
    )
    AppointmentItem.objects.create(appointment=a, service=service)
    return a


def promises(region):
    within = Promise.objects.create(
        region=region,
        code="ausweis-10",
        title="Ausweis in 10 Arbeitstagen",
        leika_key=ID_CARD,
        metric=Metric.APPOINTMENT_WITHIN,
        threshold=10,
        target_percent=Decimal("80"),
        min_cases=5,
        definition="Anteil der Buchungen mit Termin in höchstens 10 Arbeitstagen.",
        agreed_by="Konferenz",
        agreed_on=date(2026, 1, 1),
    )
    wait = Promise.objects.create(
        region=region,
        code="warten-15",
        title="Warten höchstens 15 Minuten",
        metric=Metric.COUNTER_WAIT,
        threshold=15,
        target_percent=Decimal("80"),
        min_cases=5,
        definition="Anteil der Aufrufe höchstens 15 Minuten nach der Anmeldung.",
        agreed_by="Konferenz",
        agreed_on=date(2026, 1, 1),
    )
    return within, wait


def join(promise, municipality, population=20_000):
    MunicipalityProfile.objects.get_or_create(
        municipality=municipality, defaults={"population": population}
    )
    return PromiseMembership.objects.create(
        promise=promise, municipality=municipality, joined_on=date(2026, 1, 15)
    )


def working_days(first: date, later: date, state: str = "NW") -> int:
    """Independent count: Mon–Fri without public holidays, after ``first`` up to ``later``."""
    free = holidays.country_holidays("DE", subdiv=state, years=range(first.year, later.year + 1))
    count, day = 0, first
    while day < later:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in free:
            count += 1
    return count


def history(municipality, *, today: date, late_every: int = 0, name: str = "Bürgerbüro"):
    """Weekdays of the 12 days before ``today`` with 3 appointments each (2 ID cards, one
    registration). Every ``late_every``-th booking (if > 0) was made 21 calendar days ahead,
    the others 3; every 4th citizen waits 20 minutes, the others 5; every 10th is a no-show."""
    location, counter, service, other = office(municipality, name)
    rows = []
    n = 0
    for back in range(12, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for slot in range(3):
            n += 1
            late = bool(late_every) and n % late_every == 0
            booked = at(day - timedelta(days=21 if late else 3), 9)
            no_show = n % 10 == 0
            rows.append(
                appointment(
                    municipality,
                    location,
                    counter,
                    service if slot < 2 else other,
                    start=at(day, 9 + slot),
                    booked=booked,
                    wait=None if no_show else (20 if n % 4 == 0 else 5),
                    status=S.NO_SHOW if no_show else S.SERVED,
                )
            )
    return location, rows
