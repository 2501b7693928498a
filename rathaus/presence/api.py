"""Presence API (staff): periods, plans, my plan, today's presence, solver jobs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from rathaus.core.api.auth import staff_auth
from rathaus.core.forms import DATE_MAX, DATE_MIN
from rathaus.core.problems import DomainError, NotFound
from rathaus.core.tenancy import scoped
from rathaus.presence.models import PlanningPeriod, SolverJob
from rathaus.presence.rules import PERM_PLAN, PERM_VIEW_OWN_PLAN, PERM_VIEW_TODAY
from rathaus.presence.selectors.periods import periods_for
from rathaus.presence.selectors.plan import plan_grid
from rathaus.presence.selectors.published import my_entries, today_presence
from rathaus.presence.selectors.staff import employee_of_user
from rathaus.presence.services import jobs, solving

router = Router(tags=["presence"], auth=staff_auth)


class PeriodOut(Schema):
    id: int
    name: str
    start: date
    end: date
    weeks: int
    mode: str
    status: str
    min_onsite_per_week: int
    max_onsite_per_week: int
    org_units: list[str]
    explanation: list[dict]


class EntryOut(Schema):
    employee_id: int
    day: date
    activity: str
    code: str
    room_id: int | None = None
    room: str | None = None
    shift: str | None = None


class JobOut(Schema):
    id: int
    period_id: int
    kind: str
    status: str
    progress: int
    message: str
    objective: int | None
    bound: int | None
    changed_cells: int | None
    cancel_requested: bool
    heartbeat_at: datetime | None = None
    # Why the job stopped early: cancelled, worker_lost, not_started, time_limit, rejected, error.
    stopped: str | None = None
    offers_rerun: bool = False


class PresentOut(Schema):
    building: str
    floor: int | None
    people: list[dict]


class TodayOut(Schema):
    day: date
    counts: dict[str, int]
    groups: list[PresentOut]


def _need(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise DomainError("forbidden", _("Keine Berechtigung für diese Aktion."), status=403)


def _period(request, period_id: int) -> PlanningPeriod:
    _need(request, PERM_PLAN)
    period = scoped(PlanningPeriod, request.user).filter(pk=period_id).first()
    if period is None:
        raise NotFound("not_found", _("Planungszeitraum nicht gefunden."))
    return period


def _job(request, job_id: int) -> SolverJob:
    _need(request, PERM_PLAN)
    job = scoped(SolverJob, request.user).filter(pk=job_id).first()
    if job is None:
        raise NotFound("not_found", _("Rechenauftrag nicht gefunden."))
    return job


def _period_out(p: PlanningPeriod) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "start": p.start,
        "end": p.end,
        "weeks": p.weeks,
        "mode": p.mode,
        "status": p.status,
        "min_onsite_per_week": p.min_onsite_per_week,
        "max_onsite_per_week": p.max_onsite_per_week,
        "org_units": [u.code for u in p.org_units.all()],
        "explanation": p.explanation or [],
    }


def _job_out(j: SolverJob) -> dict:
    return {
        "id": j.pk,
        "period_id": j.period_id,
        "kind": j.kind,
        "status": j.status,
        "progress": j.progress,
        "message": j.message,
        "objective": j.objective,
        "bound": j.bound,
        "changed_cells": j.changed_cells,
        "cancel_requested": j.cancel_requested,
        "heartbeat_at": j.heartbeat_at,
        "stopped": j.result.get("stopped"),
        "offers_rerun": j.offers_rerun,
    }


@router.get("/periods", response=list[PeriodOut], summary="Planungszeiträume")
def list_periods(request):
    _need(request, PERM_PLAN)
    return [_period_out(p) for p in periods_for(request.user)]


@router.get("/periods/{period_id}", response=PeriodOut, summary="Ein Planungszeitraum")
def get_period(request, period_id: int):
    return _period_out(_period(request, period_id))


@router.get("/periods/{period_id}/plan", response=list[EntryOut], summary="Plan eines Zeitraums")
def get_plan(request, period_id: int):
    period = _period(request, period_id)
    out = []
    for row in plan_grid(period):
        for c in row.cells:
            out.append(
                {
                    "employee_id": row.employee.pk,
                    "day": c.day,
                    "activity": c.activity,
                    "code": c.code,
                    "room_id": c.room_id,
                }
            )
    return out


@router.post(
    "/periods/{period_id}/solve", response={202: JobOut}, summary="Plan berechnen (Rechenauftrag)"
)
def solve(request, period_id: int):
    period = _period(request, period_id)
    job = solving.job_start(actor=request.user, period=period)
    return Status(202, _job_out(job))


@router.get("/jobs/{job_id}", response=JobOut, summary="Stand eines Rechenauftrags")
def get_job(request, job_id: int):
    job = _job(request, job_id)
    if job.active and jobs.jobs_fail_stale(job=job):  # its worker died: say so
        job.refresh_from_db()
    return _job_out(job)


@router.post("/jobs/{job_id}/cancel", response=JobOut, summary="Rechenauftrag abbrechen")
def cancel_job(request, job_id: int):
    job = _job(request, job_id)
    return _job_out(jobs.job_cancel(actor=request.user, job=job))


@router.get("/my-plan", response=list[EntryOut], summary="Mein veröffentlichter Plan")
def my_plan(request, start: date | None = None, days: int = Query(28, ge=1, le=366)):
    _need(request, PERM_VIEW_OWN_PLAN)
    if not 1 <= days <= 366:
        raise DomainError("days_range", _("„days“ muss zwischen 1 und 366 liegen."), status=422)
    if start is not None and not DATE_MIN <= start <= DATE_MAX:
        raise DomainError(
            "start_range",
            _("„start“ muss zwischen %(min)s und %(max)s liegen.")
            % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
            status=422,
        )
    employee = employee_of_user(request.user)
    if employee is None:
        return []
    start = start or timezone.localdate()
    out = []
    for entry, cell in my_entries(employee, start, start + timedelta(days=days - 1)):
        out.append(
            {
                "employee_id": employee.pk,
                "day": entry.day,
                "activity": entry.activity,
                "code": cell.code,
                "room_id": entry.room.pk if entry.room else None,
                "room": entry.room.number if entry.room else None,
                "shift": entry.shift.name if entry.shift else None,
            }
        )
    return out


@router.get("/today", response=TodayOut, summary="Wer ist heute vor Ort?")
def today(request):
    _need(request, PERM_VIEW_TODAY)
    day = timezone.localdate()
    groups, counts = today_presence(request.user, day)
    return {
        "day": day,
        "counts": counts,
        "groups": [
            {
                "building": g.building,
                "floor": g.floor,
                "people": [{"name": n, "where": w} for n, w in g.people],
            }
            for g in groups
        ],
    }


__all__ = ["router"]
