"""A real PostgreSQL deadlock is recognised as a lost race: retried, never a server error."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from rathaus.appointments.models import Counter
from rathaus.appointments.services import common, placement
from rathaus.appointments.tests.helpers import make_office
from rathaus.core.problems import DomainError


def _real_deadlock(first_id: int, second_id: int) -> OperationalError:
    """Two transactions lock two rows in opposite order; PostgreSQL aborts one (40P01)."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(a, b):
        try:
            with transaction.atomic():
                Counter.objects.select_for_update().get(pk=a)
                barrier.wait(timeout=60)
                Counter.objects.select_for_update().get(pk=b)
        except OperationalError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(first_id, second_id)),
        threading.Thread(target=worker, args=(second_id, first_id)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(errors) == 1, errors
    return errors[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_a_lost_race_and_is_retried(town):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    location, counters, ausweis, kfz = make_office(town, counters=2)
    exc = _real_deadlock(counters[0].pk, counters[1].pk)
    assert exc.__cause__.sqlstate == "40P01"
    # the probe's crash: AttributeError on psycopg.errors.TransactionRollbackError
    assert placement._lost_race(exc) is True

    calls = []

    @common.retry_when_locked
    def book_once_deadlocked():
        calls.append(1)
        if len(calls) == 1:
            raise exc
        return "gebucht"

    assert book_once_deadlocked() == "gebucht" and len(calls) == 2

    @common.retry_when_locked
    def always_deadlocked():
        raise exc

    with pytest.raises(DomainError) as refused:
        always_deadlocked()
    assert refused.value.status == 503
