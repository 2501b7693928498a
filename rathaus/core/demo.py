"""Demo region with the town "Musterstadt": idempotent, deterministic (seeded) master data."""

from __future__ import annotations

import base64
import random
from datetime import date, timedelta
from decimal import Decimal

import holidays
from django.db import transaction
from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.models import (
    Employee,
    KitPool,
    KitStockChange,
    Location,
    Municipality,
    OrgUnit,
    Qualification,
    Region,
    Role,
    Room,
    User,
)
from rathaus.core.twofactor.selectors import second_factor_required
from rathaus.core.twofactor.services import second_factor_demo

DEMO_PASSWORD = "rathaus-demo"
# The one TOTP secret of every privileged demo login (README, docs/core.md): add it to an
# authenticator app to sign in as wahlamt, admin, regionadmin … Set by load_demo only.
DEMO_TOTP_SECRET = "RATHAUSDEMOZWEITERFAKTORGEHEIM23"

FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Kira",
    "Lukas",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Rosa",
    "Samir",
    "Tina",
    "Umut",
    "Vera",
    "Willi",
    "Yusuf",
    "Zoe",
    "Lea",
    "Tim",
    "Nele",
    "Finn",
    "Aylin",
    "Jan",
]
LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
    "Krüger",
    "Hartmann",
    "Lange",
    "Yilmaz",
    "Kaya",
    "Nowak",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Maier",
]

# (code, name, kind, parent code, staff)
ORG_UNITS = [
    ("VV", "Verwaltungsvorstand", "department", None, 4),
    ("FB1", "Fachbereich 1 – Zentrale Dienste", "department", None, 0),
    ("10", "Haupt- und Personalamt", "office", "FB1", 18),
    ("20", "Kämmerei", "office", "FB1", 16),
    ("33", "Bürgerbüro", "office", "FB1", 14),
    ("32", "Ordnungsamt", "office", "FB1", 20),
    ("FB2", "Fachbereich 2 – Bürger und Soziales", "department", None, 0),
    ("50", "Sozialamt", "office", "FB2", 24),
    ("51", "Jugendamt", "office", "FB2", 26),
    ("FB3", "Fachbereich 3 – Planen und Bauen", "department", None, 0),
    ("61", "Stadtplanung", "office", "FB3", 22),
    ("63", "Bauordnung", "office", "FB3", 18),
    ("66", "Tiefbau", "office", "FB3", 20),
    ("12", "IT und Digitalisierung", "office", "FB1", 16),
]

DEMO_USERS = [
    ("mitarbeiterin", [Role.EMPLOYEE], "Beschäftigte"),
    ("teamleitung", [Role.EMPLOYEE, Role.TEAM_LEAD], "Teamleitung"),
    ("planung", [Role.EMPLOYEE, Role.PLANNER], "Personalplanung"),
    ("buergerbuero", [Role.EMPLOYEE, Role.CLERK], "Sachbearbeitung Bürgerbüro"),
    ("wahlamt", [Role.EMPLOYEE, Role.ELECTION_OFFICER], "Wahlamt (Erfassung)"),
    ("wahlamt2", [Role.EMPLOYEE, Role.ELECTION_OFFICER], "Wahlamt (Freigabe)"),
    ("buergermeisterin", [Role.LEADERSHIP], "Verwaltungsleitung"),
    ("admin", [Role.MUNICIPALITY_ADMIN], "Administration Kommune"),
    ("kaemmerer", [Role.LEADERSHIP], "Kämmerer (Verwaltungsleitung)"),
    ("projektleitung", [Role.PROJECT_OWNER], "Projektleitung Stadtplanung"),
    ("fachbereichsleitung", [Role.DEPARTMENT_HEAD], "Fachbereichsleitung Planen und Bauen"),
    ("ratsmitglied", [Role.COUNCIL_MEMBER], "Ratsmitglied (liest Öffentliches)"),
]


def _user(username: str, roles, municipality=None, region=None) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "municipality": municipality,
            "region": region,
            "roles": [str(r) for r in roles],
            "email": f"{username}@musterstadt.example",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _towns() -> tuple[Region, Municipality]:
    """The demo region with Musterstadt and two neighbours (each with one office)."""
    region, _ = Region.objects.get_or_create(
        slug="musterland", defaults={"name": "Kreis Musterland"}
    )
    town, _ = Municipality.objects.get_or_create(
        slug="musterstadt",
        defaults={
            "region": region,
            "name": "Musterstadt",
            "ags": "05999001",
            "federal_state": "NW",
        },
    )
    for slug, name, ags in (
        ("beispielhausen", "Beispielhausen", "05999002"),
        ("nachbardorf", "Nachbardorf", "05999003"),
    ):
        other, _ = Municipality.objects.get_or_create(
            slug=slug, defaults={"region": region, "name": name, "ags": ags, "federal_state": "NW"}
        )
        OrgUnit.objects.get_or_create(
            municipality=other, code="10", defaults={"name": "Hauptamt", "kind": "office"}
        )
    return region, town


def _org_units(town: Municipality) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent, _staff in ORG_UNITS:
        units[code] = OrgUnit.objects.create(
            municipality=town,
            code=code,
            name=name,
            kind=kind,
            parent=units.get(parent) if parent else None,
        )
    return units


def _town_hall(town: Municipality) -> Location:
    """The two locations; the town hall (returned) holds the offices."""
    town_hall = Location.objects.create(
        municipality=town,
        name="Rathaus",
        street="Marktplatz 1",
        postal_code="59999",
        city="Musterstadt",
    )
    Location.objects.create(
        municipality=town,
        name="Technisches Rathaus",
        street="Bahnhofstraße 12",
        postal_code="59999",
        city="Musterstadt",
    )
    return town_hall


def _rooms(
    town: Municipality, town_hall: Location, units: dict[str, OrgUnit], rng: random.Random
) -> dict[str, list[Room]]:
    """~90 shared offices of 1–3 people on four floors of the town hall, handed out to the
    units until each has seats for about 55 % of its staff; returns the rooms per unit."""
    rooms = []
    for i in range(90):
        floor = i // 23
        seats = rng.choice([1, 2, 2, 2, 3, 3])
        rooms.append(
            Room(
                municipality=town,
                location=town_hall,
                number=f"{floor}.{i % 23 + 1:02d}",
                floor=floor,
                capacity_normal=seats,
                capacity_pandemic=1,
            )
        )
    Room.objects.bulk_create(rooms)
    rooms = list(Room.objects.filter(municipality=town).order_by("number"))
    unit_rooms: dict[str, list[Room]] = {}
    room_iter = iter(rooms)
    for code, _name, _kind, _parent, staff in ORG_UNITS:
        need = 0
        unit_rooms[code] = []
        while need < staff * 0.55 and staff:
            room = next(room_iter, None)
            if room is None:
                break
            room.org_unit = units[code]
            room.save(update_fields=["org_unit"])
            unit_rooms[code].append(room)
            need += room.capacity_normal
    return unit_rooms


def _job_role(clerk: bool, social: bool, first: bool) -> str:
    if clerk:
        return "clerk"
    if social:
        return "social_worker"
    return "lead" if first else "general"


def _employees(
    town: Municipality,
    units: dict[str, OrgUnit],
    unit_rooms: dict[str, list[Room]],
    rng: random.Random,
) -> None:
    """The staff of every unit; the first twelve of the citizen office (33) are clerks."""
    counter = Qualification.objects.create(municipality=town, code="kfz", name="Kfz-Zulassung")
    passports = Qualification.objects.create(
        municipality=town, code="pass", name="Pass- und Ausweiswesen"
    )
    registry = Qualification.objects.create(municipality=town, code="melde", name="Meldewesen")
    number = 1000
    for code, _name, _kind, _parent, staff in ORG_UNITS:
        taken: set[tuple[str, str]] = set()
        for k in range(staff):
            number += 1
            clerk = code == "33" and k < 12
            social = code in ("50", "51") and k % 3 == 0
            first, last = unique_name(rng, taken)
            employee = Employee.objects.create(
                municipality=town,
                personnel_number=f"P{number}",
                first_name=first,
                last_name=last,
                email=f"p{number}@musterstadt.example",
                org_unit=units[code],
                working_time_share=rng.choice(
                    [Decimal("1.00")] * 4 + [Decimal("0.50"), Decimal("0.75")]
                ),
                job_role=_job_role(clerk, social, k == 0),
                equipment_need="none" if clerk else "phone_only" if social else "full_kit",
                home_room=unit_rooms[code][k % len(unit_rooms[code])] if unit_rooms[code] else None,
            )
            if clerk:
                employee.qualifications.set(
                    [passports, registry] + ([counter] if k % 2 == 0 else [])
                )


def unique_name(rng: random.Random, taken: set[tuple[str, str]]) -> tuple[str, str]:
    """A first and last name not yet used in the unit (``taken`` is updated)."""
    while True:
        name = (rng.choice(FIRST), rng.choice(LAST))
        if name not in taken:
            taken.add(name)
            return name


def _kit_pool(town: Municipality, now) -> None:
    pool = KitPool.objects.create(municipality=town, name="Homeoffice-Arbeitsplätze")
    today = timezone.localdate(now)
    KitStockChange.objects.create(
        pool=pool, valid_from=today - timedelta(days=365), delta=60, note="Erstausstattung"
    )
    KitStockChange.objects.create(
        pool=pool, valid_from=today + timedelta(days=21), delta=20, note="Lieferung"
    )


# Who each demo login is: first and last name, and the unit whose staff member it is (None: a
# login without a staff record). The names are not in FIRST × LAST, so they stay unique.
PERSONS = {
    "mitarbeiterin": ("Sabine", "Ostermann", "10"),
    "teamleitung": ("Thomas", "Lindemann", "10"),
    "planung": ("Petra", "Engelke", "10"),
    "buergerbuero": ("Aylin", "Demir", "33"),
    "wahlamt": ("Markus", "Heuer", "10"),
    "wahlamt2": ("Ines", "Brockmann", "10"),
    "buergermeisterin": ("Katrin", "Albrecht", "VV"),
    "admin": ("Oliver", "Adam", None),
    "kaemmerer": ("Karl", "Kasse", "20"),
    "projektleitung": ("Petra", "Plan", "61"),
    "fachbereichsleitung": ("Frank", "Bau", "FB3"),
    "ratsmitglied": ("Gisela", "Ortmann", None),
    "regionadmin": ("Ralf", "Reinhardt", None),
    "admin-beispielhausen": ("Bernd", "Hausmann", None),
}
# the apps' own logins without a staff record of their own (names set after all loaders ran)
APP_PERSONS = {
    "gremienbuero": ("Miriam", "Sommerfeld"),
    "beteiligung": ("Lena", "Hoffstedt"),
    "moderation": ("Jonas", "Vieth"),
    "koordination": ("Claudia", "Kreismann"),
    "region-pool": ("Ulrich", "Poolmann"),
    "helferin": ("Hanna", "Helmers"),
    "pool-musterstadt": ("Birgit", "Pohlmann"),
    "pool-beispielhausen": ("Stefan", "Hausner"),
    "pool-nachbardorf": ("Anke", "Dorfmann"),
}
FEMALE_FIRST = {
    "Anna", "Clara", "Emma", "Greta", "Ida", "Kira", "Mia", "Olga", "Rosa", "Tina", "Vera",
    "Zoe", "Lea", "Nele", "Aylin",
}  # fmt: skip


def _demo_users(region: Region, town: Municipality) -> None:
    """The demo logins, named after their person; the staff member a login stands for (e.g. the
    mayor in the Verwaltungsvorstand) carries the same name as the login."""
    for username, roles, _label in DEMO_USERS:
        user = _user(username, roles, municipality=town)
        first, last, code = PERSONS[username]
        _name_user(user, first, last)
        if code is None:
            continue
        if Role.CLERK in roles:
            candidates = Employee.objects.filter(job_role="clerk")
        elif Role.TEAM_LEAD in roles or code != "10":
            candidates = Employee.objects.order_by("-job_role", "personnel_number")
        else:
            candidates = Employee.objects.exclude(job_role="lead").order_by("personnel_number")
        staff_member = candidates.filter(
            municipality=town, user__isnull=True, org_unit__code=code
        ).first()
        if staff_member is None:
            continue
        staff_member.user = user
        staff_member.first_name, staff_member.last_name = first, last
        staff_member.save(update_fields=["user", "first_name", "last_name"])
    regionadmin = _user("regionadmin", [Role.REGION_ADMIN], region=region)
    _name_user(regionadmin, *PERSONS["regionadmin"][:2])
    neighbour_admin = _user(
        "admin-beispielhausen",
        [Role.MUNICIPALITY_ADMIN],
        municipality=Municipality.objects.get(slug="beispielhausen"),
    )
    _name_user(neighbour_admin, *PERSONS["admin-beispielhausen"][:2])


def _name_user(user: User, first: str, last: str) -> None:
    if (user.first_name, user.last_name) != (first, last):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])


def demo_second_factors(town: Municipality) -> list[str]:
    """Every privileged login of the demo region gets the documented demo secret (idempotent;
    a device someone enrolled themselves stays). Returns the logins that have it now."""
    key_hex = base64.b32decode(DEMO_TOTP_SECRET).hex()
    in_region = User.objects.filter(municipality__region=town.region) | User.objects.filter(
        region=town.region
    )
    names = []
    for user in in_region.order_by("username"):
        if second_factor_required(user):
            second_factor_demo(user=user, key_hex=key_hex)
            names.append(user.username)
    return names


def name_app_logins(town: Municipality) -> None:
    """After all loaders ran: every login of the region carries its person's name — the linked
    staff member's, or the one in APP_PERSONS (whose staff record is renamed to match, so that
    e.g. "helferin" is a woman). Idempotent."""
    in_region = User.objects.filter(municipality__region=town.region) | User.objects.filter(
        region=town.region
    )
    for user in in_region.select_related("employee").order_by("username"):
        staff_member = getattr(user, "employee", None)
        person = APP_PERSONS.get(user.username)
        if person is None and staff_member is not None:
            person = (staff_member.first_name, staff_member.last_name)
        if person is None:
            continue
        _name_user(user, *person)
        if staff_member is not None and (staff_member.first_name, staff_member.last_name) != person:
            staff_member.first_name, staff_member.last_name = person
            staff_member.save(update_fields=["first_name", "last_name"])


def closed_days(town: Municipality, first: date, last: date) -> set[date]:
    """Days without appointments: public holidays of Lower Saxony and of the town's state,
    and 24 and 31 December."""
    years = list(range(first.year, last.year + 1))
    days = set(holidays.country_holidays("DE", subdiv="NI", years=years))
    if town.federal_state:
        days |= set(holidays.country_holidays("DE", subdiv=town.federal_state, years=years))
    days |= {date(y, 12, d) for y in years for d in (24, 31)}
    return days


@transaction.atomic
def load_core(now=None) -> Municipality:
    """The region, the town's master data and the core demo logins (``now``: the moment the
    demo is loaded at, default the current one)."""
    now = now_or(now)
    region, town = _towns()
    if Employee.objects.filter(municipality=town).exists():
        return town  # master data already there: loading again changes nothing
    rng = random.Random(2026)
    units = _org_units(town)
    unit_rooms = _rooms(town, _town_hall(town), units, rng)
    _employees(town, units, unit_rooms, rng)
    _kit_pool(town, now)
    _demo_users(region, town)
    return town
