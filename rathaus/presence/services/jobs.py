"""The life of a solver job after its start: cancel, lost workers, ending early.

A job only replaces the period's plan in its last step; a job cut short (cancelled, failed,
worker lost) leaves the previous plan, and the period's status follows that plan again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.presence.conf import queued_stale_after, stale_after
from rathaus.presence.models import PlanAssignment, PlanningPeriod, PlanVersion, SolverJob

Status = PlanningPeriod.Status
JobStatus = SolverJob.Status
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
logger = logging.getLogger(__name__)


def job_cancel(*, actor, job: SolverJob) -> SolverJob:
    """Asks a running job to stop (it keeps the previous plan); a queued job ends at once.
    A job whose worker is gone is failed right away instead of waiting for the flag."""
    jobs_fail_stale(job=job)
    job.refresh_from_db()
    if job.active:
        SolverJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        if job.status == JobStatus.QUEUED and job_finish(
            job,
            JobStatus.CANCELLED,
            _("Abgebrochen, bevor die Berechnung begann. %(plan)s") % {"plan": job_plan_note(job)},
            result={"stopped": "cancelled"},
        ):
            job_restore_status(job)
        audit.record(actor=actor, instance=job, action="action", summary="Berechnung abgebrochen")
    job.refresh_from_db()
    return job


def jobs_fail_stale(
    *,
    now: datetime | None = None,
    period: PlanningPeriod | None = None,
    job: SolverJob | None = None,
) -> int:
    """Fails the jobs whose worker stopped answering and returns how many.

    A running job counts as lost when its heartbeat is older than `stale_after()` seconds, a
    queued one when it has waited longer than `queued_stale_after()` seconds. The period keeps
    its previous plan (a job only replaces the plan in its last step) and its status returns
    to what the plan says; the job page offers to run again. One small indexed query when nothing is
    stale, so the job and period pages call it on every view (it works without beat)."""
    now = now_or(now)
    beat_cutoff = now - timedelta(seconds=stale_after())
    queue_cutoff = now - timedelta(seconds=queued_stale_after())
    candidates = SolverJob.objects.annotate(
        last_sign=Coalesce("heartbeat_at", "started_at", "created_at")
    ).filter(
        Q(status=JobStatus.RUNNING, last_sign__lt=beat_cutoff)
        | Q(status=JobStatus.QUEUED, created_at__lt=queue_cutoff)
    )
    if period is not None:
        candidates = candidates.filter(period=period)
    if job is not None:
        candidates = candidates.filter(pk=job.pk)
    return sum(_fail_lost(lost, now) for lost in candidates.select_related("period"))


@transaction.atomic
def _fail_lost(job: SolverJob, now: datetime) -> bool:
    # Compare-and-set: a heartbeat that arrives meanwhile keeps the job alive.
    with translation.override(settings.LANGUAGE_CODE):  # like the worker's own messages
        if job.status == JobStatus.RUNNING:
            message = _(
                "Der Rechenknoten hat nicht mehr geantwortet; die Berechnung wurde beendet. "
                "%(plan)s Bitte erneut berechnen."
            ) % {"plan": job_plan_note(job)}
        else:
            message = _(
                "Kein Rechenknoten hat die Berechnung übernommen. %(plan)s Bitte erneut "
                "berechnen; bleibt das Problem, informieren Sie den IT-Betrieb."
            ) % {"plan": job_plan_note(job)}
    failed = SolverJob.objects.filter(
        pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at
    ).update(
        status=JobStatus.FAILED,
        message=message,
        finished_at=now,
        result={"stopped": "worker_lost" if job.status == JobStatus.RUNNING else "not_started"},
    )
    if not failed:
        return False
    job_restore_status(job)
    audit.record(
        actor=None,
        instance=job,
        action="action",
        summary=_("Berechnung beendet: Rechenknoten antwortet nicht"),
    )
    logger.warning("presence solver job %s lost its worker (status was %s)", job.pk, job.status)
    return True


def job_finish(job: SolverJob, status: str, message: str, **extra) -> bool:
    """Ends the job unless something else ended it first (the stale check, a cancel before
    the start); returns whether this call ended it."""
    return bool(
        SolverJob.objects.filter(pk=job.pk, status__in=ACTIVE).update(
            status=status, message=message, finished_at=now_or(), **extra
        )
    )


def job_plan_note(job: SolverJob) -> str:
    """What the planner has after a job that stopped early (in the active language)."""
    if job.kind == SolverJob.Kind.SPACE:
        return _("Der Plan des Zeitraums ist davon nicht betroffen.")
    if PlanAssignment.objects.filter(period_id=job.period_id).exists():
        return _("Der bisherige Plan bleibt unverändert.")
    return _("Es gibt noch keinen Plan.")


def job_restore_status(job: SolverJob) -> None:
    """The period's status follows its plan again after `job` ended without a new plan,
    unless another job for the period is already running (started after a lost one)."""
    if job.kind == SolverJob.Kind.SPACE:
        return
    others = SolverJob.objects.filter(period_id=job.period_id, status__in=ACTIVE).exclude(
        Q(pk=job.pk) | Q(kind=SolverJob.Kind.SPACE)
    )
    if others.exists():
        return
    has_plan = PlanAssignment.objects.filter(period_id=job.period_id).exists()
    published = PlanVersion.objects.filter(period_id=job.period_id).exists()
    status = (
        Status.PUBLISHED if published and has_plan else Status.SOLVED if has_plan else Status.DRAFT
    )
    PlanningPeriod.objects.filter(pk=job.period_id).update(status=status)


def job_end_early(job: SolverJob, status: str, message: str, reason: str, **values) -> None:
    """Ends a job without a new plan; the message says what the planner still has."""
    message = message % {"plan": job_plan_note(job), **values}
    if job_finish(job, status, message, result={"stopped": reason}):
        job_restore_status(job)
