"""No double booking, ever: many clients race for the same few slots."""

import threading
import traceback
from collections import Counter as Tally
from datetime import UTC, datetime, time

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import availability, availability_index
from rathaus.appointments.services import booking
from rathaus.appointments.tests.helpers import BERLIN, NOW, at, make_office, office_open_tomorrow
from rathaus.core.problems import DomainError


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_60_clients_race_for_6_places_on_postgres(town):
    _needs_postgres()
    location, counters, ausweis, kfz = make_office(town, counters=3)
    starts = [at(2, 9), at(2, 9, 10)]  # 2 start times x 3 counters = 6 places
    clients = 60
    barrier = threading.Barrier(clients)
    results = []
    lock = threading.Lock()

    def client(i):
        try:
            barrier.wait(timeout=120)
            try:
                appointment, _ = booking.appointment_book_direct(
                    location=location,
                    demand={ausweis.id: 1},
                    start=starts[i % 2],
                    name=f"Client {i}",
                    email=f"client{i}@example.org",
                    now=NOW,
                )
                outcome = ("booked", appointment.counter_id, appointment.start)
            except DomainError as exc:
                outcome = ("conflict", exc.status, None)
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == clients
    booked = [r for r in results if r[0] == "booked"]
    conflicts = [r for r in results if r[0] == "conflict"]
    # 10-minute grid and 15-minute appointments: 09:00 and 09:10 overlap on one counter,
    # so at most 3 appointments fit (one per counter); capacity is never exceeded
    assert len(booked) == 3
    assert {r[1] for r in conflicts} == {409}
    rows = list(
        Appointment.objects.filter(status__in=Appointment.BLOCKING).values_list(
            "counter_id", "start", "end"
        )
    )
    assert len(rows) == 3
    assert Tally(r[0] for r in rows) == Tally({c.id: 1 for c in counters})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_exclusion_constraint_rejects_overlap_written_around_the_service(town):
    _needs_postgres()
    location, counters, ausweis, kfz = make_office(town, counters=1)
    first, _ = booking.appointment_hold(
        location=location, demand={ausweis.id: 1}, start=at(2, 9), now=NOW
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            municipality=town,
            location=location,
            counter=counters[0],
            start=at(2, 9, 5),
            end=at(2, 9, 20),
            status=Appointment.Status.CONFIRMED,
            token_hash="x" * 64,
            created=NOW,
        )
    # touching is fine, cancelled rows do not block
    Appointment.objects.create(
        municipality=town,
        location=location,
        counter=counters[0],
        start=at(2, 9, 15),
        end=at(2, 9, 30),
        status=Appointment.Status.CONFIRMED,
        token_hash="y" * 64,
        created=NOW,
    )
    Appointment.objects.create(
        municipality=town,
        location=location,
        counter=counters[0],
        start=at(2, 9, 5),
        end=at(2, 9, 20),
        status=Appointment.Status.CANCELLED,
        token_hash="z" * 64,
        created=NOW,
    )


@pytest.mark.django_db(transaction=True)
def test_threads_never_overbook_on_any_database(town):
    """Same race, smaller, on whatever database runs (SQLite: the lock row serialises)."""
    location, counters, ausweis, kfz = make_office(town, counters=2)
    clients = 12
    barrier = threading.Barrier(clients)
    outcomes = []

    def client(i):
        try:
            barrier.wait(timeout=120)
            try:
                booking.appointment_hold(
                    location=location, demand={ausweis.id: 1}, start=at(2, 10), now=NOW
                )
                outcomes.append("ok")
            except DomainError as exc:
                outcomes.append(exc.status)
            except Exception as exc:  # noqa: BLE001 - SQLite may report "database is locked"
                outcomes.append(type(exc).__name__)
                failures.append("".join(traceback.format_exception(exc)))
        finally:
            connections.close_all()

    failures: list[str] = []
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    # never a server error: SQLite's "database is locked" is retried, at worst a 503
    assert set(outcomes) <= {"ok", 409, 503}, (outcomes, failures[:1])
    assert outcomes.count("ok") <= 2
    rows = Appointment.objects.filter(start=at(2, 10)).values_list("counter_id", flat=True)
    assert len(rows) == len(set(rows)) <= 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bookings_racing_with_readers_of_the_shared_index_never_overbook(town, settings):
    """40 clients book two overlapping start times while 6 readers keep asking for the day's
    slots from the shared index: 3 bookings (one per counter), no overlap in the database, and
    each client that booked sees its counter taken as soon as its request has returned."""
    _needs_postgres()
    settings.RATHAUS_APPOINTMENTS_AVAILABILITY_CACHE_SECONDS = 20
    location, counters, ausweis, day = office_open_tomorrow(town)
    at_ = lambda h, m=0: datetime.combine(day, time(h, m), tzinfo=BERLIN)  # noqa: E731
    demand = {ausweis.id: 1}
    starts = [at_(9), at_(9, 10)]
    assert {s.start for s in availability.slots_on(location, demand, day)} >= set(starts)
    clients, readers = 40, 6
    barrier = threading.Barrier(clients + readers)
    done = threading.Event()
    lock = threading.Lock()
    booked, conflicts, stale_after_commit, reads, failures = [], [], [], [], []

    def client(i):
        try:
            barrier.wait(timeout=120)
            try:
                appointment, _ = booking.appointment_book_direct(
                    location=location,
                    demand=demand,
                    start=starts[i % 2],
                    name=f"Client {i}",
                    email=f"race{i}@example.org",
                )
            except DomainError as exc:
                with lock:
                    conflicts.append(exc.status)
                return
            seen = {s.start: s.counter_ids for s in availability.slots_on(location, demand, day)}
            with lock:
                booked.append(appointment)
                if appointment.counter_id in seen.get(appointment.start, ()):
                    stale_after_commit.append(appointment.pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(repr(exc))
        finally:
            connections.close_all()

    def reader():
        try:
            barrier.wait(timeout=120)
            while not done.is_set():
                slots = availability.slots_on(location, demand, day)
                with lock:
                    reads.append(len(slots))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    watchers = [threading.Thread(target=reader) for _ in range(readers)]
    for t in threads + watchers:
        t.start()
    for t in threads:
        t.join(120)
    done.set()
    for t in watchers:
        t.join(120)
    assert failures == []
    assert len(booked) == 3 and set(conflicts) == {409}
    assert stale_after_commit == []  # a taken slot never looks free once its booking returned
    assert reads  # the readers really read while the clients booked
    rows = list(
        Appointment.objects.filter(status__in=Appointment.BLOCKING).values_list(
            "counter_id", "start", "end"
        )
    )
    assert Tally(r[0] for r in rows) == Tally({c.id: 1 for c in counters})
    # the index now holds exactly what the database holds
    expected = sorted((c, int(s.timestamp()), int(e.timestamp())) for c, s, e in rows)
    assert (
        availability_index.busy_rows(location.id, at_(9).astimezone(UTC).date(), timezone.now())
        == expected
    )
