"""Background jobs of participation (two lines each; the work is in services)."""

from celery import shared_task


@shared_task(name="rathaus.participation.tasks.purge_personal_data", ignore_result=True)
def purge_personal_data() -> int:
    """Retention of participants' personal data (beat: daily)."""
    from rathaus.participation.services.maintenance import participants_purge_expired

    return participants_purge_expired().participants
