"""Editing projects, milestones and budget lines: checked, audited, versioned."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from rathaus.core.models import AuditEntry, OrgUnit
from rathaus.core.problems import DomainError
from rathaus.steering import caching
from rathaus.steering.models import ActionField, MilestoneRevision, StrategyPlan
from rathaus.steering.rules import PERM_CREATE_PROJECT
from rathaus.steering.services.editing import (
    budget_line_create,
    budget_line_update,
    milestone_create,
    milestone_delete,
    milestone_update,
    project_create,
    project_update,
)
from rathaus.steering.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _data(world, **extra):
    data = {
        "title": "Glasfaser für Schulen",
        "kind": "project",
        "description": "",
        "action_field": world["field"],
        "goal": world["goal"],
        "owner_unit": world["planning"],
        "owner": world["users"]["owner"],
        "start": date(2031, 1, 1),
        "end": date(2032, 6, 30),
        "status": "planned",
        "public": False,
        "budget_threshold": 10,
    }
    data.update(extra)
    return data


def test_the_mayor_creates_a_project_and_it_is_audited(world, town):
    project = project_create(actor=world["users"]["mayor"], municipality=town, data=_data(world))
    assert project.title == "Glasfaser für Schulen" and project.municipality_id == town.pk
    assert AuditEntry.objects.filter(object_id=str(project.pk), action="create").exists()
    assert caching.versions([town.pk]) is not None


def test_an_end_before_the_start_is_refused_at_the_field(world, town):
    with pytest.raises(DomainError) as exc:
        project_create(
            actor=world["users"]["mayor"],
            municipality=town,
            data=_data(world, end=date(2030, 1, 1)),
        )
    assert exc.value.errors[0]["field"] == "end"
    assert "Ende liegt vor dem Beginn" in exc.value.message


def test_a_unit_of_another_municipality_is_refused(world, town, other_town):
    foreign = OrgUnit.objects.create(municipality=other_town, code="99", name="Fremd")
    with pytest.raises(DomainError) as exc:
        project_create(
            actor=world["users"]["mayor"], municipality=town, data=_data(world, owner_unit=foreign)
        )
    assert exc.value.errors[0]["field"] == "owner_unit"


def test_a_department_head_cannot_give_a_project_to_a_unit_outside_the_department(world, town):
    with pytest.raises(DomainError) as exc:
        project_create(
            actor=world["users"]["head"],
            municipality=town,
            data=_data(world, owner_unit=world["finance"]),
        )
    assert exc.value.code == "not_your_unit"
    project = project_create(actor=world["users"]["head"], municipality=town, data=_data(world))
    assert project.owner_unit == world["planning"]


def test_a_goal_of_another_action_field_is_refused(world, town):
    other_plan = StrategyPlan.objects.get(pk=world["plan"].pk)
    field = ActionField.objects.create(municipality=town, plan=other_plan, title="Anderes Feld")
    with pytest.raises(DomainError) as exc:
        project_update(
            actor=world["users"]["mayor"],
            project=world["project"],
            data=_data(world, action_field=field),
        )
    assert exc.value.errors[0]["field"] == "goal"


def test_the_owner_renames_the_project(world):
    project = project_update(
        actor=world["users"]["owner"],
        project=world["project"],
        data=_data(world, title="B-Plan Güterbahnhof (neu)", status="running"),
    )
    assert project.title == "B-Plan Güterbahnhof (neu)"
    entry = AuditEntry.objects.filter(object_id=str(project.pk), action="update").get()
    assert "title" in entry.changes


def test_a_new_due_date_needs_a_reason_and_is_kept_as_a_revision(world):
    late = world["late"]
    new_due = late.due + timedelta(days=30)
    with pytest.raises(DomainError) as exc:
        milestone_update(
            actor=world["users"]["owner"], milestone=late, title=late.title, due=new_due, now=NOW
        )
    assert exc.value.errors[0]["field"] == "reason"
    milestone_update(
        actor=world["users"]["owner"],
        milestone=late,
        title=late.title,
        due=new_due,
        reason="Gutachten kommt später",
        now=NOW,
    )
    revision = MilestoneRevision.objects.get(milestone=late)
    assert (revision.old_due, revision.new_due) == (late.due, new_due)
    with pytest.raises(DomainError):
        milestone_delete(actor=world["users"]["owner"], milestone=late)


def test_milestones_are_added_and_deleted(world):
    milestone = milestone_create(
        actor=world["users"]["owner"],
        project=world["project"],
        title="Bürgerinfo",
        due=date(2031, 5, 1),
    )
    milestone_delete(actor=world["users"]["owner"], milestone=milestone)
    assert not world["project"].milestones.filter(title="Bürgerinfo").exists()
    with pytest.raises(DomainError) as exc:
        milestone_create(
            actor=world["users"]["owner"], project=world["project"], title=" ", due=date(2031, 5, 1)
        )
    assert exc.value.errors[0]["field"] == "title"


def test_budget_lines_are_checked_and_a_grant_keeps_its_deadline(world):
    project = world["project"]
    data = {
        "year": 2031,
        "product": "51.10",
        "cost_centre": "6100",
        "source": "grant",
        "grant_deadline": date(2031, 12, 31),
        "planned": Decimal("50000"),
        "committed": None,
        "actual": None,
        "forecast": None,
    }
    line = budget_line_create(actor=world["users"]["owner"], project=project, data=data)
    assert line.grant_deadline == date(2031, 12, 31) and line.actual == 0
    line = budget_line_update(
        actor=world["users"]["owner"], line=line, data={**data, "source": "own"}
    )
    assert line.grant_deadline is None
    for bad, field in (({"year": 2050}, "year"), ({"planned": Decimal("-1")}, "planned")):
        with pytest.raises(DomainError) as exc:
            budget_line_create(actor=world["users"]["owner"], project=project, data={**data, **bad})
        assert exc.value.errors[0]["field"] == field


def test_only_leadership_and_department_heads_create_projects(world):
    assert world["users"]["mayor"].has_perm(PERM_CREATE_PROJECT)
    assert world["users"]["head"].has_perm(PERM_CREATE_PROJECT)
    assert not world["users"]["owner"].has_perm(PERM_CREATE_PROJECT)
    assert not world["users"]["council"].has_perm(PERM_CREATE_PROJECT)
