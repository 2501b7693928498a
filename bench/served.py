"""Shared set-up of the HTTP benchmarks (elections, meetings, participation): a fresh
PostgreSQL database holding the demo region, the environment of the gunicorn server under
test, and waiting until that server answers."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def pg_url(db_name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{db_name}"


def server_env(db_name: str, **extra: str) -> dict:
    """Production-like settings (no debug, quiet log, long-lived connections) on ``db_name``."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=pg_url(db_name),
        RATHAUS_ENV="development",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="600",
        **extra,
    )
    env.pop("RATHAUS_TESTING", None)
    return env


def drop_database(db_name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def recreate_database(python: str, db_name: str, env: dict) -> None:
    """Drop and create ``db_name``, migrate it and load the demo region."""
    drop_database(db_name)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "load_demo"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_for(port: int, seconds: float = 60) -> None:
    """Until the server on ``port`` answers the trivial JSON endpoint."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/ping")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def start_gunicorn(
    python: str, port: int, workers: int, threads: int, env: dict, extra: tuple[str, ...] = ()
):
    """The server under test: gunicorn with threaded workers, quiet log, keep-alive 5 s;
    ``extra`` adds gunicorn options (e.g. an access log with the server time per request)."""
    gunicorn = shutil.which("gunicorn", path=str(Path(python).parent)) or "gunicorn"
    command = [gunicorn, "config.wsgi", "-w", str(workers), "-k", "gthread"]
    command += ["--threads", str(threads), "-b", f"127.0.0.1:{port}"]
    command += ["--keep-alive", "5", "--log-level", "warning", *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env)
