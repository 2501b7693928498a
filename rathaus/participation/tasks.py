"""Background jobs of participation (two lines each; the work is in services).

Each task imports its service inside (house rule 6), so that services may queue tasks without
an import cycle; hence the PLC0415 exceptions.
"""

from celery import shared_task


@shared_task(name="rathaus.participation.tasks.purge_personal_data", ignore_result=True)
def purge_personal_data() -> int:
    """Retention of participants' personal data (beat: daily)."""
    from rathaus.participation.services import maintenance  # noqa: PLC0415

    return maintenance.participants_purge_expired().participants


@shared_task(name="rathaus.participation.tasks.send_registration_mail", ignore_result=True)
def send_registration_mail(registration_id: int, kind: str, token: str = "") -> bool:
    """Conference registration: confirmed, on the waiting list, moved up."""
    from rathaus.participation.mails import registration_mail  # noqa: PLC0415

    return registration_mail(registration_id=registration_id, kind=kind, token=token)
