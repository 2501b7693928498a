"""A real Celery worker sends the e-mail queue: every booking's opt-in e-mail exactly once,
also when the worker is restarted while citizens keep booking."""

import os
import tempfile
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.db import connection

from rathaus.appointments import tasks
from rathaus.appointments.selectors import mail_queue
from rathaus.appointments.services import booking
from rathaus.appointments.tests.helpers import BERLIN, office_open_tomorrow
from rathaus.core.tests.celery_worker import BROKER, celery_worker, redis_up
from rathaus.core.tests.waiting import wait_for

PREFIX = "rathaus:1:appointments:"  # the cache's key prefix in the worker (KEY_PREFIX "rathaus")


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def _sent_to(outbox: Path) -> list[str]:
    """The recipients of every message the worker's file backend wrote."""
    return [
        line.split(":", 1)[1].strip()
        for path in outbox.iterdir()
        for line in path.read_text(errors="replace").splitlines()
        if line.startswith("To: ")
    ]


@pytest.mark.celery
@pytest.mark.skipif(not redis_up(), reason="needs Redis at 127.0.0.1:6379 (started by .ci/run)")
@pytest.mark.django_db(transaction=True)
def test_every_booking_gets_its_opt_in_mail_exactly_once_across_a_worker_restart(town, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the test database: runs in the PostgreSQL pass")
    client = redis.Redis.from_url(BROKER)
    store = mail_queue.MailQueue(client, prefix=PREFIX)
    for key in (store.queue_key, store.taken_key, store.awake_key):
        client.delete(key)
    monkeypatch.setattr(mail_queue, "_queue", store)
    monkeypatch.setattr(mail_queue, "enabled", lambda: True)
    queue = f"rathaus-mailq-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    app = Celery(broker=BROKER, set_as_current=False)
    monkeypatch.setattr(
        tasks.send_queued_mails,
        "delay",
        lambda: app.send_task("rathaus.appointments.tasks.send_queued_mails", queue=queue),
    )
    location, _counters, ausweis, day = office_open_tomorrow(town, counters=4)
    starts = [
        datetime.combine(day, time(8), tzinfo=BERLIN) + timedelta(minutes=20 * k) for k in range(12)
    ]

    def book(n):
        booking.appointment_book_direct(
            location=location,
            demand={ausweis.id: 1},
            start=starts[n // 4],
            name=f"Bürger {n}",
            email=f"mq{n}@example.org",
        )

    with tempfile.TemporaryDirectory() as outbox:
        env = {
            "DATABASE_URL": database_url(),
            "CACHE_URL": BROKER,
            "EMAIL_URL": f"filemail://{outbox}",
        }
        with celery_worker(queue, **env) as worker:
            for n in range(20):
                book(n)
            wait_for(lambda: len(_sent_to(Path(outbox))) >= 20, "the first 20 mails", worker=worker)
        # the worker stopped the normal way; citizens go on booking meanwhile
        for n in range(20, 40):
            book(n)
        assert len(_sent_to(Path(outbox))) == 20
        with celery_worker(queue, **env) as worker:
            for n in range(40, 48):
                book(n)
            wait_for(lambda: len(_sent_to(Path(outbox))) >= 48, "all 48 mails", worker=worker)
            sent = sorted(_sent_to(Path(outbox)))
    assert sent == sorted(f"mq{n}@example.org" for n in range(48))  # each exactly once
    assert store.waiting() == 0 and store.taken() == 0
