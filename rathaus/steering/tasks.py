"""Background jobs of the steering app (inline when no broker is configured)."""

from celery import shared_task


@shared_task(name="rathaus.steering.tasks.sweep")
def sweep() -> int:
    """Nightly: re-analyse indicators, open cases for missing reports and budget overruns."""
    from rathaus.steering.services.projects import steering_sweep_all

    return steering_sweep_all()
