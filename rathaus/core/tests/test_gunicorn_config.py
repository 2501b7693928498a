"""config/gunicorn.py: a real gunicorn started with it gives its workers the configured
interpreter switch interval (docs/operations.md "Processes")."""

import http.client
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rathaus.core.tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).parent / "gunicorn"


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self.path)


class _Gunicorn:
    """gunicorn with config/gunicorn.py on a Unix socket (no port needed)."""

    def __init__(self, tmp_path, env):
        self.sock = str(tmp_path / "g.sock")
        self.log = tmp_path / "g.log"
        cmd = [str(GUNICORN), "-c", "config/gunicorn.py", "rathaus.core.tests.switch_interval_app"]
        cmd += ["-w", "1", "-k", "gthread", "--threads", "2", "-b", f"unix:{self.sock}"]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def alive(self):
        return self.proc.poll() is None

    def output(self):
        return self.log.read_text(errors="replace")

    def get(self):
        conn = _UnixConnection(self.sock)
        try:
            conn.request("GET", "/")
            return conn.getresponse().read().decode()
        except OSError:
            return None
        finally:
            conn.close()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)


def _worker_switch_interval(tmp_path, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("RATHAUS_SWITCH_INTERVAL_MS", raising=False)
    else:
        monkeypatch.setenv("RATHAUS_SWITCH_INTERVAL_MS", value)
    server = _Gunicorn(tmp_path, dict(os.environ))
    try:
        answers = []
        wait_for(lambda: answers.append(server.get()) or answers[-1], "gunicorn", worker=server)
        return float(answers[-1])
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("env_value", "expected"),
    [("1", 0.001), ("2.5", 0.0025), ("0", 0.005), (None, 0.005)],
)
def test_workers_run_with_the_configured_switch_interval(
    tmp_path, monkeypatch, env_value, expected
):
    # 0.005 s is Python's own default: unset or 0 leaves the interpreter as it is
    assert _worker_switch_interval(tmp_path, monkeypatch, env_value) == pytest.approx(expected)
