"""Demo of the regional service standards (idempotent, seeded, a few seconds).

* Citizen offices in Beispielhausen and Nachbardorf (Musterstadt's comes from the
  appointments demo), created through the appointments models;
* 90 days of appointment history in all three municipalities up to the moment of loading
  (served, no-shows, cancellations, walk-ins, check-in and call times), plus bookings
  already made for the next weeks in the two smaller towns;
* two promises agreed by the region — an ID-card appointment within 10 working days for
  80 % of bookings, and at most 15 minutes at the counter for 80 % of citizens — which all
  three municipalities joined; Beispielhausen's counters are fully booked, so it misses the
  ID-card promise (and gets a remedy hint);
* a lead-time promise (next free ID-card appointment within 10 working days), its history
  estimated from the bookings as on a town's first day (``services.backfill``);
* the figures measured from that history and today's open-data publication;
* the 115 line's promise (75 % of calls answered within 30 seconds), which Musterstadt
  joined: its daily figures were entered by ``admin`` and confirmed by
  ``buergermeisterin`` (four eyes); yesterday's figure still waits for the confirmation;
* the login ``koordination`` (region coordinator of the service standards).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    BookingPolicy,
    Counter,
    OpeningHours,
    Service,
    hash_token,
    new_token,
)
from rathaus.core.clock import now_or
from rathaus.core.demo import DEMO_PASSWORD, closed_days
from rathaus.core.models import Location, Municipality, Role, User
from rathaus.standards.models import (
    Metric,
    MunicipalityProfile,
    Promise,
    PromiseMembership,
    RegionSettings,
)
from rathaus.standards.services.backfill import region_backfill
from rathaus.standards.services.manual import EntryData, entry_confirm, entry_create
from rathaus.standards.services.measure import figures_compute, working_day_index
from rathaus.standards.services.publication import publication_build
from rathaus.standards.sources import tz_of

HISTORY_DAYS = 90
ID_CARD = "99102005017000"
S = Appointment.Status

# slug: (population, counters, fill share of the slots, lead in working days (min, max),
#        mean waiting minutes, walk-ins per day, future booking days)
TOWNS = {
    "musterstadt": (48_200, 6, 0.55, (1, 9), 6.0, 6, 0),
    "beispielhausen": (31_400, 3, 0.93, (6, 22), 5.0, 2, 20),
    "nachbardorf": (8_900, 2, 0.45, (0, 7), 7.5, 1, 20),
}
PLAN = {
    0: [(time(8), time(12)), (time(13), time(16))],
    1: [(time(8), time(12)), (time(13), time(16))],
    2: [(time(8), time(12))],
    3: [(time(8), time(12)), (time(14), time(18))],
    4: [(time(8), time(12))],
}
WEIGHTS = [4, 2, 3]
SERVICES = [
    ("Personalausweis beantragen", 15, ID_CARD),
    ("Reisepass beantragen", 20, "99102009000000"),
    ("Anmeldung Wohnsitz", 10, "99115001000000"),
]


def _office(town: Municipality, counters: int) -> tuple[Location, list[Counter], list[Service]]:
    """Bürgerbüro of a town without one (Musterstadt's comes from the appointments demo)."""
    existing = list(Counter.objects.filter(municipality=town, location__name="Rathaus"))
    if existing:
        location = existing[0].location
        names = [name for name, _m, _k in SERVICES]
        services = sorted(
            Service.objects.filter(municipality=town, name__in=names),
            key=lambda s: names.index(s.name),
        )
        return location, sorted(existing, key=lambda c: c.position), services
    location, _ = Location.objects.get_or_create(
        municipality=town,
        name="Rathaus",
        defaults={"street": "Marktplatz 1", "postal_code": "59998", "city": town.name},
    )
    services = [
        Service.objects.get_or_create(
            municipality=town,
            name=name,
            defaults={"default_duration_minutes": minutes, "leika_key": key, "position": i},
        )[0]
        for i, (name, minutes, key) in enumerate(SERVICES)
    ]
    made = []
    for i in range(1, counters + 1):
        counter = Counter.objects.create(
            municipality=town, location=location, name=f"Schalter {i}", position=i
        )
        counter.services.set(services)
        made.append(counter)
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(municipality=town, location=location, weekday=wd, start=a, end=b)
            for wd, intervals in PLAN.items()
            for a, b in intervals
        ]
    )
    BookingPolicy.objects.get_or_create(municipality=town, location=location)
    return location, made, services


def _hours(town: Municipality, location: Location, day: date) -> list[tuple[time, time]]:
    rows = OpeningHours.objects.filter(
        location=location, counter__isnull=True, weekday=day.weekday()
    )
    return sorted((h.start, h.end) for h in rows)


class _History:
    """Appointment rows of one town, built in memory and written with bulk_create."""

    def __init__(self, town, location, counters, services, spec, now, rng):
        self.town, self.location, self.counters, self.services = town, location, counters, services
        (_pop, _n, self.fill, self.lead, self.wait, self.walk_ins, self.future) = spec
        self.now, self.rng, self.tz = now, rng, tz_of(town)
        self.rows: list[Appointment] = []
        self.items: list[Service] = []
        today = now.astimezone(self.tz).date()
        self.index = working_day_index(
            town.federal_state,
            today - timedelta(days=HISTORY_DAYS + 60),
            today + timedelta(days=40),
        )
        # no appointments on Lower Saxony's holidays and on 24 and 31 December either
        self.closed = closed_days(town, min(self.index), max(self.index))
        previous = 0
        self.working: dict[date, int] = {}  # working day -> its position
        self.by_position: list[date] = []
        for d in sorted(self.index):
            if self.index[d] > previous:
                self.working[d] = len(self.by_position)
                self.by_position.append(d)
            previous = self.index[d]

    def _booked_at(self, day: date) -> datetime | None:
        lead = self.rng.randint(*self.lead)
        pos = self.working.get(day)
        if pos is None or pos - lead < 0:
            return None
        booked = self.by_position[pos - lead]
        moment = datetime.combine(booked, time(7), tzinfo=self.tz) + timedelta(
            minutes=self.rng.randint(0, 14 * 60)
        )
        # a booking lies in the past; a slot that would need a future booking stays free
        return moment if moment < self.now else None

    def _appointment(self, counter, start, service, booked_at) -> None:
        end = start + timedelta(minutes=service.default_duration_minutes)
        a = Appointment(
            municipality=self.town,
            location=self.location,
            counter=counter,
            start=start,
            end=end,
            source=Appointment.Source.ONLINE,
            token_hash=hash_token(new_token()),
            created=booked_at,
            booked_at=booked_at,
            confirmed_at=booked_at + timedelta(minutes=3),
            anonymized_at=None,
        )
        self._outcome(a)
        self.rows.append(a)
        self.items.append(service)

    def _outcome(self, a: Appointment) -> None:
        if a.start >= self.now:
            a.status = S.CONFIRMED
            return
        roll = self.rng.random()
        if roll < 0.05:
            a.status, a.cancelled_at = S.CANCELLED, a.start - timedelta(days=1)
            a.counter = None  # a cancelled slot no longer occupies the counter
        elif roll < 0.13:
            a.status, a.no_show_at = S.NO_SHOW, a.start + timedelta(minutes=10)
        else:
            self._served(a)

    def _served(self, a: Appointment) -> None:
        checked_in = a.start - timedelta(minutes=self.rng.randint(0, 8))
        called = checked_in + timedelta(minutes=min(90.0, self.rng.expovariate(1 / self.wait)))
        if called > self.now:
            a.status, a.checked_in_at = S.CHECKED_IN, checked_in
            return
        a.status, a.checked_in_at, a.called_at = S.CALLED, checked_in, called
        a.called_counter = a.counter
        served = called + (a.end - a.start)
        if served <= self.now:  # else still at the counter
            a.status, a.served_at = S.SERVED, served

    def _walk_ins(self, day: date, opening: list[tuple[time, time]]) -> None:
        for _ in range(self.walk_ins):
            a_start, a_end = self.rng.choice(opening)
            minutes = (a_end.hour - a_start.hour) * 60 - 20
            start = datetime.combine(day, a_start, tzinfo=self.tz) + timedelta(
                minutes=self.rng.randint(0, max(0, minutes))
            )
            if start >= self.now:
                continue
            a = Appointment(
                municipality=self.town,
                location=self.location,
                counter=None,
                start=start,
                end=start + timedelta(minutes=10),
                source=Appointment.Source.WALK_IN,
                token_hash=hash_token(new_token()),
                ticket_number=f"W{len(self.rows) % 1000:03d}",
                created=start,
            )
            self._served(a)
            self.rows.append(a)
            self.items.append(self.services[-1])

    def day(self, day: date) -> None:
        opening = _hours(self.town, self.location, day)
        if not opening or day not in self.working or day in self.closed:
            return
        for counter in self.counters:
            for a, b in opening:
                cursor = datetime.combine(day, a, tzinfo=self.tz)
                close = datetime.combine(day, b, tzinfo=self.tz)
                while cursor < close:
                    service = self.rng.choices(
                        self.services, weights=WEIGHTS[: len(self.services)]
                    )[0]
                    length = timedelta(minutes=service.default_duration_minutes)
                    if cursor + length > close:
                        break
                    booked_at = self._booked_at(day) if self.rng.random() < self.fill else None
                    if booked_at is not None and booked_at < cursor:
                        self._appointment(counter, cursor, service, booked_at)
                        cursor += length
                    else:
                        cursor += timedelta(minutes=10)
        self._walk_ins(day, opening)

    def save(self) -> None:
        Appointment.objects.bulk_create(self.rows, batch_size=1000)
        AppointmentItem.objects.bulk_create(
            [
                AppointmentItem(appointment=a, service=s)
                for a, s in zip(self.rows, self.items, strict=True)
            ],
            batch_size=1000,
        )


PROMISE_SPECS = [
    {
        "code": "personalausweis-10-arbeitstage",
        "title": "Personalausweis: Termin innerhalb von 10 Arbeitstagen",
        "leika_key": ID_CARD,
        "metric": Metric.APPOINTMENT_WITHIN,
        "threshold": 10,
        "target_percent": Decimal("80.0"),
        "min_cases": 30,
        "definition": (
            "Anteil der Buchungen für „Personalausweis beantragen“ (online, durch das "
            "Bürgerbüro oder den Terminagenten), deren Termin höchstens 10 Arbeitstage "
            "nach dem Buchungstag liegt. Arbeitstage: Montag bis Freitag ohne gesetzliche "
            "Feiertage des Landes. Gezählt nach dem Tag der Buchung."
        ),
    },
    {
        "code": "wartezeit-15-minuten",
        "title": "Wartezeit vor Ort höchstens 15 Minuten",
        "leika_key": "",
        "metric": Metric.COUNTER_WAIT,
        "threshold": 15,
        "target_percent": Decimal("80.0"),
        "min_cases": 50,
        "definition": (
            "Anteil der Bürgerinnen und Bürger, die höchstens 15 Minuten nach der "
            "Anmeldung vor Ort an einen Schalter aufgerufen werden (mit Termin und mit "
            "Wartemarke). Gezählt nach dem Tag der Anmeldung."
        ),
    },
    {
        "code": "vorlauf-personalausweis-10",
        "title": "Personalausweis: nächster freier Termin in höchstens 10 Arbeitstagen",
        "leika_key": ID_CARD,
        "metric": Metric.LEAD_TIME,
        "threshold": 10,
        "target_percent": Decimal("80.0"),
        "min_cases": 15,
        "definition": (
            "Anteil der Tage, an denen der nächste freie Termin für „Personalausweis "
            "beantragen“ höchstens 10 Arbeitstage entfernt lag (tägliche Messung je "
            "Standort; vor der ersten Messung aus den Buchungen des Tages geschätzt)."
        ),
    },
]


def _promises(region, coordinator, today: date) -> list[Promise]:
    agreed = today - timedelta(days=120)
    promises = []
    for spec in PROMISE_SPECS:
        promise, _ = Promise.objects.get_or_create(
            region=region,
            code=spec["code"],
            defaults={
                **spec,
                "agreed_by": "Konferenz der Hauptverwaltungsbeamten der Region",
                "agreed_on": agreed,
                "created_by": coordinator,
            },
        )
        promises.append(promise)
    return promises


def _coordinator(region) -> User:
    user, created = User.objects.get_or_create(
        username="koordination",
        defaults={
            "region": region,
            "roles": [Role.REGION_COORDINATOR.value],
            "email": "koordination@musterland.example",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


LINE_115_DAYS = 60


def _line115(region, coordinator, town: Municipality, today: date, now, rng) -> None:
    """Four eyes in the demo: ``admin`` enters the 115 figures, ``buergermeisterin``
    confirms them; the newest one waits."""
    enterer = User.objects.filter(username="admin", municipality=town).first()
    second = User.objects.filter(username="buergermeisterin", municipality=town).first()
    if enterer is None or second is None:
        return
    promise, _ = Promise.objects.get_or_create(
        region=region,
        code="115-30-sekunden",
        defaults={
            "title": "115: 75 % der Anrufe innerhalb von 30 Sekunden angenommen",
            "metric": Metric.CALLS_30S,
            "threshold": 30,
            "target_percent": Decimal("75.0"),
            "min_cases": 200,
            "definition": (
                "Anteil der Anrufe beim 115-Servicecenter, die innerhalb von 30 Sekunden "
                "angenommen werden (Auswertung der Telefonanlage, von Hand erfasst und von "
                "einer zweiten Person bestätigt)."
            ),
            "agreed_by": "Verbund 115 der Region",
            "agreed_on": today - timedelta(days=120),
            "created_by": coordinator,
        },
    )
    PromiseMembership.objects.get_or_create(
        promise=promise,
        municipality=town,
        defaults={"joined_on": today - timedelta(days=100), "recorded_by": coordinator},
    )
    days = [today - timedelta(days=n) for n in range(LINE_115_DAYS, 0, -1)]
    for day in [d for d in days if d.weekday() < 5]:
        calls = rng.randint(160, 260)
        answered = round(calls * rng.uniform(0.70, 0.86))
        data = EntryData(promise, town, None, day, calls, answered, "Telefonanlage, Tagesbericht")
        entry = entry_create(actor=enterer, data=data, now=now)
        if day != max(d for d in days if d.weekday() < 5):
            entry_confirm(actor=second, entry_id=entry.pk, now=now)


@transaction.atomic
def load(town: Municipality, now=None) -> None:
    region = town.region
    if Promise.objects.filter(region=region).exists():
        return  # loaded before: a second run changes nothing
    now = now_or(now)
    rng = random.Random(1616)
    coordinator = _coordinator(region)
    today = now.astimezone(tz_of(town)).date()
    promises = _promises(region, coordinator, today)
    RegionSettings.objects.get_or_create(region=region, defaults={"named_comparison": True})
    for slug, spec in TOWNS.items():
        municipality = Municipality.objects.filter(region=region, slug=slug).first()
        if municipality is None:
            continue
        MunicipalityProfile.objects.get_or_create(
            municipality=municipality,
            defaults={"population": spec[0], "population_date": date(today.year - 1, 12, 31)},
        )
        location, counters, services = _office(municipality, spec[1])
        history = _History(municipality, location, counters, services, spec, now, rng)
        for offset in range(-HISTORY_DAYS, spec[6] + 1):
            history.day(today + timedelta(days=offset))
        history.save()
        for promise in promises:
            PromiseMembership.objects.get_or_create(
                promise=promise,
                municipality=municipality,
                defaults={
                    "joined_on": promise.agreed_on + timedelta(days=14),
                    "recorded_by": coordinator,
                },
            )
    _line115(region, coordinator, town, today, now, rng)
    region_backfill(region=region, now=now)  # lead-time history before the first daily job
    figures_compute(
        region=region, date_from=today - timedelta(days=HISTORY_DAYS), date_to=today, now=now
    )
    publication_build(region=region, now=now)
