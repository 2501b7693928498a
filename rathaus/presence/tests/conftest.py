"""A small town with the structure of the demo: one office unit, a Bürgerbüro with two shift
teams and early/late shifts, a social worker who needs only a phone, a tight kit pool."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from rathaus.core.models import (
    Employee,
    KitPool,
    KitStockChange,
    Location,
    OrgUnit,
    Qualification,
    Role,
    Room,
)
from rathaus.presence.models import PlanningPeriod
from rathaus.presence.services import rules, solving

# A fixed Monday far from today: tests do not depend on the calendar (no holidays in NW).
MONDAY = date(2031, 3, 3)


def build_town(town, *, with_users: bool = True, make_user=None) -> dict:
    office = OrgUnit.objects.create(municipality=town, code="10", name="Hauptamt")
    citizen = OrgUnit.objects.create(municipality=town, code="33", name="Bürgerbüro")
    social = OrgUnit.objects.create(municipality=town, code="50", name="Sozialamt")
    hall = Location.objects.create(
        municipality=town, name="Rathaus", street="Markt 1", postal_code="59999", city="Musterstadt"
    )
    rooms = [
        Room.objects.create(
            municipality=town,
            location=hall,
            number=n,
            floor=f,
            capacity_normal=c,
            capacity_pandemic=1,
            org_unit=u,
        )
        for n, f, c, u in (
            ("1.01", 1, 2, office),
            ("1.02", 1, 2, office),
            ("1.03", 1, 1, office),
            ("0.01", 0, 2, citizen),
            ("2.01", 2, 1, social),
        )
    ]
    passport = Qualification.objects.create(
        municipality=town, code="pass", name="Pass- und Ausweiswesen"
    )
    staff = []
    n = 0

    def person(unit, first, last, **kw):
        nonlocal n
        n += 1
        e = Employee.objects.create(
            municipality=town,
            org_unit=unit,
            personnel_number=f"T{n:03d}",
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@example.org",
            **kw,
        )
        staff.append(e)
        return e

    office_staff = [
        person(office, first, last, home_room=rooms[i % 3])
        for i, (first, last) in enumerate(
            (
                ("Anna", "Albers"),
                ("Ben", "Brandt"),
                ("Clara", "Claus"),
                ("David", "Dorn"),
                ("Emma", "Ernst"),
            )
        )
    ]
    office_staff.append(
        person(office, "Felix", "Fuchs", working_time_share=Decimal("0.60"), home_room=rooms[2])
    )
    clerks = [
        person(citizen, first, last, job_role="clerk", equipment_need="none", home_room=rooms[3])
        for first, last in (
            ("Greta", "Groß"),
            ("Hakan", "Hahn"),
            ("Ida", "Iske"),
            ("Jonas", "Jung"),
        )
    ]
    for c in clerks[:2] + clerks[2:3]:
        c.qualifications.add(passport)
    worker = person(
        social,
        "Katrin",
        "Krause",
        job_role="social_worker",
        equipment_need="phone_only",
        home_room=rooms[4],
    )
    pool = KitPool.objects.create(municipality=town, name="Homeoffice-Sets")
    KitStockChange.objects.create(pool=pool, valid_from=MONDAY - timedelta(days=100), delta=3)
    KitStockChange.objects.create(pool=pool, valid_from=MONDAY + timedelta(days=7), delta=1)
    users = {}
    if with_users and make_user is not None:
        users["planner"] = make_user(
            Role.EMPLOYEE, Role.PLANNER, municipality=town, username=f"planer-{town.slug}"
        )
        users["employee"] = make_user(
            Role.EMPLOYEE, municipality=town, username=f"anna-{town.slug}"
        )
        office_staff[0].user = users["employee"]
        office_staff[0].save(update_fields=["user"])
    return {
        "office": office,
        "citizen": citizen,
        "social": social,
        "hall": hall,
        "rooms": rooms,
        "passport": passport,
        "office_staff": office_staff,
        "clerks": clerks,
        "worker": worker,
        "pool": pool,
        "staff": staff,
        "users": users,
    }


def add_rules(period: PlanningPeriod, world: dict) -> None:
    """Early and late shifts with coverage (one with the passport qualification), two shift
    teams, a team day, written through the rules service like the planner's page does."""

    def add(kind: str, **data):
        return rules.rule_create(actor=None, period=period, kind=kind, data=data)

    early, late = (
        add(
            "shift",
            code=code,
            name=name,
            start_time=start,
            end_time=end,
            location=world["hall"],
        )
        for code, name, start, end in (
            ("F", "Frühschicht", time(7, 0), time(12, 30)),
            ("S", "Spätschicht", time(13, 0), time(18, 30)),
        )
    )
    for wd in range(5):
        add("coverage", shift_type=early, weekday=wd, required=1, qualification=None)
        add("coverage", shift_type=late, weekday=wd, required=1, qualification=None)
        add("coverage", shift_type=early, weekday=wd, required=1, qualification=world["passport"])
    a = add("cohort", name="Schichtteam A", members=world["clerks"][0::2])
    b = add("cohort", name="Schichtteam B", members=world["clerks"][1::2])
    add("teamday", org_unit=world["office"], weekday=1, weight=1)
    world["early"], world["late"], world["cohorts"] = early, late, (a, b)


def make_period(town, world: dict, *, weeks: int = 2, rules: bool = True, **kw) -> PlanningPeriod:
    defaults = {
        "name": "Testplan",
        "start": MONDAY,
        "weeks": weeks,
        "min_onsite_per_week": 2,
        "max_onsite_per_week": 5,
        "cohort_separation": "shift",
        "time_limit_seconds": 20,
    }
    defaults.update(kw)
    period = PlanningPeriod.objects.create(municipality=town, **defaults)
    period.org_units.set([world["office"], world["citizen"], world["social"]])
    if rules:
        add_rules(period, world)
    return period


@pytest.fixture
def world(town, make_user):
    return build_town(town, make_user=make_user)


@pytest.fixture
def period(town, world):
    return make_period(town, world)


@pytest.fixture
def solved(period, world):
    job = solving.job_start(actor=world["users"]["planner"], period=period)
    job.refresh_from_db()
    assert job.status == "done", job.message
    period.refresh_from_db()
    assert period.status == "solved"
    return period
