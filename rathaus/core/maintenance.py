"""Periodic jobs of the core app, and running every periodic job without Celery beat.

``login_attempts_purge``: django-axes keeps each login attempt with the client's IP address
and user name; they are deleted after ``RATHAUS_LOGIN_ATTEMPT_RETENTION_DAYS`` (30).

``due_jobs(now)`` / ``run_due_jobs(now)``: ``CELERY_BEAT_SCHEDULE`` read as a plan for a cron
line that calls ``manage.py run_periodic_jobs`` every minute (no broker, no beat): interval
jobs (every minute … every 15 minutes; each is idempotent) run on every call, crontab jobs
when the minute matches their schedule (Europe/Berlin).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


def login_attempts_purge(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RATHAUS_LOGIN_ATTEMPT_RETENTION_DAYS)
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        deleted += count
    return deleted


def _crontab_due(schedule: crontab, local: datetime) -> bool:
    return (
        local.minute in schedule.minute
        and local.hour in schedule.hour
        and local.isoweekday() % 7 in schedule.day_of_week
        and local.day in schedule.day_of_month
        and local.month in schedule.month_of_year
    )


def due_jobs(now: datetime | None = None) -> list[tuple[str, str]]:
    """(name, task path) of the beat entries due in this minute."""
    local = timezone.localtime(now or timezone.now())
    due = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        if isinstance(schedule, crontab):
            if _crontab_due(schedule, local):
                due.append((name, entry["task"]))
        else:
            due.append((name, entry["task"]))
    return due


def run_due_jobs(now: datetime | None = None, *, only: str | None = None) -> dict[str, object]:
    """Run due jobs in this process (``only``: that one, due or not); name → result."""
    jobs = (
        [(n, e["task"]) for n, e in settings.CELERY_BEAT_SCHEDULE.items() if n == only]
        if only
        else due_jobs(now)
    )
    results = {}
    for name, task_path in jobs:
        task = import_string(task_path)
        results[name] = task.apply().get()
    return results
