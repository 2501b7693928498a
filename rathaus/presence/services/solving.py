"""Solver jobs: start one, and the job body that solves or replans a period and keeps a plan
the independent checker accepts (space planning: services/space.py; the job's life after its
start: services/jobs.py)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import date

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import Conflict, DomainError
from rathaus.engines.roster import model as m
from rathaus.engines.roster.checker import CheckResult, check
from rathaus.engines.roster.explain import fmt_day
from rathaus.engines.roster.replan import replan_problem
from rathaus.engines.roster.watched import (
    GREEDY_NOTE,
    Cancelled,
    replan_with_progress,
    solve_with_progress,
)
from rathaus.presence import tasks
from rathaus.presence.conf import (
    background_without_broker,
    broker_configured,
    deterministic_solves,
    heartbeat_interval,
    progress_interval,
    solver_workers,
)
from rathaus.presence.models import (
    PlanAssignment,
    PlanningPeriod,
    PlanVersion,
    SolverJob,
)
from rathaus.presence.roster_adapter.plan import (
    assignment_to_row,
    current_assignments,
    describe_reason,
    describe_violation,
    to_engine,
)
from rathaus.presence.roster_adapter.problem import Context, build_problem
from rathaus.presence.selectors.staff import period_employees
from rathaus.presence.services.jobs import ACTIVE, job_end_early, job_finish, job_restore_status
from rathaus.presence.services.periods import refuse_while_solving
from rathaus.presence.services.space import space_run

Status = PlanningPeriod.Status
JobStatus = SolverJob.Status
logger = logging.getLogger(__name__)


def job_start(
    *,
    actor,
    period: PlanningPeriod,
    kind: str = SolverJob.Kind.SOLVE,
    replan_from: date | None = None,
    params: dict | None = None,
) -> SolverJob:
    """Queue a solver job and hand it to Celery (inline when no broker is configured)."""
    with transaction.atomic():
        locked = PlanningPeriod.objects.select_for_update().get(pk=period.pk)
        _refuse_start(locked, kind, replan_from)
        job = SolverJob.objects.create(
            municipality_id=period.municipality_id,
            period=locked,
            kind=kind,
            replan_from=replan_from,
            # The job's messages are in the language of the planner who starts it.
            params={"language": translation.get_language(), **(params or {})},
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if kind != SolverJob.Kind.SPACE:
            PlanningPeriod.objects.filter(pk=locked.pk).update(status=Status.SOLVING)
    with translation.override(settings.LANGUAGE_CODE):  # audit trail in the site language
        summary = f"{job.get_kind_display()} gestartet"
    audit.record(actor=actor, instance=job, action="action", summary=summary)
    job_dispatch(job_id=job.pk)
    job.refresh_from_db()
    return job


def job_dispatch(*, job_id: int) -> None:
    """Hand a queued job to Celery; without a broker, to a background thread of this process
    (once the job row is committed), so that the request answers at once and the planner
    watches the progress instead of a blocked browser. The thread's job is like a worker's:
    heartbeats, cancel, and the stale check if the process dies."""
    if broker_configured() or not background_without_broker():
        tasks.run_solver_job.delay(job_id)
        return
    thread = threading.Thread(
        target=_run_in_background, args=(job_id,), name=f"presence-job-{job_id}", daemon=True
    )
    transaction.on_commit(thread.start)


def _run_in_background(job_id: int) -> None:
    """Body of the background thread: the job on the thread's own database connection."""
    close_old_connections()
    try:
        job_run(job_id=job_id)
    finally:
        connection.close()


def _refuse_start(locked: PlanningPeriod, kind: str, replan_from: date | None) -> None:
    """Why a job cannot start (German message), checked on the locked period row."""
    if SolverJob.objects.filter(period=locked, status__in=ACTIVE).exists():
        raise Conflict("job_running", _("Für diesen Zeitraum läuft bereits eine Berechnung."))
    if not period_employees(locked).exists():
        raise DomainError(
            "no_staff",
            _("In den gewählten Organisationseinheiten gibt es keine aktiven Beschäftigten."),
        )
    if kind != SolverJob.Kind.REPLAN:
        return
    if locked.status not in (Status.SOLVED, Status.PUBLISHED):
        raise DomainError("no_plan", _("Es gibt noch keinen Plan, der neu geplant werden kann."))
    if replan_from is None or not (locked.start <= replan_from <= locked.end):
        raise DomainError("replan_date", _("Das Datum muss im Planungszeitraum liegen."))


class _Watch:
    """Progress writes, heartbeats and the cancel flag of a running job, throttled. Called in
    the job's own thread only (the engine runs in a helper thread), so the database work
    stays on the job's connection. `stopped` turns true when the planner cancelled or when
    something else ended the job (the stale check failed it): the search then stops."""

    def __init__(self, job: SolverJob) -> None:
        self.job_id = job.pk
        self.interval = progress_interval()
        self.beat_every = heartbeat_interval()
        self.last_write = self.last_check = 0.0
        self.last_beat = time.monotonic()
        self.stopped = False

    def _running(self):
        return SolverJob.objects.filter(pk=self.job_id, status=JobStatus.RUNNING)

    def progress(self, pct: int, objective: float | None, bound: float | None) -> None:
        now = time.monotonic()
        if now - self.last_write < self.interval and pct < 99:
            return
        self.last_write = self.last_beat = now
        values: dict = {"progress": max(0, min(99, pct)), "heartbeat_at": now_or()}
        if objective is not None:
            values["objective"] = int(round(objective))
        if bound is not None:
            values["bound"] = int(round(bound))
        if not self._running().update(**values):
            self.stopped = True

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if self.stopped or now - self.last_check < self.interval:
            return self.stopped
        self.last_check = now
        if now - self.last_beat >= self.beat_every:
            self.last_beat = now
            if not self._running().update(heartbeat_at=now_or()):
                self.stopped = True
        self.stopped = self.stopped or not self._running().filter(cancel_requested=False).exists()
        return self.stopped


def job_run(*, job_id: int) -> None:
    """Body of the Celery task: solve, check, store the plan; never leaves a job running.
    A job cut short (cancelled, failed, worker lost) keeps the period's previous plan."""
    job = SolverJob.objects.select_related("period", "period__municipality").get(pk=job_id)
    now = now_or()
    started = SolverJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0
    )
    if not started:  # cancelled while queued, or failed as lost
        return
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        _run_watched(job)


def _run_watched(job: SolverJob) -> None:
    watch = _Watch(job)
    try:
        if watch.should_cancel():
            raise Cancelled
        if job.kind == SolverJob.Kind.SPACE:
            space_run(job, job.period, watch.progress, watch.should_cancel)
        else:
            _run_solve(job, job.period, watch.progress, watch.should_cancel)
    except Cancelled:
        job_end_early(
            job,
            JobStatus.CANCELLED,
            _("Die Berechnung wurde abgebrochen. %(plan)s"),
            "cancelled",
        )
    except Exception as exc:  # noqa: BLE001 - a job must never stay "running"
        logger.exception("presence solver job %s failed", job.pk)
        job_end_early(
            job,
            JobStatus.FAILED,
            _("Die Berechnung ist fehlgeschlagen (%(error)s). %(plan)s"),
            "error",
            error=type(exc).__name__,
        )


def _still_running(job: SolverJob) -> bool:
    """Inside a transaction: locks the job row so that the stale check cannot fail the job
    while its plan is being stored (and a job failed as lost stores nothing)."""
    locked = SolverJob.objects.select_for_update().filter(pk=job.pk, status=JobStatus.RUNNING)
    return bool(list(locked.values_list("pk", flat=True)))


def _run_solve(job: SolverJob, period: PlanningPeriod, on_progress, should_cancel) -> None:
    """Solve or replan, then keep what deserves keeping: a plan the independent checker
    accepts, or the explanation why there is none; anything else keeps the previous plan."""
    problem, ctx, previous, plan = _search(job, period, on_progress, should_cancel)
    if plan.status is m.Status.INFEASIBLE:
        _keep_infeasible(job, period, plan, problem)
        return
    if plan.status is m.Status.UNKNOWN:
        job_end_early(
            job,
            JobStatus.FAILED,
            _(
                "Innerhalb der Rechenzeit wurde kein Plan gefunden. %(plan)s Bitte die "
                "Rechenzeit erhöhen oder Regeln lockern und erneut berechnen."
            ),
            "time_limit",
        )
        return
    result = check(problem, plan.assignments)
    if not result.ok:  # the independent checker disagrees: never store such a plan
        job_end_early(
            job,
            JobStatus.FAILED,
            _(
                "Der berechnete Plan hat die unabhängige Prüfung nicht bestanden: %(reason)s %(plan)s"
            ),
            "rejected",
            reason=describe_violation(problem, result.violations[0]),
        )
        return
    _keep_plan(job, period, plan, result, ctx, previous)


def _search(job: SolverJob, period: PlanningPeriod, on_progress, should_cancel):
    """The engine's answer for the job: (problem as checked, context, previous, plan)."""
    problem0, ctx = build_problem(period)
    if job.kind != SolverJob.Kind.REPLAN:
        # "Erneut berechnen" after a plan (e.g. the start plan when time ran out) continues
        # from it: the search starts with a valid plan and improves it.
        rows = current_assignments(period)
        hint = m.Plan(m.Status.FEASIBLE, assignments=tuple(to_engine(rows, ctx))) if rows else None
        plan = solve_with_progress(
            problem0,
            time_limit=float(period.time_limit_seconds),
            workers=solver_workers(),
            on_progress=on_progress,
            should_cancel=should_cancel,
            deterministic=deterministic_solves(),
            hint=hint,
        )
        return problem0, ctx, [], plan
    old = to_engine(current_assignments(period), ctx)
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
        deterministic=deterministic_solves(),
    )
    return problem, ctx, list(old), plan


def _keep_infeasible(
    job: SolverJob, period: PlanningPeriod, plan: m.Plan, problem: m.Problem
) -> None:
    reasons = [
        {
            "code": r.code,
            "message": describe_reason(problem, r),
            "day": r.day.isoformat() if r.day else None,
        }
        for r in plan.explanation
    ] or [
        {
            "code": "UNEXPLAINED",
            "message": _("Es gibt keinen Plan, der alle Regeln erfüllt."),
            "day": None,
        }
    ]
    with transaction.atomic():
        if not _still_running(job):
            return
        PlanningPeriod.objects.filter(pk=period.pk).update(explanation=reasons)
        if job.kind == SolverJob.Kind.REPLAN:
            job_restore_status(job)
        else:
            PlanAssignment.objects.filter(period=period).delete()
            PlanningPeriod.objects.filter(pk=period.pk).update(status=Status.INFEASIBLE)
        job_finish(
            job,
            JobStatus.DONE,
            _("Kein Plan möglich: %(reason)s") % {"reason": reasons[0]["message"]},
            progress=100,
            result={"infeasible": True, "reasons": reasons},
        )


def _keep_plan(job, period, plan: m.Plan, result, ctx: Context, previous) -> None:
    """Stores a checked plan, unless the job was ended meanwhile (then nothing changes)."""
    changed = None
    if job.kind == SolverJob.Kind.REPLAN:
        before = {(a.employee_id, a.day): a for a in previous}
        changed = sum(
            1
            for a in plan.assignments
            if (a.employee_id, a.day) in before and not before[(a.employee_id, a.day)].same_as(a)
        )
    with transaction.atomic():
        if not _still_running(job):
            return
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
        outcome = {"penalties": penalties, "status": str(plan.status)}
        if plan.status is not m.Status.OPTIMAL:  # time ran out first: offer to run again
            outcome["stopped"] = "time_limit"
        job_finish(
            job,
            JobStatus.DONE,
            msg,
            progress=100,
            objective=result.objective,
            bound=plan.bound,
            changed_cells=changed,
            result=outcome,
        )
        audit.record(actor=job.created_by, instance=period, action="action", summary=summary)


def _solve_message(job: SolverJob, plan: m.Plan, changed: int | None, was_published: bool) -> str:
    """The job's result message (in the active language)."""
    if plan.status is m.Status.OPTIMAL:
        msg = _("Plan berechnet (optimal).")
    else:
        msg = _(
            "Plan berechnet: der beste gültige Plan innerhalb der Rechenzeit von %(seconds)d "
            "Sekunden (unabhängig geprüft). Dass es keinen besseren gibt, ist nicht bewiesen; "
            "mit mehr Rechenzeit kann „Erneut berechnen“ Fairness und Wünsche verbessern."
        ) % {"seconds": job.period.time_limit_seconds}
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


@transaction.atomic
def plan_store(
    *, actor, period: PlanningPeriod, plan: m.Plan, checked: CheckResult, ctx: Context
) -> None:
    """Stores a plan computed and checked outside a job (the demo's current week), with its
    penalty points and the engine's bound, so the planner sees how good it is known to be."""
    refuse_while_solving(period)
    _store_plan(period, plan.assignments, ctx)
    PlanningPeriod.objects.filter(pk=period.pk).update(
        status=Status.SOLVED,
        objective=checked.objective,
        bound=plan.bound,
        penalties=dict(checked.penalties),
    )
    audit.record(actor=actor, instance=period, action="action", summary="Plan gespeichert")
