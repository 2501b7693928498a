"""Writes of solver jobs: start, cancel, and the job body (solve, replan, space planning)."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.core import audit
from rathaus.core.problems import Conflict, DomainError
from rathaus.engines.roster import model as m
from rathaus.engines.roster.checker import check
from rathaus.engines.roster.explain import fmt_day
from rathaus.presence.conf import progress_interval, solver_workers, space_time_limit
from rathaus.presence.engine_input import Context, build_problem, period_employees
from rathaus.presence.engine_output import (
    assignment_to_row,
    current_assignments,
    describe_violation,
    to_engine,
)
from rathaus.presence.engine_solving import (
    GREEDY_NOTE,
    Cancelled,
    replan_with_progress,
    solve_with_progress,
    space_with_progress,
)
from rathaus.presence.models import (
    PlanAssignment,
    PlanningPeriod,
    PlanVersion,
    SolverJob,
)

Status = PlanningPeriod.Status
logger = logging.getLogger(__name__)


# --- solver jobs --------------------------------------------------------------------------


def job_start(
    *,
    actor,
    period: PlanningPeriod,
    kind: str = SolverJob.Kind.SOLVE,
    replan_from: date | None = None,
    params: dict | None = None,
) -> SolverJob:
    """Queue a solver job and hand it to Celery (inline when no broker is configured)."""
    from rathaus.presence.tasks import run_solver_job

    with transaction.atomic():
        locked = PlanningPeriod.objects.select_for_update().get(pk=period.pk)
        if SolverJob.objects.filter(period=locked, status__in=("queued", "running")).exists():
            raise Conflict("job_running", _("Für diesen Zeitraum läuft bereits eine Berechnung."))
        if not period_employees(locked).exists():
            raise DomainError(
                "no_staff",
                _("In den gewählten Organisationseinheiten gibt es keine aktiven Beschäftigten."),
            )
        if kind == SolverJob.Kind.REPLAN:
            if locked.status not in (Status.SOLVED, Status.PUBLISHED):
                raise DomainError(
                    "no_plan", _("Es gibt noch keinen Plan, der neu geplant werden kann.")
                )
            if replan_from is None or not (locked.start <= replan_from <= locked.end):
                raise DomainError("replan_date", _("Das Datum muss im Planungszeitraum liegen."))
        job = SolverJob.objects.create(
            municipality_id=period.municipality_id,
            period=locked,
            kind=kind,
            replan_from=replan_from,
            params=params or {},
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if kind != SolverJob.Kind.SPACE:
            PlanningPeriod.objects.filter(pk=locked.pk).update(status=Status.SOLVING)
    with translation.override(settings.LANGUAGE_CODE):  # audit trail in the site language
        summary = f"{job.get_kind_display()} gestartet"
    audit.record(actor=actor, instance=job, action="action", summary=summary)
    run_solver_job.delay(job.pk)
    job.refresh_from_db()
    return job


def job_cancel(*, actor, job: SolverJob) -> SolverJob:
    if job.active:
        SolverJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        if job.status == SolverJob.Status.QUEUED:
            _finish(job, SolverJob.Status.CANCELLED, _("Abgebrochen, bevor die Berechnung begann."))
        audit.record(actor=actor, instance=job, action="action", summary="Berechnung abgebrochen")
    job.refresh_from_db()
    return job


def _finish(job: SolverJob, status: str, message: str, **extra) -> None:
    SolverJob.objects.filter(pk=job.pk).update(
        status=status, message=message, finished_at=timezone.now(), **extra
    )


def _restore_status(period: PlanningPeriod) -> None:
    has_plan = PlanAssignment.objects.filter(period=period).exists()
    published = PlanVersion.objects.filter(period=period).exists()
    status = (
        Status.PUBLISHED if published and has_plan else Status.SOLVED if has_plan else Status.DRAFT
    )
    PlanningPeriod.objects.filter(pk=period.pk).update(status=status)


def run_job(job_id: int) -> None:
    """Body of the Celery task: solve, check, store the plan; never leaves a job running."""
    job = SolverJob.objects.select_related("period", "period__municipality").get(pk=job_id)
    if job.status != SolverJob.Status.QUEUED:
        return
    SolverJob.objects.filter(pk=job.pk).update(
        status=SolverJob.Status.RUNNING, started_at=timezone.now(), progress=0
    )
    period = job.period
    interval = progress_interval()
    state = {"last_write": 0.0, "last_check": 0.0, "cancel": False}

    def on_progress(pct: int, objective: float | None, bound: float | None) -> None:
        now = time.monotonic()
        if now - state["last_write"] < interval and pct < 99:
            return
        state["last_write"] = now
        values: dict = {"progress": max(0, min(99, pct))}
        if objective is not None:
            values["objective"] = int(round(objective))
        if bound is not None:
            values["bound"] = int(round(bound))
        SolverJob.objects.filter(pk=job.pk).update(**values)

    def should_cancel() -> bool:
        now = time.monotonic()
        if not state["cancel"] and now - state["last_check"] >= interval:
            state["last_check"] = now
            state["cancel"] = SolverJob.objects.filter(pk=job.pk, cancel_requested=True).exists()
        return state["cancel"]

    if should_cancel():
        _finish(job, SolverJob.Status.CANCELLED, _("Abgebrochen."))
        if job.kind != SolverJob.Kind.SPACE:
            _restore_status(period)
        return
    try:
        if job.kind == SolverJob.Kind.SPACE:
            _run_space(job, period, on_progress, should_cancel)
        else:
            _run_solve(job, period, on_progress, should_cancel)
    except Cancelled:
        _finish(
            job,
            SolverJob.Status.CANCELLED,
            _("Die Berechnung wurde abgebrochen; der bisherige Plan bleibt unverändert."),
        )
        if job.kind != SolverJob.Kind.SPACE:
            _restore_status(period)
    except Exception as exc:  # noqa: BLE001 - a job must never stay "running"
        logger.exception("presence solver job %s failed", job.pk)
        _finish(
            job,
            SolverJob.Status.FAILED,
            _("Die Berechnung ist fehlgeschlagen (%(error)s).") % {"error": type(exc).__name__},
        )
        if job.kind != SolverJob.Kind.SPACE:
            _restore_status(period)


def _run_solve(job: SolverJob, period: PlanningPeriod, on_progress, should_cancel) -> None:
    previous: list[m.Assignment] = []
    problem0, ctx = build_problem(period)
    if job.kind == SolverJob.Kind.REPLAN:
        from rathaus.engines.roster.replan import replan_problem

        old = to_engine(current_assignments(period), ctx)
        previous = list(old)
        before = m.Plan(m.Status.FEASIBLE, assignments=old)
        # Days before the date stay exactly as planned; later days: as few changes as possible.
        problem = replan_problem(problem0, before, job.replan_from)
        plan = replan_with_progress(
            problem0,
            before,
            job.replan_from,
            time_limit=float(period.time_limit_seconds),
            workers=solver_workers(),
            on_progress=on_progress,
            should_cancel=should_cancel,
        )
    else:
        problem = problem0
        plan = solve_with_progress(
            problem,
            time_limit=float(period.time_limit_seconds),
            workers=solver_workers(),
            on_progress=on_progress,
            should_cancel=should_cancel,
        )
    if plan.status is m.Status.INFEASIBLE:
        reasons = [
            {"code": r.code, "message": r.message, "day": r.day.isoformat() if r.day else None}
            for r in plan.explanation
        ] or [
            {
                "code": "UNEXPLAINED",
                "message": _("Es gibt keinen Plan, der alle Regeln erfüllt."),
                "day": None,
            }
        ]
        with transaction.atomic():
            PlanningPeriod.objects.filter(pk=period.pk).update(explanation=reasons)
            if job.kind == SolverJob.Kind.REPLAN:
                _restore_status(period)
            else:
                PlanAssignment.objects.filter(period=period).delete()
                PlanningPeriod.objects.filter(pk=period.pk).update(status=Status.INFEASIBLE)
            _finish(
                job,
                SolverJob.Status.DONE,
                _("Kein Plan möglich: %(reason)s") % {"reason": reasons[0]["message"]},
                progress=100,
                result={"infeasible": True, "reasons": reasons},
            )
        return
    if plan.status is m.Status.UNKNOWN:
        _restore_status(period)
        _finish(
            job,
            SolverJob.Status.FAILED,
            _(
                "Innerhalb der Rechenzeit wurde kein Plan gefunden. Bitte die Rechenzeit erhöhen "
                "oder Regeln lockern."
            ),
        )
        return
    result = check(problem, plan.assignments)
    if not result.ok:  # the independent checker disagrees: never store such a plan
        _restore_status(period)
        _finish(
            job,
            SolverJob.Status.FAILED,
            _("Der berechnete Plan hat die unabhängige Prüfung nicht bestanden: %(reason)s")
            % {"reason": describe_violation(problem, result.violations[0])},
        )
        return
    changed = None
    if job.kind == SolverJob.Kind.REPLAN:
        before = {(a.employee_id, a.day): a for a in previous}
        changed = sum(
            1
            for a in plan.assignments
            if (a.employee_id, a.day) in before and not before[(a.employee_id, a.day)].same_as(a)
        )
    with transaction.atomic():
        _store_plan(period, plan.assignments, ctx)
        penalties = dict(result.penalties)
        was_published = PlanVersion.objects.filter(period=period).exists()
        PlanningPeriod.objects.filter(pk=period.pk).update(
            status=Status.SOLVED,
            explanation=[],
            objective=result.objective,
            bound=plan.bound,
            penalties=penalties,
        )
        msg = _solve_message(job, plan, changed, was_published)
        # The audit trail stays in the site's language, whoever started the job.
        with translation.override(settings.LANGUAGE_CODE):
            summary = _solve_message(job, plan, changed, was_published)
        _finish(
            job,
            SolverJob.Status.DONE,
            msg,
            progress=100,
            objective=result.objective,
            bound=plan.bound,
            changed_cells=changed,
            result={"penalties": penalties, "status": str(plan.status)},
        )
        audit.record(actor=job.created_by, instance=period, action="action", summary=summary)


def _solve_message(job: SolverJob, plan: m.Plan, changed: int | None, was_published: bool) -> str:
    """The job's result message (in the active language)."""
    if plan.status is m.Status.OPTIMAL:
        msg = _("Plan berechnet (optimal).")
    else:
        msg = _("Plan berechnet (gute Lösung im Zeitlimit).")
    if GREEDY_NOTE in plan.notes:
        msg = _(
            "Plan berechnet (einfache Startlösung: die Rechenzeit reichte nicht zum "
            "Optimieren; mit mehr Rechenzeit erneut berechnen verbessert Fairness und Wünsche)."
        )
    if changed is not None:
        msg = ngettext(
            "Ab %(day)s neu geplant: %(count)d Eintrag geändert; die Tage davor sind unverändert.",
            "Ab %(day)s neu geplant: %(count)d Einträge geändert; die Tage davor sind unverändert.",
            changed,
        ) % {"day": fmt_day(job.replan_from), "count": changed}
    if was_published:
        msg = _(
            "%(message)s Der Plan muss erneut veröffentlicht werden, damit die Beschäftigten "
            "ihn sehen."
        ) % {"message": msg}
    return msg


def _store_plan(period: PlanningPeriod, assignments, ctx: Context) -> None:
    PlanAssignment.objects.filter(period=period).delete()
    PlanAssignment.objects.bulk_create(
        [assignment_to_row(a, ctx) for a in assignments], batch_size=1000
    )


# --- space planning -----------------------------------------------------------------------


def _run_space(job: SolverJob, period: PlanningPeriod, on_progress, should_cancel) -> None:
    """Least desks for a hybrid policy and the curve desks -> penalties (engine's plan_space),
    on the first week of the period to keep the job short."""
    problem, _ctx = build_problem(period)
    week = replace(problem, days=problem.days[:7], previous_plan=(), fixed=())
    min_onsite = int(job.params.get("min_onsite", period.min_onsite_per_week))
    on_progress(5, None, None)
    result = space_with_progress(
        week,
        min_onsite_per_week=min_onsite,
        time_limit=space_time_limit(),
        workers=solver_workers(),
        on_progress=on_progress,
        should_cancel=should_cancel,
    )
    office_staff = sum(1 for e in week.employees if e.rooms)
    data = {
        "min_onsite": min_onsite,
        "office_staff": office_staff,
        "current_seats": result.current_seats,
        "min_seats": result.min_seats,
        "proven": result.proven,
        "week": [week.days[0].isoformat(), week.days[-1].isoformat()],
        "curve": [
            {
                "seats": p.seats,
                "fairness": p.fairness,
                "wishes": p.wishes,
                "team_days": p.team_days,
                "peak": p.peak_onsite,
                "home_share": round(100 * p.home_share) if p.home_share is not None else None,
            }
            for p in result.points
            if p.objective is not None
        ],
    }
    if result.min_seats is None:
        msg = _(
            "Für diese Hybrid-Regel gibt es keinen Plan (auch nicht mit allen heutigen Plätzen)."
        )
    elif result.proven:
        msg = _(
            "Kleinste Zahl an Arbeitsplätzen, für die ein Plan existiert: %(seats)s (bewiesen)."
        ) % {"seats": result.min_seats}
    else:
        msg = _(
            "Kleinste Zahl an Arbeitsplätzen, für die ein Plan existiert: %(seats)s "
            "(beste gefundene Lösung)."
        ) % {"seats": result.min_seats}
    _finish(job, SolverJob.Status.DONE, msg, progress=100, result=data)
