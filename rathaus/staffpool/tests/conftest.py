"""Two towns of one region with pool members, coordinators and helpers; a fixed calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rathaus.core.models import Employee, OrgUnit, Role
from rathaus.staffpool.models import PoolMember
from rathaus.staffpool.services import members
from rathaus.standards.models import DailyFigure, Metric, Promise, PromiseMembership

MONDAY = date(2031, 3, 3)  # far from today: the calendar never matters
NOW = datetime(2031, 2, 24, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture(autouse=True)
def _deterministic_matching(settings):
    settings.RATHAUS_STAFFPOOL_MATCH_WORK = 1.0


class Pool:
    def __init__(self, make_user, town, other_town):
        self.town, self.other = town, other_town
        self.make_user = make_user
        self.coordinator = make_user(Role.POOL_COORDINATOR, Role.EMPLOYEE, municipality=town)
        self.other_coordinator = make_user(
            Role.POOL_COORDINATOR, Role.EMPLOYEE, municipality=other_town
        )
        self.units = {
            t.pk: OrgUnit.objects.create(municipality=t, code=f"U{t.pk}", name="Hauptamt")
            for t in (town, other_town)
        }
        self.count = 0

    def member(self, town=None, *, skills=("contact_tracing",), login=False, **data):
        town = town or self.town
        self.count += 1
        user = self.make_user(Role.EMPLOYEE, Role.POOL_HELPER, municipality=town) if login else None
        employee = Employee.objects.create(
            municipality=town,
            org_unit=self.units[town.pk],
            personnel_number=f"T{self.count}",
            first_name="Vorname",
            last_name=f"Person{self.count}",
            user=user,
        )
        actor = self.coordinator if town == self.town else self.other_coordinator
        values = {
            "postcode": "59999",
            "max_travel_minutes": 60,
            "available_from": MONDAY - timedelta(weeks=4),
            "available_until": MONDAY + timedelta(weeks=30),
            "remote": True,
            "share": Decimal("1.00"),
        }
        values.update(data)
        member = members.member_create(actor=actor, employee=employee, data=values, now=NOW)
        for skill in skills:
            members.qualification_set(actor=actor, member=member, skill=skill, valid_until=None)
        return member


@pytest.fixture
def pool(make_user, town, other_town) -> Pool:
    return Pool(make_user, town, other_town)


def request_data(**kw) -> dict:
    data = {
        "title": "Kontaktnachverfolgung",
        "required_skills": ["contact_tracing"],
        "slots": 2,
        "remote": True,
        "start": MONDAY,
        "end": MONDAY + timedelta(weeks=2, days=-3),
        "hours_per_week": Decimal("39.0"),
        "cost_share": 70,
    }
    data.update(kw)
    return data


def member_user(member: PoolMember):
    return member.employee.user


def promise_with_figures(town, *, successes: int, cases: int = 200, target=90, today=NOW.date()):
    """The lender joined a promise; its figures of the last four weeks reach ``successes``
    of ``cases``."""
    promise = Promise.objects.create(
        region=town.region,
        code="termin-10",
        title="Termin in 10 Arbeitstagen",
        metric=Metric.APPOINTMENT_WITHIN,
        threshold=10,
        target_percent=Decimal(target),
        min_cases=30,
        definition="Buchungen mit Termin in höchstens 10 Arbeitstagen",
        agreed_by="Regionsversammlung",
        agreed_on=today - timedelta(days=400),
    )
    PromiseMembership.objects.create(
        municipality=town, promise=promise, joined_on=today - timedelta(days=300)
    )
    for i in range(4):
        DailyFigure.objects.create(
            municipality=town,
            promise=promise,
            location=None,
            day=today - timedelta(days=1 + 7 * i),
            cases=cases // 4,
            successes=successes // 4,
            definition_version=1,
            computed_at=NOW,
        )
    return promise
