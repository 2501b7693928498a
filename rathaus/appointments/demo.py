"""Demo data for the citizen office of Musterstadt (idempotent, seeded, fast).

Bürgerbüro in the "Rathaus" with 6 counters (Kfz-Zulassung at counters 5 and 6 only),
a small branch office in the "Technisches Rathaus", opening hours Mon–Fri (Thursday until
18:00, lunch break Monday to Wednesday) and a few hundred booked appointments in the next
weeks with fake names. The waiting-room display's secret URL is shown to clerks in the
staff day view (nothing prints it).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    BookingPolicy,
    Counter,
    OpeningHours,
    Service,
    ServiceDuration,
    hash_token,
    new_token,
)
from rathaus.core.models import Location, Municipality

SERVICES = [
    # name, minutes, LeiKa key, documents, fee
    (
        "Personalausweis beantragen",
        15,
        "99102005017000",
        "Bisheriger Ausweis, ein aktuelles biometrisches Passfoto",
        "37,00 Euro (unter 24 Jahren 22,80 Euro)",
    ),
    (
        "Reisepass beantragen",
        20,
        "99102009000000",
        "Bisheriger Pass oder Ausweis, ein aktuelles biometrisches Passfoto",
        "70,00 Euro (unter 24 Jahren 37,50 Euro)",
    ),
    (
        "Anmeldung Wohnsitz",
        10,
        "99115001000000",
        "Ausweis oder Pass, Wohnungsgeberbestätigung",
        "gebührenfrei",
    ),
    ("Führungszeugnis beantragen", 10, "99006002000000", "Ausweis oder Pass", "13,00 Euro"),
    (
        "Kfz-Zulassung",
        30,
        "99036005000000",
        "Ausweis, Zulassungsbescheinigung Teil I und II, eVB-Nummer, SEPA-Mandat für die Kfz-Steuer",
        "ab 27,00 Euro",
    ),
    ("Abholung Ausweisdokument", 5, "", "Abholschein, bisheriges Dokument", "gebührenfrei"),
]
FIRST = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas"]
LAST = ["Albers", "Brandt", "Conrad", "Dietz", "Ebert", "Franke", "Gerber", "Hahn", "Iske", "Jung"]


def _hours(town: Municipality, location: Location, plan: dict[int, list[tuple[time, time]]]):
    rows = [
        OpeningHours(municipality=town, location=location, weekday=wd, start=a, end=b)
        for wd, intervals in plan.items()
        for a, b in intervals
    ]
    OpeningHours.objects.bulk_create(rows)


TOWN_HALL_WEEK = {
    0: [(time(8), time(12)), (time(13), time(16))],
    1: [(time(8), time(12)), (time(13), time(16))],
    2: [(time(8), time(12)), (time(13), time(16))],
    3: [(time(8), time(18))],
    4: [(time(8), time(12, 30))],
}


@transaction.atomic
def load(town: Municipality) -> None:
    if Service.objects.filter(municipality=town, name=SERVICES[0][0]).exists():
        return  # loaded before: a second run changes nothing
    town_hall, technical = _locations(town)
    services = _services(town)
    counters = _counters(town, town_hall, technical, services)
    ServiceDuration.objects.create(
        municipality=town,
        service=services["Anmeldung Wohnsitz"],
        location=technical,
        duration_minutes=15,
    )
    _hours(town, town_hall, TOWN_HALL_WEEK)
    _hours(town, technical, {1: [(time(9), time(12))], 3: [(time(14), time(18))]})
    BookingPolicy.objects.create(municipality=town, location=town_hall)
    BookingPolicy.objects.create(municipality=town, location=technical, max_days_ahead=30)
    _appointments(town, town_hall, counters, list(services.values()))


def _locations(town: Municipality) -> tuple[Location, Location]:
    town_hall, _ = Location.objects.get_or_create(
        municipality=town,
        name="Rathaus",
        defaults={"street": "Marktplatz 1", "postal_code": "59999", "city": "Musterstadt"},
    )
    technical, _ = Location.objects.get_or_create(
        municipality=town,
        name="Technisches Rathaus",
        defaults={"street": "Bahnhofstraße 12", "postal_code": "59999", "city": "Musterstadt"},
    )
    return town_hall, technical


def _services(town: Municipality) -> dict[str, Service]:
    services = {}
    for position, (name, minutes, key, documents, fee) in enumerate(SERVICES):
        services[name] = Service.objects.create(
            municipality=town,
            name=name,
            default_duration_minutes=minutes,
            leika_key=key,
            documents=documents,
            fee_note=fee,
            position=position,
            max_count=1 if name == "Kfz-Zulassung" else 5,
        )
    return services


def _counters(town, town_hall, technical, services: dict[str, Service]) -> list[Counter]:
    """Schalter 1–6 in the town hall (vehicles only at 5 and 6), Platz 1–2 in the branch."""
    general = [s for n, s in services.items() if n != "Kfz-Zulassung"]
    counters = []
    for i in range(1, 7):
        counter = Counter.objects.create(
            municipality=town, location=town_hall, name=f"Schalter {i}", position=i
        )
        counter.services.set(general + ([services["Kfz-Zulassung"]] if i >= 5 else []))
        counters.append(counter)
    for i in range(1, 3):
        counter = Counter.objects.create(
            municipality=town, location=technical, name=f"Platz {i}", position=i
        )
        counter.services.set(
            [services["Anmeldung Wohnsitz"], services["Führungszeugnis beantragen"]]
        )
    return counters


def _appointments(town, town_hall, counters, service_list) -> None:
    """A few hundred appointments over the next three weeks (about 15 % of the capacity)."""
    rng = random.Random(3303)
    tz = ZoneInfo(town.time_zone or "Europe/Berlin")
    now = timezone.now()
    today = now.astimezone(tz).date()
    rows, items = [], []
    for offset in range(1, 22):
        day = today + timedelta(days=offset)
        for a, b in TOWN_HALL_WEEK.get(day.weekday(), []):
            for counter in counters:
                start = datetime.combine(day, a, tzinfo=tz)
                end_of = datetime.combine(day, b, tzinfo=tz)
                _fill_counter(
                    rng, town, town_hall, counter, service_list, start, end_of, now, rows, items
                )
    Appointment.objects.bulk_create(rows, batch_size=500)
    AppointmentItem.objects.bulk_create(
        [
            AppointmentItem(appointment=a, service=s, count=1)
            for a, s in zip(rows, items, strict=True)
        ],
        batch_size=500,
    )


def _fill_counter(rng, town, town_hall, counter, service_list, cursor, end_of, now, rows, items):
    """Walk one opening interval of a counter, booking about every seventh gap."""
    choices = [
        s
        for s in service_list
        if s.name != "Kfz-Zulassung" or counter.name in ("Schalter 5", "Schalter 6")
    ]
    while cursor < end_of:
        service = rng.choice(choices)
        length = timedelta(minutes=service.default_duration_minutes)
        if cursor + length > end_of:
            break
        if rng.random() < 0.15:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            rows.append(
                Appointment(
                    municipality=town,
                    location=town_hall,
                    counter=counter,
                    start=cursor,
                    end=cursor + length,
                    status=Appointment.Status.CONFIRMED,
                    token_hash=hash_token(new_token()),
                    citizen_name=f"{first} {last}",
                    citizen_email=f"{first.lower()}.{last.lower()}@example.org",
                    created=now - timedelta(days=rng.randint(0, 14)),
                    booked_at=now - timedelta(days=rng.randint(0, 14)),
                    confirmed_at=now,
                )
            )
            items.append(service)
            cursor += length
        else:
            cursor += timedelta(minutes=10)
