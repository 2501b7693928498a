"""gunicorn configuration for the web processes: ``gunicorn -c config/gunicorn.py config.wsgi``.

Workers, threads and the bind address stay on the command line (docs/operations.md); this file
only holds what a command line cannot say.

``post_fork`` sets the interpreter's switch interval in every worker: how long a thread may
hold the interpreter lock while another one waits for it. Python's default is 5 ms; with
eight busy booking threads in a process, a short read waits several such turns before it
runs. ``RATHAUS_SWITCH_INTERVAL_MS`` overrides the value (``0`` keeps Python's default).
"""

import os
import sys

DEFAULT_SWITCH_INTERVAL_MS = 1.0


def switch_interval_seconds(environ=os.environ) -> float | None:
    """The switch interval a worker gets, in seconds; ``None`` keeps Python's default."""
    raw = environ.get("RATHAUS_SWITCH_INTERVAL_MS", "").strip()
    ms = float(raw) if raw else DEFAULT_SWITCH_INTERVAL_MS
    return ms / 1000 if ms > 0 else None


def post_fork(server, worker):
    seconds = switch_interval_seconds()
    if seconds is not None:
        sys.setswitchinterval(seconds)
