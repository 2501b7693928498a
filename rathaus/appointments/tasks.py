"""Celery tasks of the appointments app (inline when no broker is configured).

Each task is two lines: it imports its service or mail builder inside the function, so the
services can queue tasks on commit (``transaction.on_commit(lambda: task.delay(…))``) without
an import circle. Periodic (beat, see ``CELERY_BEAT_SCHEDULE`` and docs/operations.md):
``purge_personal_data`` daily, ``release_expired`` every minute, ``send_reminders`` every
15 minutes, ``match_waiting_list`` every 5 minutes, ``refresh_availability_index`` every 10
minutes, ``send_queued_mails`` every minute (the e-mail queue's safety net: jobs of a worker
that died; a booking's commit wakes it at once otherwise).
"""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def send_appointment_mail(
    kind: str, appointment_id: int, token: str = "", extra: str = "", base_url: str = ""
):
    from rathaus.appointments import mails

    mails.send_appointment_mail(kind, appointment_id, token, extra, base_url=base_url)


@shared_task(ignore_result=True)
def send_queued_mails():
    from rathaus.appointments import mails

    if mails.queued_mails_send():  # time was up with jobs left: the next run goes on
        send_queued_mails.delay()


@shared_task(ignore_result=True)
def send_waiting_list_mail(kind: str, object_id: int, token: str, base_url: str = ""):
    from rathaus.appointments import mails

    mails.send_waiting_list_mail(kind, object_id, token, base_url=base_url)


@shared_task(ignore_result=True)
def purge_personal_data():
    from rathaus.appointments.services import maintenance

    return maintenance.personal_data_purge()


@shared_task(ignore_result=True)
def release_expired():
    from rathaus.appointments.services import maintenance

    return maintenance.appointments_release_expired()


@shared_task(ignore_result=True)
def send_reminders():
    from rathaus.appointments.services import maintenance

    return maintenance.appointments_send_reminders()


@shared_task(ignore_result=True)
def match_waiting_list():
    from rathaus.appointments.services import waiting_list

    return len(waiting_list.waiting_list_match())


@shared_task(ignore_result=True)
def refresh_availability_index():
    from rathaus.appointments.services import maintenance

    return maintenance.availability_index_refresh()
