"""A small steering world: one plan, one action field and goal, a project with milestones and
a budget, a monthly indicator with a band, and users for every steering role."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rathaus.core.models import Employee, OrgUnit, Role
from rathaus.engines.indicators import add_months
from rathaus.steering.models import (
    ActionField,
    BudgetLine,
    Goal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    Project,
    StrategyPlan,
)

TODAY = date(2031, 3, 17)
NOW = timezone.make_aware(datetime(2031, 3, 17, 10, 0))


def build_world(town, make_user) -> dict:
    department = OrgUnit.objects.create(
        municipality=town, code="FB3", name="Planen und Bauen", kind="department"
    )
    planning = OrgUnit.objects.create(
        municipality=town, code="61", name="Stadtplanung", parent=department
    )
    finance = OrgUnit.objects.create(municipality=town, code="20", name="Kämmerei")
    users = {
        "mayor": make_user(Role.LEADERSHIP, municipality=town, username=f"bm-{town.slug}"),
        "owner": make_user(Role.PROJECT_OWNER, municipality=town, username=f"pl-{town.slug}"),
        "head": make_user(Role.DEPARTMENT_HEAD, municipality=town, username=f"fbl-{town.slug}"),
        "council": make_user(Role.COUNCIL_MEMBER, municipality=town, username=f"rat-{town.slug}"),
        "treasurer": make_user(Role.LEADERSHIP, municipality=town, username=f"km-{town.slug}"),
        "employee": make_user(Role.EMPLOYEE, municipality=town, username=f"ma-{town.slug}"),
    }
    for key, unit, number in (
        ("owner", planning, 1),
        ("head", department, 2),
        ("treasurer", finance, 3),
    ):
        Employee.objects.create(
            municipality=town,
            personnel_number=f"S{number}",
            first_name=key,
            last_name="Test",
            org_unit=unit,
            user=users[key],
        )
    plan = StrategyPlan.objects.create(
        municipality=town,
        title="Strategie 2030",
        term_start=date(2030, 11, 1),
        term_end=date(2035, 10, 31),
        vision="Stadt der Arbeit",
    )
    field = ActionField.objects.create(municipality=town, plan=plan, title="Neues Quartier")
    goal = Goal.objects.create(
        municipality=town, action_field=field, title="800 Wohnungen", sdgs=[11]
    )
    project = Project.objects.create(
        municipality=town,
        action_field=field,
        goal=goal,
        title="Bebauungsplan Güterbahnhof",
        owner_unit=planning,
        owner=users["owner"],
        start=date(2030, 1, 1),
        end=date(2032, 12, 31),
        status="running",
        public=True,
    )
    late = Milestone.objects.create(
        municipality=town, project=project, title="Offenlage", due=TODAY - timedelta(days=10)
    )
    later = Milestone.objects.create(
        municipality=town, project=project, title="Satzungsbeschluss", due=date(2031, 9, 30)
    )
    BudgetLine.objects.create(
        municipality=town,
        project=project,
        year=TODAY.year,
        source="own",
        planned=Decimal("100000"),
        committed=Decimal("40000"),
        actual=Decimal("30000"),
    )
    indicator = Indicator.objects.create(
        municipality=town,
        name="Angezeigte Kurzarbeit",
        unit="Personen",
        polarity="down",
        responsible_unit=finance,
        action_field=field,
        public=True,
    )
    months = [add_months(TODAY, -i) for i in range(36, 0, -1)]
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            municipality=town,
            indicator=indicator,
            ref_date=m,
            value=400.0 + (i % 5),
            published_on=add_months(m, 2),
        )
        for i, m in enumerate(months)
    )
    for year in {m.year for m in months} | {TODAY.year + 1}:
        IndicatorTarget.objects.create(
            municipality=town, indicator=indicator, year=year, target=400, lower=300, upper=500
        )
    return {
        "users": users,
        "plan": plan,
        "field": field,
        "goal": goal,
        "project": project,
        "late": late,
        "later": later,
        "indicator": indicator,
        "planning": planning,
        "finance": finance,
        "months": months,
    }


@pytest.fixture
def world(town, make_user):
    return build_world(town, make_user)


@pytest.fixture
def ba_indicators(world, town):
    town.ags = "05562016"
    town.name = "Herten"
    town.save(update_fields=["ags", "name"])
    make = Indicator.objects.create
    common = {"municipality": town, "polarity": "up", "responsible_unit": world["finance"]}
    return {
        "arbeitsort": make(name="SV-Beschäftigte am Arbeitsort", unit="Personen", **common),
        "wohnort": make(name="SV-Beschäftigte am Wohnort", unit="Personen", **common),
        "arbeitslose": make(name="Arbeitslose", unit="Personen", **common),
        "kurzarbeit": world["indicator"],  # "Angezeigte Kurzarbeit", Personen
    }


@pytest.fixture
def herten_rate(world, town):
    town.ags = "05562016"
    town.name = "Herten"
    town.save(update_fields=["ags", "name"])
    return Indicator.objects.create(
        municipality=town,
        name="Arbeitslosenquote",
        unit="%",
        polarity="down",
        responsible_unit=world["finance"],
    )
