"""Unsafe defaults refused (issue 9, items 5 and 18) and a log filter that redacts only people."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from rathaus.core.logging import RedactPersonalData, redact

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 50


def _settings(**env) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RATHAUS_", "EMAIL_"))}
    clean.update({"DATABASE_URL": "", "SECRET_KEY": "", "ALLOWED_HOSTS": ""})
    clean.update(env)
    code = (
        "import config.settings as s; "
        "print(s.EMAIL_BACKEND, getattr(s, 'EMAIL_FILE_PATH', ''), s.RATHAUS_LOOPBACK_ONLY)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_console_mail_backend_and_a_missing_mail_url():
    base = {"RATHAUS_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "rathaus.de"}
    for url in ("consolemail://", None):
        env = dict(base) | ({"EMAIL_URL": url} if url else {})
        result = _settings(**env)
        assert result.returncode != 0
        assert "EMAIL_URL must name a mail server" in result.stderr
    ok = _settings(**base, EMAIL_URL="smtp://mail.example.org:25")
    assert ok.returncode == 0, ok.stderr
    assert "smtp.EmailBackend" in ok.stdout and ok.stdout.split()[-1] == "False"


def test_production_refuses_empty_allowed_hosts():
    result = _settings(
        RATHAUS_ENV="production", SECRET_KEY=GOOD_KEY, EMAIL_URL="smtp://mail.example.org"
    )
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_filemail_with_three_slashes_is_an_absolute_path():
    result = _settings(EMAIL_URL="filemail:///var/tmp/rathaus-mail")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "/var/tmp/rathaus-mail"


@pytest.mark.django_db
def test_the_development_key_serves_loopback_only(client):
    result = _settings()
    assert result.returncode == 0 and result.stdout.split()[-1] == "True"
    with override_settings(RATHAUS_LOOPBACK_ONLY=True):
        assert client.get("/healthz", REMOTE_ADDR="127.0.0.1").status_code == 200
        assert client.get("/healthz", REMOTE_ADDR="::1").status_code == 200
        refused = client.get("/healthz", REMOTE_ADDR="192.0.2.10")
        assert refused.status_code == 403 and "Entwicklungsmodus" in refused.content.decode()
    with override_settings(RATHAUS_LOOPBACK_ONLY=False):
        assert client.get("/healthz", REMOTE_ADDR="192.0.2.10").status_code == 200


@pytest.mark.parametrize(
    "line",
    [
        "Task rathaus.appointments.tasks.send_mail[5f0c2a1e-7a8b-4c3d-9e0f-123456789abc] "
        "succeeded in 0.0123456789s: None",
        "Job 12 succeeded in 12345678.5s",
        "Termin am 2026-12-03 04:05 gebucht",
    ],
)
def test_the_log_filter_leaves_task_ids_durations_and_dates_alone(line):
    assert redact(line) == line


def test_the_log_filter_still_redacts_phone_numbers_at_the_end_of_a_sentence():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "Rückruf unter %s.", ("0171-2345678",), None
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == "Rückruf unter [telefon]."
