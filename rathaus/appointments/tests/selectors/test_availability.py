"""Availability reads keep single days' results per process: after a booking, cancellation
or hold only the days it touched are computed again, and every answer equals a fresh
computation from the database."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, time, timedelta

import pytest
import redis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.appointments.selectors import availability, availability_index
from rathaus.appointments.services import booking
from rathaus.appointments.tests.helpers import BERLIN, make_office
from rathaus.core.problems import DomainError
from rathaus.engines import availability as engine

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["local", "redis"])
def shared_index(request, settings):
    """The shared index on the real clock, in this process's memory or in Redis."""
    settings.RATHAUS_APPOINTMENTS_AVAILABILITY_CACHE_SECONDS = 20
    availability.clear_process_cache()
    if request.param == "local":
        chosen = availability_index.LocalStore()
    else:
        url = os.environ.get("RATHAUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        try:
            client.ping()
        except redis.RedisError:
            pytest.skip("no Redis at RATHAUS_TEST_REDIS_URL")
        chosen = availability_index.RedisStore(client, prefix=f"test:{uuid.uuid4().hex}:")
    availability_index._store = chosen
    yield chosen
    availability.clear_process_cache()
    if isinstance(chosen, availability_index.RedisStore):
        for key in chosen.client.scan_iter(match=f"{chosen.prefix}*"):
            chosen.client.delete(key)


def _start(day_offset: int, step: int) -> datetime:
    """A start time in the town's local time: ``day_offset`` days after today, 08:00 + 10 min
    steps (the office is open 08:00–12:00 on weekdays)."""
    day = timezone.localdate() + timedelta(days=day_offset)
    return datetime.combine(day, time(8), BERLIN) + timedelta(minutes=10 * step)


def _reads(location, demand, now, days):
    """Month calendars (this and next month), the next 60 days, and some days' slots."""
    today = timezone.localdate()
    later = today + timedelta(days=31)
    return (
        availability.month(location, demand, today.year, today.month, now),
        availability.month(location, demand, later.year, later.month, now),
        availability.next_days(location, demand, 60, now),
        [availability.slots_on(location, demand, day, now) for day in days],
    )


def _fresh(location, demand, now, days):
    """The same answers computed from the database, without any kept result."""
    request = availability.availability_request(location, demand, now, fresh=True)
    today = timezone.localdate()
    later = today + timedelta(days=31)
    return (
        engine.month_calendar(request, today.year, today.month),
        engine.month_calendar(request, later.year, later.month),
        engine.next_free_days(request, 60),
        [engine.free_slots(request, day) for day in days],
    )


operation = st.tuples(
    st.sampled_from(["hold", "hold", "hold", "cancel", "read"]),
    st.integers(min_value=0, max_value=12),  # days after today
    st.integers(min_value=0, max_value=23),  # 10-minute step after 08:00
    st.booleans(),  # ID card (both counters) or car (first counter only)
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=14))
def test_kept_day_results_always_equal_a_fresh_computation(
    shared_index, town, django_capture_on_commit_callbacks, ops
):
    """Random holds and cancellations with reads in between: every read (month calendars,
    days with free slots, slots of single days, for both services) equals the engine's answer
    from the database at the same instant."""
    location, _counters, ausweis, kfz = make_office(town, counters=2)
    demands = [{ausweis.id: 1}, {kfz.id: 1}]
    holds = []
    for action, day_offset, step, id_card in [*ops, ("read", 1, 0, True)]:
        demand = demands[0] if id_card else demands[1]
        if action == "hold":
            try:
                with django_capture_on_commit_callbacks(execute=True):
                    hold, _token = booking.appointment_hold(
                        location=location, demand=demand, start=_start(day_offset, step)
                    )
                holds.append(hold)
            except DomainError:
                pass  # not a slot (weekend, taken, too soon): nothing changed
        elif action == "cancel" and holds:
            with django_capture_on_commit_callbacks(execute=True):
                booking.appointment_cancel(appointment=holds.pop(step % len(holds)))
        else:
            days = [_start(offset, 0).date() for offset in (day_offset, day_offset + 1)]
            for wanted in demands:
                now = timezone.now()
                assert _reads(location, wanted, now, days) == _fresh(location, wanted, now, days)


def _month_reads(location, demand):
    today = timezone.localdate()
    later = today + timedelta(days=31)
    availability.month(location, demand, today.year, today.month)
    availability.month(location, demand, later.year, later.month)
    return availability._day_results[(location.id, tuple(sorted(demand.items())))].entries


def test_a_hold_recomputes_only_the_days_it_touched(
    shared_index, town, django_capture_on_commit_callbacks
):
    location, _counters, ausweis, _kfz = make_office(town, counters=2)
    demand = {ausweis.id: 1}
    today = timezone.localdate()
    kept = dict(_month_reads(location, demand))
    soon = availability.next_days(location, demand, 60)
    # within this and next month, which _month_reads reads
    target = next(d for d in soon if today + timedelta(days=2) < d <= today + timedelta(days=25))
    with django_capture_on_commit_callbacks(execute=True):
        booking.appointment_hold(
            location=location, demand=demand, start=_start((target - today).days, 3)
        )
    after = _month_reads(location, demand)
    recomputed = {day for (kind, day), entry in after.items() if entry is not kept.get((kind, day))}
    # a UTC day touches two local days in Berlin: the one of the hold and the next
    assert recomputed <= {target, target + timedelta(days=1)}
    assert target in recomputed
    assert len([d for (_kind, d) in after if d not in recomputed]) > 20  # the rest was kept
