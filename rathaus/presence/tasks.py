"""Background jobs of the presence app (inline when no broker is configured). Two lines each:
the work is in the services."""

from celery import shared_task


@shared_task(name="rathaus.presence.tasks.run_solver_job")
def run_solver_job(job_id: int) -> None:
    """Solve, replan or space-plan a period; updates the SolverJob row with progress."""
    from rathaus.presence.services import solving

    solving.job_run(job_id=job_id)


@shared_task(name="rathaus.presence.tasks.fail_stale_jobs")
def fail_stale_jobs() -> int:
    """Fails jobs whose worker stopped answering (beat: every minute)."""
    from rathaus.presence.services import jobs

    return jobs.jobs_fail_stale()
