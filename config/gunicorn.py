"""gunicorn configuration for the web processes: ``gunicorn -c config/gunicorn.py config.wsgi``.

Workers, threads and the bind address stay on the command line (docs/operations.md); this file
only holds what a command line cannot say.

``post_fork`` sets the interpreter's switch interval in every worker: how long a thread may
hold the interpreter lock while another one waits for it. Python's default is 5 ms; with
several busy threads in a process, a short read waits several such turns before it runs.
``RATHAUS_SWITCH_INTERVAL_MS`` sets it (milliseconds); unset or ``0`` keeps Python's default,
because 1 ms in the booking processes did not make reads faster and cost bookings/s
(docs/benchmarks-appointments.md, branch ``appread18c``). The optional availability read
pool (docs/operations.md) runs with 1 ms.
"""

import os
import sys

DEFAULT_SWITCH_INTERVAL_MS = 0.0  # Python's own (5 ms)


def switch_interval_seconds(environ=os.environ) -> float | None:
    """The switch interval a worker gets, in seconds; ``None`` keeps Python's default."""
    raw = environ.get("RATHAUS_SWITCH_INTERVAL_MS", "").strip()
    ms = float(raw) if raw else DEFAULT_SWITCH_INTERVAL_MS
    return ms / 1000 if ms > 0 else None


def post_fork(server, worker):
    seconds = switch_interval_seconds()
    if seconds is not None:
        sys.setswitchinterval(seconds)
