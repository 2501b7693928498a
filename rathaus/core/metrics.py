"""Operations metrics in the Prometheus text format (``GET /metrics``).

What is measured, and where:

- requests and latencies: ``MetricsMiddleware`` (per method, URL pattern name and status class;
  never the path itself, which may carry tokens or IDs);
- Celery task failures and outcomes: signal handlers below, counted in the shared cache so
  that the web process can report what the workers saw;
- Celery queue lengths, solver jobs by status, appointments booked: read when scraped
  (``StateCollector``), at most every ``RATHAUS_METRICS_STATE_SECONDS`` (15) seconds.

With several gunicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder per start):
prometheus-client then adds up the workers' request counters.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

from celery import current_app
from celery.signals import task_failure, task_success
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter(
    "rathaus_http_requests",
    "HTTP requests answered, by method, URL pattern name and status class",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "rathaus_http_request_duration_seconds",
    "Time from the request reaching the app to the response, by method and URL pattern name",
    ["method", "view"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

TASK_COUNT_KEY = "rathaus:metrics:tasks"
TASK_OUTCOMES = ("succeeded", "failed")


class MetricsMiddleware:
    """Counts every request and its latency under the name of the URL pattern it matched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unmatched"
        LATENCY.labels(request.method, view).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, view, f"{response.status_code // 100}xx").inc()
        return response


# --- Celery outcomes, counted in the shared cache (workers and web processes meet there) ---


def _count_task(sender, outcome: str) -> None:
    name = getattr(sender, "name", None) or str(sender)
    key = f"{TASK_COUNT_KEY}:{outcome}:{name}"
    try:
        if not cache.add(key, 1, timeout=None):
            cache.incr(key)
        names = set(cache.get(TASK_COUNT_KEY) or ())
        if name not in names:
            cache.set(TASK_COUNT_KEY, sorted(names | {name}), timeout=None)
    except Exception:  # noqa: BLE001 - metrics never break a task
        return


@task_failure.connect(weak=False)
def _on_task_failure(sender=None, **kwargs):
    _count_task(sender, "failed")


@task_success.connect(weak=False)
def _on_task_success(sender=None, **kwargs):
    _count_task(sender, "succeeded")


def task_counts() -> dict[tuple[str, str], int]:
    names = cache.get(TASK_COUNT_KEY) or []
    keys = {f"{TASK_COUNT_KEY}:{o}:{n}": (n, o) for n in names for o in TASK_OUTCOMES}
    found = cache.get_many(list(keys))
    return {keys[key]: int(value) for key, value in found.items()}


# --- state read when scraped ---------------------------------------------------------------


def celery_queue_lengths() -> dict[str, int] | None:
    """Messages waiting per queue (``celery``, ``solver``); None without a reachable broker."""
    if not getattr(settings, "CELERY_BROKER_URL", ""):
        return None
    lengths = {}
    try:
        with current_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            channel = conn.default_channel
            for queue in ("celery", "solver"):
                try:
                    lengths[queue] = channel.queue_declare(queue=queue, passive=True).message_count
                except Exception:  # noqa: BLE001 - a queue nobody declared yet holds nothing
                    lengths[queue] = 0
    except Exception:  # noqa: BLE001 - an unreachable broker is a finding, not an error
        return None
    return lengths


def _counts_by_status(label: str) -> dict[str, int]:
    try:
        model = apps.get_model(label)
    except LookupError:
        return {}
    rows = model.objects.values_list("status").annotate(n=Count("id")).order_by()
    return dict(rows)


def _booked_since(hours: int, now) -> int:
    try:
        model = apps.get_model("appointments.Appointment")
    except LookupError:
        return 0
    return model.objects.filter(booked_at__gte=now - timedelta(hours=hours)).count()


def database_state(now=None) -> dict:
    """Solver jobs by status and appointments booked lately; cached for a few seconds."""
    seconds = int(getattr(settings, "RATHAUS_METRICS_STATE_SECONDS", 15))
    key = "rathaus:metrics:state"
    state = cache.get(key) if seconds else None
    if state is None:
        now = now or timezone.now()
        state = {
            "solver_jobs": _counts_by_status("presence.SolverJob"),
            "booked_hour": _booked_since(1, now),
            "booked_day": _booked_since(24, now),
        }
        if seconds:
            cache.set(key, state, seconds)
    return state


class StateCollector:
    """Gauges read from the database, the broker and the shared cache when scraped."""

    def collect(self):
        state = database_state()
        jobs = GaugeMetricFamily(
            "rathaus_solver_jobs", "Roster solver jobs by status", labels=["status"]
        )
        for status, count in sorted(state["solver_jobs"].items()):
            jobs.add_metric([status], count)
        yield jobs
        booked = GaugeMetricFamily(
            "rathaus_appointments_booked",
            "Appointments booked within the window (booking rate)",
            labels=["window"],
        )
        booked.add_metric(["1h"], state["booked_hour"])
        booked.add_metric(["24h"], state["booked_day"])
        yield booked
        yield from _celery_metrics()


def _celery_metrics():
    lengths = celery_queue_lengths()
    up = GaugeMetricFamily("rathaus_celery_broker_up", "1 when the broker answered the scrape")
    up.add_metric([], 0 if lengths is None else 1)
    yield up
    queues = GaugeMetricFamily(
        "rathaus_celery_queue_length", "Messages waiting in a Celery queue", labels=["queue"]
    )
    for queue, length in sorted((lengths or {}).items()):
        queues.add_metric([queue], length)
    yield queues
    tasks = GaugeMetricFamily(
        "rathaus_celery_tasks",
        "Celery tasks finished since the cache was last emptied, by task and outcome",
        labels=["task", "outcome"],
    )
    for (name, outcome), count in sorted(task_counts().items()):
        tasks.add_metric([name, outcome], count)
    yield tasks


def exposition() -> tuple[bytes, str]:
    """The metrics page's body and content type."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(StateCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST
