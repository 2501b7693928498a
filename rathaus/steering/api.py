"""Steering API (staff): strategy tree, projects and status reports, indicator series, cases."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from rathaus.core.api.auth import staff_auth
from rathaus.core.problems import DomainError
from rathaus.steering import selectors
from rathaus.steering.rules import PERM_EDIT_PROJECT, PERM_MANAGE_INDICATORS, PERM_VIEW
from rathaus.steering.services.indicators import current_values, indicator_value_record
from rathaus.steering.services.projects import status_report_submit

router = Router(tags=["steering"], auth=staff_auth)


class ProjectBrief(Schema):
    id: int
    title: str
    kind: str
    status: str
    light: str | None
    goal_id: int | None
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


class TreeOut(Schema):
    plan_id: int | None
    title: str | None
    vision: str | None
    term_start: date | None
    term_end: date | None
    fields: list[FieldOut]


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


class ReportIn(Schema):
    period: date
    time: str
    budget: str
    scope: str
    risk: str
    summary: str
    next_steps: str = ""
    override_reason: str = ""


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
            for fv in selectors.tree(request.user, plan)
        ],
    }


def _project_out(project) -> dict:
    return {
        **_brief(project),
        "description": project.description,
        "milestones": list(project.milestones.all()),
        "reports": list(project.reports.all()[:36]),
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
    report = status_report_submit(actor=request.user, project=project, **payload.dict())
    return Status(201, report)


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


@router.post(
    "/indicators/{indicator_id}/values",
    response={201: ValueOut, 200: dict},
    summary="Wert liefern (Revision = neue Version; andere Einheit wird abgelehnt)",
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
    row = indicator_value_record(
        actor=request.user,
        indicator=indicator,
        ref_date=payload.ref_date,
        value=payload.value,
        published_on=payload.published_on,
        provisional=payload.provisional,
    )
    if row is None:
        return Status(200, {"unchanged": True})
    return Status(
        201,
        {
            "ref_date": row.ref_date,
            "version": row.version,
            "value": row.value,
            "published_on": row.published_on,
            "provisional": row.provisional,
            "current": True,
        },
    )


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
