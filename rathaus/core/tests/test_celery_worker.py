"""A real Celery worker consumes a task from the local Redis broker and its result comes back."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[3]
BROKER = os.environ.get("RATHAUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.celery
@pytest.mark.skipif(not _redis_up(), reason="needs Redis at 127.0.0.1:6379 (started by .ci/run)")
def test_worker_executes_enqueued_task_and_result_is_seen():
    env = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "DATABASE_URL": "",
        "RATHAUS_TESTING": "1",
    }
    worker = subprocess.Popen(
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
            "rathaus-test",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        client = Celery(broker=BROKER, backend=BROKER)
        result = client.send_task("rathaus.core.tasks.add", args=(20, 22), queue="rathaus-test")
        deadline = time.monotonic() + 300  # a ceiling: the loop ends as soon as the result is in
        while not result.ready() and time.monotonic() < deadline:
            if worker.poll() is not None:
                pytest.fail(
                    "worker exited: " + worker.stdout.read().decode(errors="replace")[-2000:]
                )
            time.sleep(0.2)
        # Inline (eager) tasks of earlier tests in this process may have marked it as "inside
        # a task"; this process is not a worker, so waiting here cannot deadlock.
        assert result.get(timeout=60, disable_sync_subtasks=False) == 42
    finally:
        worker.terminate()
        worker.wait(timeout=120)
