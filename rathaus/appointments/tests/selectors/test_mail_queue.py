"""The e-mail queue in Redis: every booking's opt-in e-mail is sent once, in batches, and the
jobs of a worker that died are sent after the recovery delay (the real worker: see
``tests/test_mail_queue_worker.py``)."""

import os
import time as _time
import uuid
from datetime import datetime, time, timedelta

import pytest
import redis
from django.core import mail

from rathaus.appointments import mails
from rathaus.appointments.selectors import mail_queue
from rathaus.appointments.services import booking
from rathaus.appointments.tests.helpers import BERLIN, office_open_tomorrow

REDIS_URL = os.environ.get("RATHAUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def queue(monkeypatch):
    """The queue in Redis under a prefix of its own; bookings use it (as with a worker)."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("needs Redis at RATHAUS_TEST_REDIS_URL (started by .ci/run)")
    store = mail_queue.MailQueue(client, prefix=f"test:{uuid.uuid4().hex}:")
    monkeypatch.setattr(mail_queue, "_queue", store)
    monkeypatch.setattr(mail_queue, "enabled", lambda: True)
    monkeypatch.setattr(mail_queue, "LINGER_SECONDS", 0)
    yield store
    for key in client.scan_iter(match=f"{store.queue_key}*"):
        client.delete(key)


def _book(location, ausweis, start, n):
    appointment, _token = booking.appointment_book_direct(
        location=location,
        demand={ausweis.id: 1},
        start=start,
        name=f"Bürger {n}",
        email=f"mq{n}@example.org",
    )
    return appointment


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.django_db(transaction=True)
def test_every_booking_gets_its_opt_in_mail_once_from_the_queue(town, queue):
    location, _counters, ausweis, day = office_open_tomorrow(town, counters=3)
    first = datetime.combine(day, time(8), tzinfo=BERLIN)
    # inline tasks: the first commit wakes the "worker", which sends and lets go at once
    for n in range(6):
        _book(location, ausweis, first + timedelta(minutes=20 * (n // 3)), n)
    assert _recipients() == [f"mq{n}@example.org" for n in range(6)]
    assert {m.subject for m in mail.outbox} == {"Bitte bestätigen Sie Ihren Termin"}
    assert queue.waiting() == 0 and queue.taken() == 0
    assert mails.queued_mails_send() == 0 and len(mail.outbox) == 6  # nothing is sent twice


@pytest.mark.django_db(transaction=True)
def test_jobs_of_a_worker_that_died_are_sent_after_the_recovery_delay(town, queue, monkeypatch):
    location, _counters, ausweis, day = office_open_tomorrow(town, counters=3)
    start = datetime.combine(day, time(9), tzinfo=BERLIN)
    with monkeypatch.context() as m:
        m.setattr(mail_queue, "enabled", lambda: False)  # these mails go out the old way
        appointments = [_book(location, ausweis, start, n) for n in range(3)]
    mail.outbox.clear()
    for n, appointment in enumerate(appointments):
        queue.push(mail_queue.job("opt_in", appointment.pk, f"token{n}", "", "http://x"))
    # a worker took all three a minute ago and died before it reported them sent
    assert len(queue.take(now=_time.time() - 60)) == 3
    assert mails.queued_mails_send() == 0 and mail.outbox == []  # not yet: it may still work
    assert queue.recover(now=_time.time() + mail_queue.RECOVER_SECONDS) == 3
    assert mails.queued_mails_send() == 0
    assert _recipients() == ["mq0@example.org", "mq1@example.org", "mq2@example.org"]
    assert all(
        f"Ihre Terminnummer: {a.pk}" in m.body
        for a, m in zip(appointments, mail.outbox, strict=True)
    )
    assert queue.taken() == 0 and queue.waiting() == 0


def test_a_push_wakes_a_worker_only_when_none_is_awake(queue):
    assert queue.push(mail_queue.job("opt_in", 1, "a", "", "")) is True
    assert queue.push(mail_queue.job("opt_in", 2, "b", "", "")) is False  # one is on its way
    assert len(queue.take()) == 2
    assert queue.push(mail_queue.job("opt_in", 3, "c", "", "")) is False  # it drains
    assert queue.sleep() is False  # a job came meanwhile: the drainer must go on
    assert len(queue.take()) == 1 and queue.sleep() is True
    assert queue.push(mail_queue.job("opt_in", 4, "d", "", "")) is True  # asleep: wake it
