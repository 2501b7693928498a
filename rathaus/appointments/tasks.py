"""Celery tasks of the appointments app (inline when no broker is configured).

Periodic (beat): ``purge_personal_data`` daily, ``release_expired`` every 60 s,
``send_reminders`` every 10 minutes (to be added to CELERY_BEAT_SCHEDULE by the lead).
"""

from __future__ import annotations

from celery import shared_task

from rathaus.appointments import mails
from rathaus.appointments.services import maintenance, waiting_list


@shared_task(ignore_result=True)
def send_appointment_mail(kind: str, appointment_id: int, token: str = "", extra: str = ""):
    mails.send_appointment_mail(kind, appointment_id, token, extra)


@shared_task(ignore_result=True)
def send_waiting_list_mail(kind: str, object_id: int, token: str):
    mails.send_waiting_list_mail(kind, object_id, token)


@shared_task(ignore_result=True)
def purge_personal_data():
    return maintenance.personal_data_purge()


@shared_task(ignore_result=True)
def release_expired():
    return maintenance.appointments_release_expired()


@shared_task(ignore_result=True)
def send_reminders():
    return maintenance.appointments_send_reminders()


@shared_task(ignore_result=True)
def match_waiting_list():
    return len(waiting_list.waiting_list_match())
