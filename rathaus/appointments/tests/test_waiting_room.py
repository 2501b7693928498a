"""The waiting room: requests for one slot are served in arrival order; once the slot is
full, the rest hear "ausgebucht" from the index."""

import json
import os
import threading
import uuid
from datetime import datetime, time

import pytest
import redis
from django.core.cache import cache
from django.db import connection, connections

from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import waiting_room as store
from rathaus.appointments.services import waiting_room
from rathaus.appointments.tests.helpers import BERLIN, office_open_tomorrow


@pytest.fixture
def queues(settings, monkeypatch):
    """A fresh store for each test: Redis when it runs (db 13), else this process's memory;
    availability read from the shared index (as in production); the test holds a gate as
    long as it likes (a real holder's hold lapses after 5 s)."""
    settings.RATHAUS_APPOINTMENTS_AVAILABILITY_CACHE_SECONDS = 20
    monkeypatch.setattr(store, "LOCK_MS", 10**9)
    url = os.environ.get("RATHAUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
        chosen = store.RedisQueues(client, prefix=f"test:{uuid.uuid4().hex}:")
    except redis.RedisError:
        chosen = store.LocalQueues()
    store._queues = chosen
    yield chosen
    store.reset()
    if isinstance(chosen, store.RedisQueues):
        for key in client.scan_iter(match=f"{chosen.prefix}*"):
            client.delete(key)


def _book(location, ausweis, start, n):
    return waiting_room.slot_request(
        kind="book",
        location=location,
        demand={ausweis.id: 1},
        start=start,
        name=f"Bürger {n}",
        email=f"wr{n}@example.org",
    )


@pytest.mark.django_db
def test_alone_at_a_free_slot_a_citizen_books_at_once_and_then_hears_ausgebucht(
    town, queues, django_capture_on_commit_callbacks
):
    location, _counters, ausweis, day = office_open_tomorrow(town, counters=1)
    start = datetime.combine(day, time(9), tzinfo=BERLIN)
    with django_capture_on_commit_callbacks(execute=True):  # the index write after the commit
        first = _book(location, ausweis, start, 1)
    assert first.result["status"] == 201 and first.arrival == 1 and not first.ticket
    with django_capture_on_commit_callbacks(execute=True):
        second = _book(location, ausweis, start, 2)
        third = _book(location, ausweis, start, 3)
    # the first to find it taken learns it from the booking path, which marks the slot full;
    # from then on the index answers "ausgebucht" before anything is booked
    assert second.result["status"] == 409 and second.arrival == 2
    assert third.result["status"] == 409 and "ausgebucht" in third.result["detail"]
    assert Appointment.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_waiting_requests_are_served_in_arrival_order(town, queues):
    """30 threads ask for one start time (3 counters) while the gate is held; when it is let
    go, exactly the three earliest arrivals book, every later one hears "ausgebucht", and
    each saw a position in the queue while it waited."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    location, _counters, ausweis, day = office_open_tomorrow(town)
    start = datetime.combine(day, time(9), tzinfo=BERLIN)
    gate = store.gate_of(location.id, int(start.timestamp()))
    seq, go, _full = queues.enter(gate, "test-holder", "test-ticket", "")
    assert (seq, go) == (1, store.GO)  # the test holds the gate: everybody else must queue
    clients = 30
    barrier = threading.Barrier(clients)
    lock = threading.Lock()
    waiting, finals, failures = {}, {}, []

    def client(i):
        try:
            barrier.wait(timeout=120)
            outcome = _book(location, ausweis, start, i)
            with lock:
                waiting[i] = outcome
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    assert all(o.result is None and o.position >= 1 for o in waiting.values())
    assert sorted(o.arrival for o in waiting.values()) == list(range(2, clients + 2))
    queues.take(gate, "", "-")  # the holder answers its own request (record only) …
    queues.release(gate, "test-holder")  # … and lets go without serving the others

    def poller(i):
        try:
            outcome = waiting[i]
            while outcome.result is None:
                outcome = waiting_room.ticket_poll(ticket=waiting[i].ticket)
            with lock:
                finals[i] = outcome
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(repr(exc))
        finally:
            connections.close_all()

    pollers = [threading.Thread(target=poller, args=(i,)) for i in range(clients)]
    for t in pollers:
        t.start()
    for t in pollers:
        t.join(120)
    assert failures == [] and len(finals) == clients
    booked = sorted(o.arrival for o in finals.values() if o.result["status"] == 201)
    refused = [o for o in finals.values() if o.result["status"] != 201]
    assert booked == [2, 3, 4]  # the three earliest arrivals, whoever polled first
    assert {o.result["status"] for o in refused} == {409}
    assert all("ausgebucht" in o.result["detail"] for o in refused)
    assert Appointment.objects.filter(status=Appointment.Status.PENDING).count() == 3


def _stored_values(queues) -> list[str]:
    """Everything the waiting room keeps, as text (Redis keys of this test, or memory)."""
    if isinstance(queues, store.RedisQueues):
        values = []
        for key in queues.client.scan_iter(match=f"{queues.prefix}*"):
            if queues.client.type(key) == b"hash":
                values += [v.decode() for v in queues.client.hgetall(key).values()]
            elif queues.client.type(key) == b"string":
                values.append(queues.client.get(key).decode())
        return values
    return [v for fields in queues._tickets.values() for v in fields.values()]


@pytest.mark.django_db
def test_a_waiting_citizens_name_and_email_leave_the_store_when_the_request_is_served(
    town, queues, django_capture_on_commit_callbacks
):
    """While a direct booking waits, the store must keep who asked; once it is served, no
    trace of the name or e-mail is left in the waiting room (the booking has them)."""
    location, _counters, ausweis, day = office_open_tomorrow(town, counters=1)
    start = datetime.combine(day, time(9), tzinfo=BERLIN)
    gate = store.gate_of(location.id, int(start.timestamp()))
    assert queues.enter(gate, "test-holder", "test-ticket", "")[1] == store.GO
    waiting = _book(location, ausweis, start, 7)
    assert waiting.result is None and waiting.ticket
    assert any("wr7@example.org" in v for v in _stored_values(queues))
    queues.take(gate, "", "-")
    queues.release(gate, "test-holder")
    with django_capture_on_commit_callbacks(execute=True):
        served = waiting_room.ticket_poll(ticket=waiting.ticket)
    assert served.result["status"] == 201
    assert Appointment.objects.get().citizen_email == "wr7@example.org"
    stored = _stored_values(queues)
    assert not any("wr7@example.org" in v or "Bürger 7" in v for v in stored)
    assert waiting_room.ticket_poll(ticket=waiting.ticket).result["status"] == 201


@pytest.mark.django_db
def test_a_waiting_request_answered_sold_out_from_the_index_keeps_no_personal_data(town, queues):
    location, _counters, ausweis, day = office_open_tomorrow(town, counters=1)
    start = datetime.combine(day, time(9), tzinfo=BERLIN)
    gate = store.gate_of(location.id, int(start.timestamp()))
    queues.enter(gate, "test-holder", "test-ticket", "")
    queues.enter(gate, "other", "their-ticket", '{"x": 1}', '{"email": "late@example.org"}')
    queues.answer(gate, "their-ticket", '{"status": 409}')
    assert not any("late@example.org" in v for v in _stored_values(queues))


def test_a_request_a_holder_has_already_taken_is_not_answered_ausgebucht_at_the_door(queues):
    """Under load the gate's holder can take a waiting request (and book it) before that
    request's own thread has asked the index; the index then shows the slot full – with the
    request's own booking. The door must not tell it "ausgebucht": the holder's answer counts."""
    gate = store.gate_of(1, 1_900_000_000)
    queues.enter(gate, "test-holder", "test-ticket", "")
    queues.enter(gate, "other", "their-ticket", '{"x": 1}')
    assert queues.take(gate, "test-holder")[0] == "their-ticket"
    assert not queues.answer(gate, "their-ticket", '{"status": 409}')
    assert not queues.ticket("their-ticket").get("result")
    queues.take(gate, "", "their-ticket", '{"status": 201}')
    assert queues.ticket("their-ticket")["result"] == '{"status": 201}'


def _enter_waiting(queues, gate, n):
    """``n`` requests with personal data queue behind a held gate; their tickets."""
    queues.enter(gate, "test-holder", "test-ticket", "")
    tickets = [f"ticket-{uuid.uuid4().hex}" for _ in range(n)]
    for i, ticket in enumerate(tickets):
        person = json.dumps({"email": f"q{i}@example.org"})
        assert queues.enter(gate, f"o{i}", ticket, '{"x": 1}', person)[1] == store.WAIT
    return tickets


def test_once_the_index_showed_the_slot_full_the_whole_queue_hears_ausgebucht_at_once(queues):
    """The holder asked the index for one waiting request and found the slot full: every
    other waiting request is answered in the same step – no index read, no booking path
    each – and none of their personal data stays in the store."""
    gate = store.gate_of(1, 1_900_000_100)
    tickets = _enter_waiting(queues, gate, 5)
    queues.mark_sold_out(gate)
    assert queues.take(gate, "test-holder", "-", "", '{"status": 409}') is None
    assert [queues.ticket(t)["result"] for t in tickets] == ['{"status": 409}'] * 5
    assert queues.gate_done(gate) == 6  # the holder's own request and the five
    assert not any("example.org" in v for v in _stored_values(queues))


def test_while_the_slot_is_known_full_a_late_arrival_hears_ausgebucht_at_the_door(queues):
    """One step for a late arrival: counted as arrived and answered, nothing stored."""
    gate = store.gate_of(1, 1_900_000_200)
    queues.enter(gate, "first", "first-ticket", "")
    queues.mark_sold_out(gate)
    seq, state, _full = queues.enter(gate, "late", "late-ticket", "", '{"email": "l@x.org"}')
    assert (seq, state) == (2, store.SOLD_OUT)
    assert queues.ticket("late-ticket") is None
    assert queues.gate_done(gate) == 1


def test_a_used_proof_of_work_does_not_enter_the_gate_again(queues):
    """Marking the solution used happens in the door's own step: a replay gets no arrival
    number, so one solved challenge is one place in the queue."""
    gate = store.gate_of(1, 1_900_000_300)
    replay_key = f"test-replay-{uuid.uuid4().hex}"
    try:
        first = queues.enter(gate, "a", "ticket-a", "", replay_key=replay_key)
        again = queues.enter(gate, "b", "ticket-b", "", replay_key=replay_key)
    finally:
        if isinstance(queues, store.RedisQueues):
            queues.client.delete(cache.make_key(replay_key))
        else:
            cache.delete(replay_key)
    assert first[:2] == (1, store.GO)
    assert again[1] == store.REPLAYED
    assert queues.enter(gate, "c", "ticket-c", "")[0] == 2


def test_a_slot_full_for_one_service_still_serves_a_waiting_request_for_another(queues):
    """Which counters may serve a request depends on its services: "full" for one demand
    says nothing about another at the same start time, so that request keeps its turn."""
    gate = store.gate_of(1, 1_900_000_400)
    queues.enter(gate, "test-holder", "test-ticket", "")
    queues.enter(gate, "a", "ticket-a", '{"x": 1}', demand_key="7:1")
    queues.enter(gate, "b", "ticket-b", '{"x": 2}', demand_key="8:1")
    queues.enter(gate, "c", "ticket-c", '{"x": 3}', demand_key="7:1")
    queues.mark_sold_out(gate, "7:1")
    assert queues.take(gate, "test-holder", "-", "", '{"status": 409}')[0] == "ticket-b"
    assert queues.ticket("ticket-a")["result"] == '{"status": 409}'
    assert not queues.ticket("ticket-c").get("result")  # after b: its turn comes after b's
    assert queues.enter(gate, "d", "ticket-d", "", demand_key="8:1")[1] == store.WAIT
    assert queues.enter(gate, "e", "ticket-e", "", demand_key="7:1")[1] == store.SOLD_OUT
