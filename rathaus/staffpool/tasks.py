"""Background jobs of the staff pool."""

from celery import shared_task


@shared_task(name="rathaus.staffpool.tasks.remind_ending", ignore_result=True)
def remind_ending() -> int:
    """Reminders before secondments end (beat: daily)."""
    from rathaus.staffpool.services.maintenance import secondments_remind_ending

    return secondments_remind_ending()
