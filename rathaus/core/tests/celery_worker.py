"""A real Celery worker in a subprocess for tests (Redis broker, started by .ci/run)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rathaus.core.tests.waiting import CEILING

ROOT = Path(__file__).resolve().parents[3]
BROKER = os.environ.get("RATHAUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=5):
            return True
    except OSError:
        return False


class Worker:
    def __init__(self, process: subprocess.Popen, log) -> None:
        self.process = process
        self._log = log

    def output(self) -> str:
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-3000:]

    def alive(self) -> bool:
        return self.process.poll() is None


@contextmanager
def celery_worker(queue: str, **env: str) -> Iterator[Worker]:
    """A solo-pool worker consuming `queue` (its own name, so parallel runs never share
    tasks); extra environment variables configure it (DATABASE_URL, settings)."""
    environment = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "DATABASE_URL": "",
        "RATHAUS_TESTING": "1",
        **env,
    }
    # A file, not a pipe: a chatty worker must never block on a full pipe.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield Worker(process, log)
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=CEILING)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
