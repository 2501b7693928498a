"""Several clerks press "call next" at the same moment: nobody is called twice (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from rathaus.appointments.models import Appointment
from rathaus.appointments.services import counter as counter_services
from rathaus.appointments.tests.helpers import at, make_office
from rathaus.core.problems import Conflict


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_clerks_racing_for_the_queue_never_share_a_citizen(town):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    location, counters, ausweis, _kfz = make_office(town, counters=4)
    waiting = 5
    for i in range(waiting):
        counter_services.walk_in_issue(location=location, demand={ausweis.pk: 1}, now=at(1, 9, i))
    clerks = 12  # more clerks than people waiting
    barrier = threading.Barrier(clerks)
    results, lock = [], threading.Lock()

    def clerk(i):
        try:
            barrier.wait(timeout=120)
            try:
                called = counter_services.appointment_call_next(
                    counter=counters[i % len(counters)], now=at(1, 9, 30)
                )
                outcome = called.pk
            except Conflict as exc:
                outcome = exc.code
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(clerks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == clerks
    called = [r for r in results if isinstance(r, int)]
    assert len(called) == len(set(called)) == waiting
    assert results.count("queue_empty") == clerks - waiting
    assert Appointment.objects.filter(status=Appointment.Status.CALLED).count() == waiting
