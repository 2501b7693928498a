"""Background jobs of the presence app (inline when no broker is configured)."""

from celery import shared_task


@shared_task(name="rathaus.presence.tasks.run_solver_job")
def run_solver_job(job_id: int) -> None:
    """Solve, replan or space-plan a period; updates the SolverJob row with progress."""
    from rathaus.presence.services_jobs import run_job

    run_job(job_id)


@shared_task(name="rathaus.presence.tasks.fail_stale_jobs")
def fail_stale_jobs(max_age_minutes: int = 60) -> int:
    """Marks jobs that have been running for too long (lost worker) as failed."""
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.translation import gettext as _

    from rathaus.presence.models import SolverJob
    from rathaus.presence.services_jobs import _restore_status

    cutoff = timezone.now() - timedelta(minutes=max_age_minutes)
    stale = list(
        SolverJob.objects.filter(
            status__in=("queued", "running"), created_at__lt=cutoff
        ).select_related("period")
    )
    for job in stale:
        SolverJob.objects.filter(pk=job.pk).update(
            status=SolverJob.Status.FAILED,
            message=_("Die Berechnung wurde nicht beendet (Rechenknoten nicht erreichbar)."),
            finished_at=timezone.now(),
        )
        if job.kind != SolverJob.Kind.SPACE:
            _restore_status(job.period)
    return len(stale)
