"""Rows of the steering app in a municipality, for the URL-walking tenancy test."""

from rathaus.core.tests.factories import UserFactory
from rathaus.steering.models import (
    BudgetLine,
    CaseComment,
    IndicatorValue,
    Programme,
    SteeringCase,
)
from rathaus.steering.services.cases import case_open
from rathaus.steering.tests.conftest import build_world


def _make_user(*roles, municipality=None, username=None, **kw):
    return UserFactory(roles=[str(r) for r in roles], municipality=municipality, username=username)


def create(municipality, marker: str) -> dict[str, list]:
    world = build_world(municipality, _make_user)
    # Everything private, so that even the public page has nothing of it to show.
    for key in ("project", "indicator"):
        row = world[key]
        row.public = False
        row.save(update_fields=["public"])
    world["field"].public = False
    world["field"].save(update_fields=["public"])
    programme = Programme.objects.create(
        municipality=municipality, plan=world["plan"], title=f"Programm {marker}", public=False
    )
    world["project"].title = f"Projekt {marker}"
    world["project"].programme = programme
    world["project"].save(update_fields=["title", "programme"])
    world["indicator"].name = f"Kennzahl {marker}"
    world["indicator"].analysis = {"explanation": marker, "spark": [1, 2, 3]}
    world["indicator"].save(update_fields=["name", "analysis"])
    case, _new = case_open(
        kind="project",
        trigger=f"sample:{marker}",
        title=f"Fall {marker}",
        explanation=marker,
        assigned_unit=world["planning"],
        project=world["project"],
    )
    CaseComment.objects.create(municipality=municipality, case=case, text=marker, at=case.opened_at)
    pending = IndicatorValue.objects.create(
        municipality=municipality,
        indicator=world["indicator"],
        ref_date=world["months"][-1],
        version=9,
        value=1,
        published_on=world["months"][-1],
        confirmed=False,
    )
    assert SteeringCase.objects.filter(pk=case.pk).exists()
    return {
        "pk": [world["project"].pk, world["indicator"].pk, case.pk, programme.pk],
        "value_id": [pending.pk],
        "project_id": [world["project"].pk],
        "indicator_id": [world["indicator"].pk],
        "municipality": [municipality.slug],
        "milestone_id": [world["late"].pk],
        "line_id": [BudgetLine.objects.get(project=world["project"]).pk],
    }
