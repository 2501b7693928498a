"""Demo data for the citizen office of Musterstadt (idempotent, seeded, fast).

Bürgerbüro in the "Rathaus" with 6 counters (Kfz-Zulassung at counters 5 and 6 only),
a small branch office in the "Technisches Rathaus", opening hours Mon–Fri (Thursday until
18:00, lunch break Monday to Wednesday). Everything is relative to the moment of loading:

* the next three weeks: booked appointments, fewer the further ahead;
* the last 90 days and today up to the moment of loading come from the standards demo
  (``rathaus/standards/demo.py``), which runs after this one on these counters.

Public holidays (Lower Saxony, ``holidays``) and 24 and 31 December get no appointments;
the town hall is closed on 24 and 31 December. The waiting-room display's secret URL is
shown to clerks in the staff day view (nothing prints it).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    BookingPolicy,
    Counter,
    DateException,
    OpeningHours,
    Service,
    ServiceDuration,
    hash_token,
    new_token,
)
from rathaus.appointments.selectors import availability
from rathaus.core.clock import now_or
from rathaus.core.demo import closed_days
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


HISTORY_DAYS = 91  # the standards demo's history reaches back 90 days
AHEAD_DAYS = 21
S = Appointment.Status


@transaction.atomic
def load(town: Municipality, now: datetime | None = None) -> None:
    if Service.objects.filter(municipality=town, name=SERVICES[0][0]).exists():
        return  # loaded before: a second run changes nothing
    now = now_or(now)
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
    _year_end_closures(town, (town_hall, technical), now)
    _appointments(town, town_hall, counters, list(services.values()), now)
    # the rows above were written around the services: a shared availability index left over
    # from an earlier database with the same location ids must not survive the load
    for location in (town_hall, technical):
        transaction.on_commit(lambda pk=location.pk: availability.forget_bookings(pk))


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


def _year_end_closures(town: Municipality, locations, now: datetime) -> None:
    """The town hall is closed on 24 and 31 December (the ones in the demo's window)."""
    today = now.astimezone(_tz(town)).date()
    for year in range(today.year - 1, today.year + 2):
        for day, reason in ((24, "Heiligabend"), (31, "Silvester")):
            closed = date(year, 12, day)
            if not -HISTORY_DAYS <= (closed - today).days <= 120:
                continue
            for location in locations:
                DateException.objects.create(
                    municipality=town,
                    location=location,
                    date=closed,
                    closed=True,
                    reason=f"{reason}: Rathaus geschlossen",
                )


def _tz(town: Municipality) -> ZoneInfo:
    return ZoneInfo(town.time_zone or "Europe/Berlin")


def _appointments(town, town_hall, counters, service_list, now: datetime) -> None:
    """Booked appointments over the next three weeks, fewer the further ahead (the past and
    today up to the moment of loading come from the standards demo's history)."""
    rng = random.Random(3303)
    tz = _tz(town)
    today = now.astimezone(tz).date()
    closed = closed_days(town, today, today + timedelta(days=AHEAD_DAYS))
    rows, items = [], []
    for offset in range(1, AHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        if day in closed:
            continue
        share = max(0.12, 0.4 - 0.02 * offset)
        for a, b in TOWN_HALL_WEEK.get(day.weekday(), []):
            for counter in counters:
                start = datetime.combine(day, a, tzinfo=tz)
                end_of = datetime.combine(day, b, tzinfo=tz)
                _fill_counter(
                    rng,
                    town,
                    town_hall,
                    counter,
                    service_list,
                    (start, end_of, share),
                    now,
                    rows,
                    items,
                )
    Appointment.objects.bulk_create(rows, batch_size=1000)
    AppointmentItem.objects.bulk_create(
        [
            AppointmentItem(appointment=a, service=s, count=1)
            for a, s in zip(rows, items, strict=True)
        ],
        batch_size=1000,
    )


def _fill_counter(rng, town, town_hall, counter, service_list, interval, now, rows, items):
    """Walk one opening interval of a counter, booking about ``share`` of its time."""
    cursor, end_of, share = interval
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
        if rng.random() < share:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            booked = now - timedelta(days=rng.randint(0, 14), minutes=rng.randint(0, 600))
            rows.append(
                Appointment(
                    municipality=town,
                    location=town_hall,
                    counter=counter,
                    start=cursor,
                    end=cursor + length,
                    status=S.CONFIRMED,
                    token_hash=hash_token(new_token()),
                    citizen_name=f"{first} {last}",
                    citizen_email=f"{first.lower()}.{last.lower()}@example.org",
                    created=booked,
                    booked_at=booked,
                    confirmed_at=booked + timedelta(minutes=rng.randint(1, 30)),
                )
            )
            items.append(service)
            cursor += length
        else:
            cursor += timedelta(minutes=10)
