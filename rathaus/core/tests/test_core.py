import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from rathaus.core.logging import RedactPersonalData
from rathaus.core.models import Role

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_start_page_shows_what_each_role_can_do(client, town, make_user):
    anonymous = client.get("/").content.decode()
    assert "Anmeldung für Beschäftigte" in anonymous
    assert "/stammdaten/import/" not in anonymous

    planner = make_user(Role.PLANNER, municipality=town)
    client.force_login(planner)
    page = client.get("/").content.decode()
    assert "/stammdaten/import/" in page
    assert "/stammdaten/protokoll/" not in page  # audit log is for admins and leadership

    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    assert "/stammdaten/protokoll/" in client.get("/").content.decode()


@pytest.mark.django_db
def test_staff_pages_need_login_and_permission(client, town, make_user):
    assert client.get("/stammdaten/beschaeftigte/").status_code == 302
    client.force_login(make_user(Role.EMPLOYEE, municipality=town))
    assert client.get("/stammdaten/beschaeftigte/").status_code == 403
    assert client.get("/stammdaten/import/").status_code == 403


@pytest.mark.django_db
def test_login_is_throttled_after_five_failures(client, town, make_user):
    make_user(Role.EMPLOYEE, municipality=town, username="erika")
    for _ in range(5):
        client.post("/konto/anmelden/", {"username": "erika", "password": "falsch"})
    locked = client.post("/konto/anmelden/", {"username": "erika", "password": "test-passwort-123"})
    assert locked.status_code == 429
    assert "vorübergehend gesperrt" in locked.content.decode()


@pytest.mark.django_db
def test_login_and_password_reset_by_email(client, town, make_user):
    make_user(Role.EMPLOYEE, municipality=town, username="max", email="max@example.org")
    ok = client.post("/konto/anmelden/", {"username": "max", "password": "test-passwort-123"})
    assert ok.status_code == 302
    client.post("/konto/abmelden/")
    client.post("/konto/passwort-vergessen/", {"email": "max@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/konto/passwort-neu/" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert "Neues Passwort setzen" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Sehr-sicher-2026!", "new_password2": "Sehr-sicher-2026!"},
    )
    assert done.status_code == 302
    relogin = client.post("/konto/anmelden/", {"username": "max", "password": "Sehr-sicher-2026!"})
    assert relogin.status_code == 302


@pytest.mark.django_db
def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html


def test_log_lines_never_contain_email_or_phone():
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "Termin für %s, Tel. %s",
        ("erika@example.org", "+49 171 2345678"),
        None,
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == "Termin für [e-mail], Tel. [telefon]"


@pytest.mark.django_db
def test_api_errors_are_problem_json(client):
    assert client.get("/api/v1/ping").json() == {"ok": True}
    response = client.get("/api/v1/core/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["code"] == "not_authenticated" and body["detail"] == "Anmeldung erforderlich."


def _run_django(code: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "RATHAUS_", "SECRET_KEY", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, *code.split()],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run_django(
        "manage.py check", {"RATHAUS_ENV": "production", "ALLOWED_HOSTS": "rathaus.example.org"}
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    env = {
        "RATHAUS_ENV": "production",
        "SECRET_KEY": "x" * 30 + "-prod-key-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "rathaus.example.org",
        "EMAIL_URL": "smtp://mail.example.org:25",
    }
    result = _run_django("manage.py check --deploy --fail-level WARNING", env)
    assert result.returncode == 0, result.stdout + result.stderr
