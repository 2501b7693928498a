"""The Prometheus endpoint: closed without the token, and it reports what operations watch."""

import copy
import io
import json
import logging.config
from datetime import timedelta

import pytest
from celery import current_app, shared_task
from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

from rathaus.appointments.tests import tenancy_samples as appointment_samples
from rathaus.presence.tests import tenancy_samples as presence_samples

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-0123456789"


@pytest.fixture(autouse=True)
def _metrics_settings(settings):
    settings.RATHAUS_METRICS_TOKEN = TOKEN
    settings.RATHAUS_METRICS_NETWORKS = []
    settings.RATHAUS_METRICS_STATE_SECONDS = 0
    cache.clear()


def _scrape(client, **headers):
    return client.get("/metrics", **headers)


def _with_token(client):
    response = _scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_without_the_token_the_metrics_are_refused(client):
    assert _scrape(client).status_code == 403
    assert _scrape(client, HTTP_AUTHORIZATION="Bearer falsch").status_code == 403
    assert _scrape(client, HTTP_AUTHORIZATION=TOKEN).status_code == 403


def test_an_empty_token_setting_opens_nothing(client, settings):
    settings.RATHAUS_METRICS_TOKEN = ""
    assert _scrape(client, HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_a_configured_network_may_scrape_without_the_token(client, settings):
    settings.RATHAUS_LOOPBACK_ONLY = False  # as in production
    settings.RATHAUS_METRICS_NETWORKS = ["10.1.0.0/16"]
    assert _scrape(client, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert _scrape(client, REMOTE_ADDR="10.2.2.3").status_code == 403


def test_requests_and_their_latency_are_counted_by_url_name(client):
    client.get("/healthz")
    text = _with_token(client)
    assert 'rathaus_http_requests_total{method="GET",status="2xx",view="healthz"}' in text
    assert (
        'rathaus_http_request_duration_seconds_bucket{le="0.025",method="GET",view="healthz"}'
        in (text)
    )
    assert "/healthz" not in text  # names, never paths


def test_solver_jobs_and_the_booking_rate_are_reported(client, town):
    presence_samples.create(town, "Metrik")
    appointment_samples.create(town, "Metrik")
    appointment = apps.get_model("appointments.Appointment")
    now = timezone.now()
    first, second, third = appointment.objects.order_by("id")[:3]
    appointment.objects.filter(pk=first.pk).update(booked_at=now - timedelta(minutes=5))
    appointment.objects.filter(pk=second.pk).update(booked_at=now - timedelta(hours=3))
    appointment.objects.filter(pk=third.pk).update(booked_at=now - timedelta(days=3))
    text = _with_token(client)
    assert 'rathaus_solver_jobs{status="queued"} 1.0' in text
    assert 'rathaus_appointments_booked{window="1h"} 1.0' in text
    assert 'rathaus_appointments_booked{window="24h"} 2.0' in text


@shared_task(name="rathaus.core.tests.metrics_probe")
def _probe(fail: bool):
    if fail:
        raise RuntimeError("kaputt")
    return "ok"


def test_celery_task_failures_are_counted(client, settings):
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    _probe.apply(args=[True])
    _probe.apply(args=[True])
    _probe.apply(args=[False])
    text = _with_token(client)
    assert (
        'rathaus_celery_tasks{outcome="failed",task="rathaus.core.tests.metrics_probe"} 2.0' in text
    )
    assert (
        'rathaus_celery_tasks{outcome="succeeded",task="rathaus.core.tests.metrics_probe"} 1.0'
        in text
    )


def test_without_a_broker_the_queue_lengths_say_so(client, settings):
    settings.CELERY_BROKER_URL = ""
    text = _with_token(client)
    assert "rathaus_celery_broker_up 0.0" in text


def test_json_logs_are_one_object_per_line_without_personal_data(settings):
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"].update({"formatter": "json", "stream": stream})
    logging.config.dictConfig(config)
    try:
        logging.getLogger("rathaus.test").warning("Mail an %s fehlgeschlagen", "anna@example.org")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    record = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert record["level"] == "WARNING"
    assert record["logger"] == "rathaus.test"
    assert record["message"] == "Mail an [e-mail] fehlgeschlagen"
    assert "anna@example.org" not in stream.getvalue()


@pytest.mark.celery
def test_queue_lengths_are_read_from_the_broker(client, settings, monkeypatch):
    url = "redis://127.0.0.1:6379/13"
    settings.CELERY_BROKER_URL = url
    monkeypatch.setattr(current_app.conf, "broker_url", url)
    with current_app.connection_for_write() as conn:
        queue = conn.SimpleQueue("solver")
        queue.queue.purge()
        for number in range(3):
            queue.put({"job": number})
        try:
            text = _with_token(client)
        finally:
            queue.queue.purge()
            queue.close()
    assert "rathaus_celery_broker_up 1.0" in text
    assert 'rathaus_celery_queue_length{queue="solver"} 3.0' in text
    assert 'rathaus_celery_queue_length{queue="celery"} 0.0' in text
