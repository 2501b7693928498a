"""Periodic jobs run without beat (cron + manage.py), login attempts are purged (issue 9, 12)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.utils import timezone

from rathaus.core.maintenance import due_jobs, login_attempts_purge

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.django_db
def test_login_attempts_with_ip_addresses_are_purged_after_the_retention(settings):
    settings.RATHAUS_LOGIN_ATTEMPT_RETENTION_DAYS = 30
    now = timezone.now()
    for days in (31, 5):
        for model in (AccessAttempt, AccessFailureLog):
            extra = {"failures_since_start": 1} if model is AccessAttempt else {}
            row = model.objects.create(
                username=f"erika{days}",
                ip_address="203.0.113.5",
                user_agent="x",
                path_info="/",
                **extra,
            )
            model.objects.filter(pk=row.pk).update(attempt_time=now - timedelta(days=days))
    assert login_attempts_purge(now=now) == 2
    assert AccessAttempt.objects.count() == 1 and AccessFailureLog.objects.count() == 1


def test_interval_jobs_are_due_every_minute_and_daily_jobs_at_their_minute():
    at_night = datetime(2026, 12, 3, 3, 15, tzinfo=BERLIN)
    names = {name for name, _task in due_jobs(at_night)}
    assert "appointments-expire-holds" in names and "appointments-retention" in names
    assert "core-login-attempt-retention" not in names
    later = {name for name, _ in due_jobs(at_night + timedelta(minutes=35))}
    assert "core-login-attempt-retention" in later and "appointments-retention" not in later


@pytest.mark.django_db
def test_the_command_runs_a_named_job_in_this_process(capsys):
    call_command("run_periodic_jobs", "--job", "core-login-attempt-retention")
    assert capsys.readouterr().out.strip() == "core-login-attempt-retention: 0"
    call_command("run_periodic_jobs", "--list")
    assert "appointments-expire-holds" in capsys.readouterr().out
