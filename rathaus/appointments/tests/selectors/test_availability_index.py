"""The shared availability index: every write updates it in place, readers never rebuild."""

from __future__ import annotations

import itertools
import os
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import availability, availability_index
from rathaus.appointments.services import booking
from rathaus.appointments.tests.helpers import NOW, at, make_office, office_open_tomorrow
from rathaus.engines import availability as engine

pytestmark = pytest.mark.django_db
WINDOW = (NOW - timedelta(days=1), NOW + timedelta(days=62))


def free_starts(location, service, day, now=NOW):
    """The day's free start times as the shared index shows them (no database read)."""
    setup = availability.location_setup(location, now)
    with CaptureQueriesContext(connection) as queries:
        index = availability_index.booking_indexes({location.id: WINDOW}, now)[location.id]
    request = engine.AvailabilityRequest(
        counters=setup.counters,
        demand={service.id: 1},
        durations=setup.durations,
        bookings=index,
        policy=setup.policy,
        now=now,
        exceptions=setup.exceptions,
        holidays=setup.holidays,
    )
    return [s.start for s in engine.free_slots(request, day)], len(queries)


def test_a_hold_takes_its_time_at_once_and_its_cancellation_gives_it_back(
    town, django_capture_on_commit_callbacks
):
    location, _counters, ausweis, _kfz = make_office(town, counters=1)
    day = at(2, 9).date()
    starts, _ = free_starts(location, ausweis, day)  # first read: the day comes from the database
    assert at(2, 9) in starts
    with django_capture_on_commit_callbacks(execute=True):
        hold, _token = booking.appointment_hold(
            location=location, demand={ausweis.id: 1}, start=at(2, 9), now=NOW
        )
    starts, queries = free_starts(location, ausweis, day)
    assert at(2, 9) not in starts
    assert at(2, 8, 50) not in starts  # 15 minutes from 08:50 would run into the hold
    assert at(2, 9, 20) in starts
    assert queries == 0  # updated in place: nothing was read from the database again
    with django_capture_on_commit_callbacks(execute=True):
        booking.appointment_cancel(appointment=hold, now=NOW)
    starts, queries = free_starts(location, ausweis, day)
    assert at(2, 9) in starts
    assert queries == 0


def test_an_expired_hold_frees_its_time_without_any_write(town, django_capture_on_commit_callbacks):
    location, _counters, ausweis, _kfz = make_office(town, counters=1, hold_minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        booking.appointment_hold(location=location, demand={ausweis.id: 1}, start=at(2, 9), now=NOW)
    day = at(2, 9).date()
    assert at(2, 9) not in free_starts(location, ausweis, day)[0]
    later = NOW + timedelta(minutes=11)
    assert at(2, 9) in free_starts(location, ausweis, day, now=later)[0]


def test_a_confirmed_booking_keeps_its_time_after_the_hold_would_have_expired(
    town, django_capture_on_commit_callbacks
):
    location, _counters, ausweis, _kfz = make_office(town, counters=1, hold_minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        _hold, token = booking.appointment_hold(
            location=location, demand={ausweis.id: 1}, start=at(2, 9), now=NOW
        )
        _appointment, token = booking.appointment_book(
            hold_token=token, name="Ada", email="ada@example.org", now=NOW
        )
        booking.appointment_confirm(token=token, now=NOW)
    later = NOW + timedelta(days=1)
    assert at(2, 9) not in free_starts(location, ausweis, at(2, 9).date(), now=later)[0]


def test_a_rolled_back_booking_never_reaches_the_index(town, django_capture_on_commit_callbacks):
    location, _counters, ausweis, _kfz = make_office(town, counters=1)
    day = at(2, 9).date()
    free_starts(location, ausweis, day)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        booking.appointment_hold(location=location, demand={ausweis.id: 1}, start=at(2, 9), now=NOW)
        raise RuntimeError("the request failed after the insert")
    assert at(2, 9) in free_starts(location, ausweis, day)[0]


def test_a_move_frees_the_old_day_and_takes_the_new_one(town, django_capture_on_commit_callbacks):
    location, _counters, ausweis, _kfz = make_office(town, counters=1)
    with django_capture_on_commit_callbacks(execute=True):
        _hold, token = booking.appointment_hold(
            location=location, demand={ausweis.id: 1}, start=at(2, 9), now=NOW
        )
        appointment, _token = booking.appointment_book(
            hold_token=token, name="Ada", email="ada@example.org", now=NOW
        )
    assert at(2, 9) not in free_starts(location, ausweis, at(2, 9).date())[0]
    with django_capture_on_commit_callbacks(execute=True):
        booking.appointment_reschedule(appointment=appointment, start=at(3, 10), now=NOW)
    assert at(2, 9) in free_starts(location, ausweis, at(2, 9).date())[0]
    assert at(3, 10) not in free_starts(location, ausweis, at(3, 10).date())[0]


def test_rows_written_around_the_services_show_after_the_location_is_forgotten(town):
    location, counters, ausweis, _kfz = make_office(town, counters=1)
    day = at(2, 9).date()
    assert at(2, 9) in free_starts(location, ausweis, day)[0]
    Appointment.objects.create(
        municipality=town,
        location=location,
        counter=counters[0],
        start=at(2, 9),
        end=at(2, 9, 15),
        status=Appointment.Status.CONFIRMED,
        token_hash="b" * 64,
        created=NOW,
    )
    availability.forget_bookings(location.id)
    starts, queries = free_starts(location, ausweis, day)
    assert at(2, 9) not in starts
    assert queries == 1  # the fallback: one query for the dropped days


def _stores():
    yield availability_index.LocalStore()
    url = os.environ.get("RATHAUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return
    yield availability_index.RedisStore(client, prefix=f"test:{uuid.uuid4().hex}:")


@pytest.fixture(params=["local", "redis"])
def store(request):
    stores = {type(s).__name__: s for s in _stores()}
    chosen = stores.get({"local": "LocalStore", "redis": "RedisStore"}[request.param])
    if chosen is None:
        pytest.skip("no Redis at RATHAUS_TEST_REDIS_URL")
    yield chosen
    if isinstance(chosen, availability_index.RedisStore):
        for key in chosen.client.scan_iter(match=f"{chosen.prefix}*"):
            chosen.client.delete(key)


def _change(day, field, until, stamp):
    return availability_index.Change(day, field, f"1 100 200 {until} {stamp}", stamp)


def test_a_late_write_of_an_older_state_loses(store):
    store.merge(7, "20270302", {}, 10**15)
    store.write(7, [_change("20270302", "42", 0, 2 * 10**15)])  # cancelled (newer)
    store.write(7, [_change("20270302", "42", 500, 2 * 10**15 - 1)])  # booked, arrived late
    assert store.days(7, ["20270302"])["20270302"]["42"].split(" ")[3] == "0"


def test_a_rebuild_keeps_writes_younger_than_its_margin_and_drops_old_strays(store):
    stamp = 10**15
    margin = availability_index.MERGE_MARGIN_S * 1_000_000
    store.write(7, [_change("20270302", "young", 500, stamp - 1)])
    store.write(7, [_change("20270302", "stray", 500, stamp - margin - 1)])
    before = store.versions([7])[7]["20270302"]
    store.merge(7, "20270302", {"db": f"2 100 200 500 {stamp - margin}"}, stamp)
    fields = store.days(7, ["20270302"])["20270302"]
    assert set(fields) == {"*", "young", "db"}
    assert store.versions([7])[7]["20270302"] > before


def test_a_day_that_was_never_built_counts_as_missing(store):
    store.write(7, [_change("20270303", "1", 500, 10**15)])
    assert store.days(7, ["20270303"]) == {"20270303": None}
    store.forget(7)
    assert store.days(7, ["20270303"]) == {"20270303": None}


# --------------------------------------------------------------------------- change log

LOG_DAYS = ["20270302", "20270303"]
LOG_NOW = 1_800_000_000
_log_locations = itertools.count(100)
log_operation = st.tuples(
    st.sampled_from(["write", "write", "write", "write", "read", "read", "rebuild", "forget"]),
    st.sampled_from(LOG_DAYS),
    st.integers(min_value=1, max_value=6),  # appointment
    st.integers(min_value=1, max_value=3),  # counter
    st.sampled_from([0, LOG_NOW - 5, LOG_NOW + 600, availability_index.FOREVER]),  # until
    st.integers(min_value=0, max_value=10**6),  # stamp offset: some writes arrive late
)


def _view(part):
    """What a process's copy of a day answers with (None = not built)."""
    if part is None:
        return None
    return (part.version, part.rows, part.per_counter, part.valid_until)


def _synced(store, location_id, copies):
    return availability_index.sync_days(store, location_id, copies, LOG_NOW)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(log_operation, max_size=40), reader=st.lists(st.booleans(), max_size=40))
def test_a_process_that_missed_changes_sees_what_a_fresh_reload_gives(store, ops, reader):
    """Bookings, cancellations, holds (any until, late writes with older stamps), rebuilds
    and forgets over two days; two processes read at random points and catch up from the
    change log; each copy equals a fresh reload of the whole day."""
    location_id = next(_log_locations)
    for day in LOG_DAYS:
        store.merge(location_id, day, {}, 10**15)
    processes: list[dict] = [dict.fromkeys(LOG_DAYS), dict.fromkeys(LOG_DAYS)]
    for n, (action, day, appointment, counter, until, offset) in enumerate(ops):
        if action == "write":
            value = f"{counter} {100 * appointment} {100 * appointment + 90} {until}"
            stamp = 2 * 10**15 + 1000 * n - offset
            change = availability_index.Change(day, str(appointment), f"{value} {stamp}", stamp)
            store.write(location_id, [change])
        elif action == "rebuild":
            row = f"{counter} 5000 5090 {availability_index.FOREVER} {10**15}"
            store.merge(location_id, day, {str(appointment): row}, 3 * 10**15)
        elif action == "forget":
            store.forget(location_id)
        else:
            copies = processes[int(reader[n % len(reader)]) if reader else 0]
            copies.update(_synced(store, location_id, copies))
    fresh = _synced(store, location_id, dict.fromkeys(LOG_DAYS))
    for copies in processes:
        caught_up = _synced(store, location_id, copies)
        assert {d: _view(p) for d, p in caught_up.items()} == {
            d: _view(p) for d, p in fresh.items()
        }


def test_a_copy_a_few_changes_behind_gets_only_those_changes(store):
    store.merge(7, "20270302", {}, 10**15)
    version = store.sync(7, {"20270302": -1})["20270302"].version
    for n in range(3):
        store.write(7, [_change("20270302", str(n), 500, 2 * 10**15 + n)])
    synced = store.sync(7, {"20270302": version})["20270302"]
    assert synced.kind == "d"
    assert [e.split("\t")[1] for e in synced.items] == ["0", "1", "2"]


def test_a_copy_behind_a_trimmed_log_reloads_the_whole_day(store):
    store.merge(7, "20270302", {}, 10**15)
    old = _synced(store, 7, {"20270302": None})
    for n in range(availability_index.LOG_CAP + 5):
        store.write(7, [_change("20270302", str(n), LOG_NOW + 600, 2 * 10**15 + n)])
    version = old["20270302"].version
    assert store.sync(7, {"20270302": version})["20270302"].kind == "f"
    caught_up = _synced(store, 7, old)["20270302"]
    assert _view(caught_up) == _view(_synced(store, 7, {"20270302": None})["20270302"])
    assert len(caught_up.per_counter[1][0]) == availability_index.LOG_CAP + 5


# --------------------------------------------------------------------------- earliest slot


def _earliest(town, demand):
    found = availability.earliest_anywhere(town.id, demand)
    return found[1].start if found else None


def test_the_earliest_slot_anywhere_moves_when_it_is_booked_and_back_when_freed(
    town, settings, django_capture_on_commit_callbacks
):
    settings.RATHAUS_APPOINTMENTS_AVAILABILITY_CACHE_SECONDS = 20  # the shared index, real clock
    location, _counters, ausweis, _day = office_open_tomorrow(town, counters=1)
    demand = {ausweis.id: 1}
    first = _earliest(town, demand)
    assert first is not None
    assert _earliest(town, demand) == first  # stored, read back
    with django_capture_on_commit_callbacks(execute=True):
        hold, _token = booking.appointment_hold(location=location, demand=demand, start=first)
    moved = _earliest(town, demand)
    assert moved is not None and moved > first
    settings.RATHAUS_APPOINTMENTS_AVAILABILITY_CACHE_SECONDS = 0  # straight from the database
    assert availability.earliest(location, demand).start == moved
    settings.RATHAUS_APPOINTMENTS_AVAILABILITY_CACHE_SECONDS = 20
    with django_capture_on_commit_callbacks(execute=True):
        booking.appointment_cancel(appointment=hold)
    assert _earliest(town, demand) == first


def test_a_booking_after_the_earliest_slot_keeps_it_stored_one_on_it_drops_it(store):
    now = int(time.time())
    later = now + 3600
    gen, entry = store.earliest_get([7], "1:1")[7]
    assert entry is None
    slot = availability_index.Earliest(later, later + 900, later + 3000, (1, 2))
    assert store.earliest_put(7, "1:1", gen, slot.encode())
    value = f"1 {later + 7200} {later + 8100} {availability_index.FOREVER} {10**15}"
    store.write(7, [availability_index.Change("20270302", "41", value, 10**15)])
    assert store.earliest_get([7], "1:1")[7][1] == slot.encode()  # later time taken: still right
    assert not store.earliest_put(7, "1:1", gen, slot.encode())  # a write came in between
    value = f"2 {later + 600} {later + 1500} {availability_index.FOREVER} {10**15}"
    store.write(7, [availability_index.Change("20270302", "42", value, 10**15)])
    assert store.earliest_get([7], "1:1")[7][1] is None  # overlapping the slot: dropped


def test_freed_time_before_the_earliest_slot_drops_it_and_nothing_free_too(store):
    now = int(time.time())
    later = now + 3600
    busy = f"1 {later} {later + 900} {availability_index.FOREVER} {10**15}"
    store.write(7, [availability_index.Change("20270302", "41", busy, 10**15)])
    gen = store.earliest_get([7], "1:1")[7][0]
    store.earliest_put(7, "1:1", gen, f"{later + 7200} {later + 8100} {later + 9000} 1")
    store.earliest_put(7, "2:1", gen, f"0 0 {later + 9000} -")
    store.write(
        7,
        [
            availability_index.Change(
                "20270302", "41", f"1 {later} {later + 900} 0 {10**15 + 1}", 10**15 + 1
            )
        ],
    )
    assert store.earliest_get([7], "1:1")[7][1] is None
    assert store.earliest_get([7], "2:1")[7][1] is None
    gen = store.earliest_get([7], "1:1")[7][0]
    store.earliest_put(7, "1:1", gen, f"{later} {later + 900} {later + 3000} 1")
    store.forget(7)
    assert store.earliest_get([7], "1:1")[7][1] is None


# --------------------------------------------------------------------------- joined window

JOIN_DAYS = ("20270302", "20270303", "20270304")
join_operation = st.tuples(
    st.integers(min_value=0, max_value=2),  # day
    st.integers(min_value=1, max_value=8),  # appointment
    st.integers(min_value=1, max_value=3),  # counter
    st.integers(min_value=0, max_value=20),  # start, in 10-minute steps after 08:00
    st.sampled_from([10, 20, 45]),  # minutes: 20 and 45 overlap neighbours (merged holds)
    st.sampled_from([0, LOG_NOW + 600, availability_index.FOREVER]),  # until
    st.booleans(),  # read after this change
)


def _joined_afresh(parts):
    counters = set(itertools.chain.from_iterable(p.per_counter for p in parts))
    return {c: availability_index._join_counter(c, parts)[0] for c in counters}


def _busy_and_gaps(index, counters):
    return {
        c: (index.intervals(c), [index.gaps_at_least(c, n) for n in (60, 600, 1800)])
        for c in counters
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(join_operation, max_size=30))
def test_the_window_index_kept_up_to_date_equals_one_joined_afresh(store, ops):
    """Holds, bookings and cancellations (some overlapping on a counter) over three days;
    after each read the window's index – changed days spliced into the counters' lists, the
    gaps carried over – has exactly the busy time and gaps of the days joined afresh."""
    location_id = next(_log_locations)
    for day in JOIN_DAYS:
        store.merge(location_id, day, {}, 10**15)
    copies: dict = dict.fromkeys(JOIN_DAYS)
    for n, (day, appointment, counter, step, minutes, until, read) in enumerate(ops):
        start = 1_804_000_000 + 86_400 * day + 600 * step
        stamp = 2 * 10**15 + n
        value = f"{counter} {start} {start + 60 * minutes} {until} {stamp}"
        field = f"{day}-{appointment}"
        store.write(location_id, [availability_index.Change(JOIN_DAYS[day], field, value, stamp)])
        if not read:
            continue
        copies.update(_synced(store, location_id, copies))
        parts = tuple(copies[d] for d in JOIN_DAYS)
        kept = availability_index._combine(location_id, JOIN_DAYS, parts)
        fresh = _joined_afresh(parts)
        assert _busy_and_gaps(kept, fresh) == _busy_and_gaps(
            engine.BookingIndex.from_counters(fresh), fresh
        )
