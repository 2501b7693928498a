"""Steering API (staff): strategy tree, projects and status reports, indicator series, cases."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from rathaus.core import text
from rathaus.core.api.auth import staff_auth
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import home_municipality
from rathaus.steering import selectors
from rathaus.steering.models import Project
from rathaus.steering.rules import (
    PERM_CREATE_PROJECT,
    PERM_EDIT_PROJECT,
    PERM_MANAGE_INDICATORS,
    PERM_VIEW,
)
from rathaus.steering.selectors import editing as editing_selectors
from rathaus.steering.services import editing
from rathaus.steering.services.indicators import (
    current_values,
    indicator_value_confirm,
    indicator_value_record,
)
from rathaus.steering.services.projects import status_report_submit

router = Router(tags=["steering"], auth=staff_auth)


class ProjectBrief(Schema):
    id: int
    title: str
    kind: str
    status: str
    light: str | None
    goal_id: int | None
    programme_id: int | None
    owner_unit: str
    start: date
    end: date


class GoalOut(Schema):
    id: int
    title: str
    sdgs: list[int]


class FieldOut(Schema):
    id: int
    title: str
    goals: list[GoalOut]
    projects: list[ProjectBrief]
    indicator_ids: list[int]


class ProgrammeOut(Schema):
    id: int
    title: str
    description: str
    action_field_ids: list[int]
    project_ids: list[int]


class TreeOut(Schema):
    plan_id: int | None
    title: str | None
    vision: str | None
    term_start: date | None
    term_end: date | None
    fields: list[FieldOut]
    programmes: list[ProgrammeOut]


class MilestoneOut(Schema):
    id: int
    title: str
    due: date
    done_on: date | None


class ReportOut(Schema):
    id: int
    period: date
    submitted_at: datetime
    time: str
    budget: str
    scope: str
    risk: str
    computed: dict
    override_reason: str
    summary: str
    next_steps: str


class ProjectOut(ProjectBrief):
    description: str
    milestones: list[MilestoneOut]
    reports: list[ReportOut]
    budget_lines: list[BudgetLineOut]


class ReportIn(Schema):
    period: date
    time: str
    budget: str
    scope: str
    risk: str
    summary: Annotated[str, Field(max_length=3000)]
    next_steps: Annotated[str, Field(max_length=3000)] = ""
    override_reason: Annotated[str, Field(max_length=500)] = ""


Title = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=5000)]
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


class ProjectIn(Schema):
    """Every field of a project (PUT replaces them all); ids of the own municipality's rows."""

    title: Title
    kind: str = "project"
    description: LongText = ""
    action_field_id: int
    goal_id: int | None = None
    programme_id: int | None = None
    owner_unit_id: int
    owner_id: int | None = None
    start: date
    end: date
    status: str = "planned"
    public: bool = False
    budget_threshold: Annotated[int, Field(ge=0, le=100)] = 10


class MilestoneIn(Schema):
    title: Title
    due: date
    done_on: date | None = None
    reason: Annotated[str, Field(max_length=2000)] = ""


class BudgetLineIn(Schema):
    year: Annotated[int, Field(ge=1990, le=2199)]
    product: Annotated[str, Field(max_length=40)] = ""
    cost_centre: Annotated[str, Field(max_length=40)] = ""
    source: str
    grant_deadline: date | None = None
    planned: Amount
    committed: Amount = Decimal(0)
    actual: Amount = Decimal(0)
    forecast: Amount | None = None


class BudgetLineOut(Schema):
    id: int
    year: int
    product: str
    cost_centre: str
    source: str
    grant_deadline: date | None
    planned: Decimal
    committed: Decimal
    actual: Decimal
    forecast: Decimal | None


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    source: str
    polarity: str
    area: str
    frequency: str
    status: str
    explanation: str


class ValueOut(Schema):
    id: int
    confirmed: bool
    ref_date: date
    version: int
    value: float
    published_on: date
    provisional: bool
    current: bool


class TargetOut(Schema):
    year: int
    target: float | None
    lower: float | None
    upper: float | None


class SeriesOut(Schema):
    indicator: IndicatorOut
    values: list[ValueOut]
    targets: list[TargetOut]
    analysis: dict


class ValueIn(Schema):
    ref_date: date
    value: float
    unit: str
    provisional: bool = False
    published_on: date | None = None


class CaseOut(Schema):
    id: int
    kind: str
    title: str
    explanation: str
    status: str
    assigned_unit: str
    project_id: int | None
    indicator_id: int | None
    opened_at: datetime
    decision: str
    decision_reason: str
    decided_at: datetime | None


def _need(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise DomainError("forbidden", _("Keine Berechtigung für diese Aktion."), status=403)


def _brief(p) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "kind": p.kind,
        "status": p.status,
        "light": selectors.light_of(p),
        "goal_id": p.goal_id,
        "programme_id": p.programme_id,
        "owner_unit": p.owner_unit.name,
        "start": p.start,
        "end": p.end,
    }


def _indicator(i) -> dict:
    return {
        "id": i.pk,
        "name": i.name,
        "unit": i.unit,
        "source": i.source,
        "polarity": i.polarity,
        "area": i.area,
        "frequency": i.frequency,
        "status": i.status,
        "explanation": (i.analysis or {}).get("explanation", ""),
    }


@router.get("/tree", response=TreeOut, summary="Strategiebaum der laufenden Wahlperiode")
def tree(request):
    _need(request, PERM_VIEW)
    plan = selectors.current_plan(request.user)
    fields = selectors.tree(request.user, plan)
    return {
        "plan_id": plan.pk if plan else None,
        "title": plan.title if plan else None,
        "vision": plan.vision if plan else None,
        "term_start": plan.term_start if plan else None,
        "term_end": plan.term_end if plan else None,
        "fields": [
            {
                "id": fv.field.pk,
                "title": fv.field.title,
                "goals": [
                    {"id": g.pk, "title": g.title, "sdgs": g.sdgs} for g in fv.field.goals.all()
                ],
                "projects": [_brief(p) for p in fv.projects],
                "indicator_ids": [i.pk for i in fv.indicators],
            }
            for fv in fields
        ],
        "programmes": [
            {
                "id": pv.programme.pk,
                "title": pv.programme.title,
                "description": pv.programme.description,
                "action_field_ids": [f.pk for f in pv.fields],
                "project_ids": [p.pk for p in pv.projects],
            }
            for pv in selectors.programmes_of(request.user, plan, fields)
        ],
    }


def _project_out(project) -> dict:
    return {
        **_brief(project),
        "description": project.description,
        "milestones": list(project.milestones.all()),
        "reports": list(project.reports.all()[:36]),
        "budget_lines": list(project.budget_lines.order_by("year", "product", "pk")),
    }


@router.get("/projects/{project_id}", response=ProjectOut, summary="Projekt mit Berichten")
def project(request, project_id: int):
    _need(request, PERM_VIEW)
    return _project_out(selectors.project_get(request.user, project_id))


@router.post(
    "/projects/{project_id}/reports",
    response={201: ReportOut},
    summary="Statusbericht abgeben (Ampeln werden gegen die berechneten geprüft)",
)
def report_submit(request, project_id: int, payload: ReportIn):
    _need(request, PERM_VIEW)
    project = selectors.project_get(request.user, project_id)
    _need(request, PERM_EDIT_PROJECT, project)
    data = payload.dict()
    data["override_reason"] = _line("override_reason", data["override_reason"], 500)
    report = status_report_submit(actor=request.user, project=project, **data)
    return Status(201, report)


def _line(field: str, value: str, max_length: int) -> str:
    """One-line fields of a payload: no line breaks or control characters (problem+json)."""
    try:
        return text.one_line(value, max_length=max_length)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise DomainError(
            "invalid", message, status=422, errors=[{"field": field, "message": message}]
        ) from exc


REFS = ("action_field", "goal", "programme", "owner_unit", "owner")


def _project_data(request, payload: ProjectIn) -> dict:
    """The payload as the editing service takes it: ids become rows chosen from the same
    lists the editing page offers, so another municipality's ids are simply unknown."""
    data = payload.dict(exclude={f"{name}_id" for name in REFS})
    data["title"] = _line("title", data["title"], 200)
    choices = editing_selectors.edit_choices(request.user)
    for name in REFS:
        pk = getattr(payload, f"{name}_id")
        data[name] = None if pk is None else choices[name].filter(pk=pk).first()
        if pk is not None and data[name] is None:
            message = _("Unbekannter Eintrag: bitte einen Eintrag der eigenen Kommune wählen.")
            raise DomainError(
                "unknown_reference",
                message,
                status=422,
                errors=[{"field": f"{name}_id", "message": message}],
            )
    if data["kind"] not in Project.Kind.values:
        raise DomainError(
            "invalid",
            _("Bitte eine Art wählen."),
            status=422,
            errors=[{"field": "kind", "message": _("Bitte eine Art wählen.")}],
        )
    return data


@router.post(
    "/projects",
    response={201: ProjectOut},
    summary="Projekt anlegen (Verwaltungsleitung, Fachbereichsleitung)",
)
def project_create(request, payload: ProjectIn):
    _need(request, PERM_CREATE_PROJECT)
    municipality = home_municipality(request.user)
    if municipality is None:
        raise DomainError("forbidden", _("Keine Berechtigung für diese Aktion."), status=403)
    project = editing.project_create(
        actor=request.user, municipality=municipality, data=_project_data(request, payload)
    )
    return Status(201, _project_out(selectors.project_get(request.user, project.pk)))


def _editable(request, project_id: int):
    """The project if the user may see it (else 404) and edit it (else 403)."""
    _need(request, PERM_VIEW)
    project = selectors.project_get(request.user, project_id)
    _need(request, PERM_EDIT_PROJECT, project)
    return project


@router.put("/projects/{project_id}", response=ProjectOut, summary="Projekt ändern")
def project_update(request, project_id: int, payload: ProjectIn):
    project = _editable(request, project_id)
    editing.project_update(
        actor=request.user, project=project, data=_project_data(request, payload)
    )
    return _project_out(selectors.project_get(request.user, project_id))


@router.post(
    "/projects/{project_id}/milestones",
    response={201: MilestoneOut},
    summary="Meilenstein anlegen",
)
def milestone_create(request, project_id: int, payload: MilestoneIn):
    project = _editable(request, project_id)
    milestone = editing.milestone_create(
        actor=request.user,
        project=project,
        title=_line("title", payload.title, 200),
        due=payload.due,
        done_on=payload.done_on,
    )
    return Status(201, milestone)


@router.put(
    "/projects/{project_id}/milestones/{milestone_id}",
    response=MilestoneOut,
    summary="Meilenstein ändern (neue Fälligkeit nur mit Begründung, versioniert)",
)
def milestone_update(request, project_id: int, milestone_id: int, payload: MilestoneIn):
    project = _editable(request, project_id)
    milestone = editing_selectors.milestone_get(request.user, project, milestone_id)
    return editing.milestone_update(
        actor=request.user,
        milestone=milestone,
        title=_line("title", payload.title, 200),
        due=payload.due,
        done_on=payload.done_on,
        reason=_line("reason", payload.reason, 2000),
    )


@router.delete(
    "/projects/{project_id}/milestones/{milestone_id}",
    response={204: None},
    summary="Meilenstein löschen (ein verschobener bleibt für den Verlauf)",
)
def milestone_delete(request, project_id: int, milestone_id: int):
    project = _editable(request, project_id)
    milestone = editing_selectors.milestone_get(request.user, project, milestone_id)
    editing.milestone_delete(actor=request.user, milestone=milestone)
    return Status(204, None)


def _budget_data(payload: BudgetLineIn) -> dict:
    data = payload.dict()
    data["product"] = _line("product", data["product"], 40)
    data["cost_centre"] = _line("cost_centre", data["cost_centre"], 40)
    return data


@router.post(
    "/projects/{project_id}/budget-lines",
    response={201: BudgetLineOut},
    summary="Budgetposition anlegen",
)
def budget_line_create(request, project_id: int, payload: BudgetLineIn):
    project = _editable(request, project_id)
    line = editing.budget_line_create(
        actor=request.user, project=project, data=_budget_data(payload)
    )
    return Status(201, line)


@router.put(
    "/projects/{project_id}/budget-lines/{line_id}",
    response=BudgetLineOut,
    summary="Budgetposition ändern",
)
def budget_line_update(request, project_id: int, line_id: int, payload: BudgetLineIn):
    project = _editable(request, project_id)
    line = editing_selectors.budget_line_get(request.user, project, line_id)
    return editing.budget_line_update(actor=request.user, line=line, data=_budget_data(payload))


@router.delete(
    "/projects/{project_id}/budget-lines/{line_id}",
    response={204: None},
    summary="Budgetposition löschen",
)
def budget_line_delete(request, project_id: int, line_id: int):
    project = _editable(request, project_id)
    line = editing_selectors.budget_line_get(request.user, project, line_id)
    editing.budget_line_delete(actor=request.user, line=line)
    return Status(204, None)


@router.get("/indicators", response=list[IndicatorOut], summary="Kennzahlen mit Lage")
def indicators(request):
    _need(request, PERM_VIEW)
    return [_indicator(i) for i in selectors.indicators_for(request.user).order_by("name")]


@router.get(
    "/indicators/{indicator_id}/series",
    response=SeriesOut,
    summary="Zeitreihe mit allen Versionen, Zielen und der letzten Analyse",
)
def series(request, indicator_id: int):
    _need(request, PERM_VIEW)
    indicator = selectors.indicator_get(request.user, indicator_id)
    current = {v.pk for v in current_values(indicator).values()}
    return {
        "indicator": _indicator(indicator),
        "values": [
            {
                "id": v.pk,
                "confirmed": v.confirmed,
                "ref_date": v.ref_date,
                "version": v.version,
                "value": v.value,
                "published_on": v.published_on,
                "provisional": v.provisional,
                "current": v.pk in current,
            }
            for v in selectors.indicator_rows(indicator)
            if v.confirmed
        ],
        "targets": list(indicator.targets.all()),
        "analysis": indicator.analysis or {},
    }


def _value_out(row, *, current: bool) -> dict:
    return {
        "id": row.pk,
        "confirmed": row.confirmed,
        "ref_date": row.ref_date,
        "version": row.version,
        "value": row.value,
        "published_on": row.published_on,
        "provisional": row.provisional,
        "current": current,
    }


@router.post(
    "/indicators/{indicator_id}/values",
    response={201: ValueOut, 200: dict},
    summary="Amtlichen Wert erfassen (vier Augen: zählt erst nach Bestätigung durch eine "
    "zweite Person; Revision = neue Version; andere Einheit wird abgelehnt)",
)
def value_record(request, indicator_id: int, payload: ValueIn):
    _need(request, PERM_MANAGE_INDICATORS)
    indicator = selectors.indicator_get(request.user, indicator_id)
    if payload.unit.strip() != indicator.unit:
        raise DomainError(
            "unit_mismatch",
            _("Die Einheit „%(got)s“ passt nicht zur Kennzahl (%(want)s).")
            % {"got": payload.unit[:40], "want": indicator.unit},
            status=422,
            errors=[{"field": "unit", "message": _("Einheit der Kennzahl verwenden.")}],
        )
    # The same rule as the page's manual entry: no side door around the four eyes.
    row = indicator_value_record(
        actor=request.user,
        indicator=indicator,
        ref_date=payload.ref_date,
        value=payload.value,
        published_on=payload.published_on,
        provisional=payload.provisional,
        four_eyes=True,
    )
    if row is None:
        return Status(200, {"unchanged": True})
    return Status(201, _value_out(row, current=False))


@router.post(
    "/indicators/{indicator_id}/values/{value_id}/confirm",
    response=ValueOut,
    summary="Erfassten Wert bestätigen (nur eine zweite Person)",
)
def value_confirm(request, indicator_id: int, value_id: int):
    _need(request, PERM_MANAGE_INDICATORS)
    indicator = selectors.indicator_get(request.user, indicator_id)
    value = next((v for v in selectors.pending_values(indicator) if v.pk == value_id), None)
    if value is None:
        raise DomainError("not_pending", _("Dieser Wert wartet nicht auf Bestätigung."), status=404)
    indicator_value_confirm(actor=request.user, value=value)
    return _value_out(value, current=True)


@router.get("/cases", response=list[CaseOut], summary="Steuerungsfälle")
def cases(request, status: str = "open"):
    _need(request, PERM_VIEW)
    rows = selectors.cases_for(
        request.user, status=status if status in ("open", "decided") else None
    )
    return [
        {
            "id": c.pk,
            "kind": c.kind,
            "title": c.title,
            "explanation": c.explanation,
            "status": c.status,
            "assigned_unit": c.assigned_unit.name,
            "project_id": c.project_id,
            "indicator_id": c.indicator_id,
            "opened_at": c.opened_at,
            "decision": c.decision,
            "decision_reason": c.decision_reason,
            "decided_at": c.decided_at,
        }
        for c in rows[:500]
    ]
