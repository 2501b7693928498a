"""Editing projects, their milestones and budget lines in the UI (and the API later).

Every write is keyword-only, atomic and audited, and raises the cockpit version. Everything a
project points to (action field, goal, owner unit, owner) must belong to the project's
municipality; department heads create and move projects only within their own units. A due
date of an existing milestone changes only with a reason and is kept as a versioned change
(``MilestoneRevision``), like a change decided in a steering case.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Role
from rathaus.core.problems import DomainError
from rathaus.steering import caching
from rathaus.steering.models import (
    ActionField,
    BudgetLine,
    Milestone,
    MilestoneRevision,
    Project,
)
from rathaus.steering.rules import unit_ids_of

PROJECT_FIELDS = (
    "title",
    "kind",
    "description",
    "action_field",
    "programme",
    "goal",
    "owner_unit",
    "owner",
    "start",
    "end",
    "status",
    "public",
    "budget_threshold",
)
BUDGET_FIELDS = (
    "year",
    "product",
    "cost_centre",
    "source",
    "grant_deadline",
    "planned",
    "committed",
    "actual",
    "forecast",
)


def _refuse(field: str, message: str, code: str = "invalid") -> DomainError:
    return DomainError(code, message, errors=[{"field": field, "message": message}])


def _same_town(municipality_id: int, data: dict) -> None:
    for name in ("action_field", "goal", "owner_unit", "programme"):
        obj = data.get(name)
        if obj is not None and obj.municipality_id != municipality_id:
            raise _refuse(name, _("Bitte einen Eintrag der eigenen Kommune wählen."))
    owner = data.get("owner")
    if owner is not None and owner.municipality_id != municipality_id:
        raise _refuse("owner", _("Bitte eine Person der eigenen Kommune wählen."))
    goal, field = data.get("goal"), data.get("action_field")
    if goal is not None and field is not None and goal.action_field_id != field.pk:
        raise _refuse("goal", _("Das Ziel gehört zu einem anderen Handlungsfeld."))
    programme = data.get("programme")
    if programme is not None and field is not None and programme.plan_id != field.plan_id:
        raise _refuse("programme", _("Das Programm gehört zu einer anderen Strategie."))


def _check_project(actor, municipality_id: int, data: dict, unit_id: int | None = None) -> dict:
    data = {k: data[k] for k in PROJECT_FIELDS if k in data}
    data["title"] = (data.get("title") or "").strip()
    if not data["title"]:
        raise _refuse("title", _("Bitte einen Titel eingeben."), "required")
    if not isinstance(data.get("action_field"), ActionField):
        raise _refuse("action_field", _("Bitte ein Handlungsfeld wählen."), "required")
    if data.get("owner_unit") is None:
        raise _refuse("owner_unit", _("Bitte die verantwortliche Einheit wählen."), "required")
    _same_town(municipality_id, data)
    start, end = data.get("start"), data.get("end")
    if start is None or end is None:
        raise _refuse("start" if start is None else "end", _("Bitte ein Datum angeben."))
    if end < start:
        raise _refuse("end", _("Das Ende liegt vor dem Beginn."), "end_before_start")
    if data.get("status", Project.Status.PLANNED) not in Project.Status.values:
        raise _refuse("status", _("Bitte einen Status wählen."))
    moved = data["owner_unit"].pk != unit_id
    if (
        moved
        and not actor.has_role(Role.LEADERSHIP)
        and data["owner_unit"].pk not in unit_ids_of(actor)
    ):
        raise _refuse(
            "owner_unit",
            _("Sie können Projekte nur Ihrer eigenen Organisationseinheit zuordnen."),
            "not_your_unit",
        )
    return data


@transaction.atomic
def project_create(*, actor, municipality, data: dict) -> Project:
    data = _check_project(actor, municipality.pk, data)
    project = Project.objects.create(municipality=municipality, **data)
    audit.record(actor=actor, instance=project, action="create", after=audit.snapshot(project))
    caching.bump(municipality.pk)
    return project


@transaction.atomic
def project_update(*, actor, project: Project, data: dict) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    data = _check_project(actor, project.municipality_id, data, project.owner_unit_id)
    before = audit.snapshot(project)
    for name, value in data.items():
        setattr(project, name, value)
    project.save()
    audit.record(
        actor=actor, instance=project, action="update", before=before, after=audit.snapshot(project)
    )
    caching.bump(project.municipality_id)
    return project


def _check_milestone(project: Project, title: str, due: date | None, done_on: date | None):
    title = (title or "").strip()
    if not title:
        raise _refuse("title", _("Bitte einen Titel eingeben."), "required")
    if due is None:
        raise _refuse("due", _("Bitte ein Fälligkeitsdatum angeben."), "required")
    if done_on is not None and done_on < project.start:
        raise _refuse("done_on", _("Das Datum liegt vor dem Projektbeginn."))
    return title


@transaction.atomic
def milestone_create(
    *, actor, project: Project, title: str, due: date, done_on: date | None = None
) -> Milestone:
    title = _check_milestone(project, title, due, done_on)
    milestone = Milestone.objects.create(
        municipality_id=project.municipality_id,
        project=project,
        title=title,
        due=due,
        done_on=done_on,
    )
    audit.record(actor=actor, instance=milestone, action="create", after=audit.snapshot(milestone))
    caching.bump(project.municipality_id)
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor,
    milestone: Milestone,
    title: str,
    due: date,
    done_on: date | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Milestone:
    """A new due date needs a reason and is kept as a versioned change."""
    now = now_or(now)
    milestone = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    title = _check_milestone(milestone.project, title, due, done_on)
    before = audit.snapshot(milestone)
    if due != milestone.due:
        reason = (reason or "").strip()
        if not reason:
            raise _refuse(
                "reason", _("Eine neue Fälligkeit braucht eine Begründung."), "reason_required"
            )
        MilestoneRevision.objects.create(
            municipality_id=milestone.municipality_id,
            milestone=milestone,
            old_due=milestone.due,
            new_due=due,
            reason=reason[:2000],
            at=now,
            by=actor,
        )
    milestone.title, milestone.due, milestone.done_on = title, due, done_on
    milestone.save()
    audit.record(
        actor=actor,
        instance=milestone,
        action="update",
        before=before,
        after=audit.snapshot(milestone),
    )
    caching.bump(milestone.municipality_id)
    return milestone


@transaction.atomic
def milestone_delete(*, actor, milestone: Milestone) -> None:
    if milestone.revisions.exists():
        raise DomainError(
            "milestone_has_history",
            _("Der Meilenstein wurde schon verschoben und bleibt für den Verlauf erhalten."),
        )
    before = audit.snapshot(milestone)
    audit.record(actor=actor, instance=milestone, action="delete", before=before)
    municipality_id = milestone.municipality_id
    milestone.delete()
    caching.bump(municipality_id)


def _check_budget(project: Project, data: dict) -> dict:
    data = {k: data[k] for k in BUDGET_FIELDS if k in data}
    year = data.get("year")
    if year is None or not project.start.year - 1 <= year <= project.end.year + 1:
        raise _refuse(
            "year",
            _("Bitte ein Jahr der Projektlaufzeit angeben (%(a)d–%(b)d).")
            % {"a": project.start.year, "b": project.end.year},
        )
    if data.get("source") not in BudgetLine.Source.values:
        raise _refuse("source", _("Bitte die Finanzierung wählen."), "required")
    for name in ("planned", "committed", "actual", "forecast"):
        value = data.get(name)
        if value is not None and Decimal(value) < 0:
            raise _refuse(name, _("Bitte einen Betrag ab 0 eingeben."))
    for name in ("planned", "committed", "actual"):
        data[name] = data.get(name) or Decimal(0)
    if data["source"] != BudgetLine.Source.GRANT:
        data["grant_deadline"] = None
    data["product"] = (data.get("product") or "").strip()
    data["cost_centre"] = (data.get("cost_centre") or "").strip()
    return data


@transaction.atomic
def budget_line_create(*, actor, project: Project, data: dict) -> BudgetLine:
    data = _check_budget(project, data)
    line = BudgetLine.objects.create(
        municipality_id=project.municipality_id, project=project, **data
    )
    audit.record(actor=actor, instance=line, action="create", after=audit.snapshot(line))
    caching.bump(project.municipality_id)
    return line


@transaction.atomic
def budget_line_update(*, actor, line: BudgetLine, data: dict) -> BudgetLine:
    line = BudgetLine.objects.select_for_update().select_related("project").get(pk=line.pk)
    data = _check_budget(line.project, data)
    before = audit.snapshot(line)
    for name, value in data.items():
        setattr(line, name, value)
    line.save()
    audit.record(
        actor=actor, instance=line, action="update", before=before, after=audit.snapshot(line)
    )
    caching.bump(line.municipality_id)
    return line


@transaction.atomic
def budget_line_delete(*, actor, line: BudgetLine) -> None:
    audit.record(actor=actor, instance=line, action="delete", before=audit.snapshot(line))
    municipality_id = line.municipality_id
    line.delete()
    caching.bump(municipality_id)
