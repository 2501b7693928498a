"""Reads: free slots of a location (ORM rows → availability engine); public, no user needed.

Availability is computed by :mod:`rathaus.engines.availability`. The location's setup
(counters, hours, exceptions, holidays, policy) is cached per process and invalidated by a
version number in the shared Django cache that setup writes bump
(:func:`bump_setup_version`). The booking index comes from the shared, incrementally
updated index of :mod:`.availability_index` (every booking, cancellation or hold updates it
on commit); ``fresh=True`` and a ``now`` away from the wall clock read the database instead.
The booking service re-checks capacity in the database, so the index never decides a
booking (a slot taken a moment ago: 409).
"""

from __future__ import annotations

import threading
import time as _time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rathaus.appointments import conf
from rathaus.appointments.models import (
    Appointment,
    BookingPolicy,
    Counter,
    DateException,
    OpeningHours,
)
from rathaus.appointments.selectors import availability_index, catalogue
from rathaus.core.clock import now_or
from rathaus.core.models import Location, Municipality
from rathaus.engines import availability as engine

S = Appointment.Status


def version_key(location_id: int, kind: str = "bookings") -> str:
    return f"appointments:avail:{kind}:{location_id}"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, int(_time.time() * 1000), None)


def forget_bookings(location_id: int) -> None:
    """Bookings of a location were written around the services (bulk load, demo): the
    shared index rebuilds its days from the database on the next read."""
    availability_index.forget(location_id)


def bump_setup_version(location_id: int) -> None:
    """Opening hours, exceptions, counters or policy changed."""
    _bump(version_key(location_id, "setup"))
    # now and again on commit: a reader in between may store a slot from the old setup
    availability_index.forget_earliest(location_id)
    transaction.on_commit(lambda: availability_index.forget_earliest(location_id))


def _version(location_id: int, kind: str = "bookings") -> int:
    key = version_key(location_id, kind)
    value = cache.get(key)
    if value is None:
        cache.add(key, int(_time.time() * 1000), None)
        value = cache.get(key, 0)
    return int(value)


@dataclass(frozen=True)
class LocationSetup:
    """Everything about a location that does not depend on the citizen's request."""

    location_id: int
    municipality_id: int
    policy: engine.Policy
    booking_policy: BookingPolicy
    counters: tuple[engine.Counter, ...]
    exceptions: tuple[engine.DateException, ...]
    holidays: frozenset[date]
    durations: dict[int, int]
    counter_names: dict[int, str]


# process-wide caches (shared by a worker's threads; the objects are immutable)
_setups: dict[int, tuple[int, float, date, LocationSetup]] = {}
_lock = threading.Lock()


def clear_process_cache() -> None:
    with _lock:
        _setups.clear()
        _day_slots.clear()
        _day_results.clear()
        catalogue.clear_process_cache()
    availability_index.clear_process_cache()


def _cacheable(now: datetime) -> bool:
    return conf.availability_cache_seconds() > 0 and abs((now - timezone.now()).total_seconds()) < 5


def _exceptions(rows) -> tuple[engine.DateException, ...]:
    by_date: dict[date, list] = {}
    for row in rows:
        by_date.setdefault(row.date, []).append(row)
    out = []
    for day, group in sorted(by_date.items()):
        if any(r.closed for r in group):
            out.append(engine.DateException(day, ()))
        else:
            out.append(engine.DateException(day, tuple((r.start, r.end) for r in group)))
    return tuple(out)


def _build_setup(location: Location, municipality: Municipality, today: date) -> LocationSetup:
    bp = catalogue.policy_for(location)
    policy = engine.Policy(
        granularity_minutes=bp.granularity_minutes,
        min_notice=timedelta(minutes=bp.min_notice_minutes),
        same_day=bp.same_day,
        max_days_ahead=bp.max_days_ahead,
        timezone=municipality.time_zone or "Europe/Berlin",
    )
    hours = list(OpeningHours.objects.filter(location=location))
    loc_rules = tuple(
        engine.OpeningRule(h.weekday, h.start, h.end) for h in hours if h.counter_id is None
    )
    per_counter: dict[int, list] = {}
    for h in hours:
        if h.counter_id is not None:
            per_counter.setdefault(h.counter_id, []).append(
                engine.OpeningRule(h.weekday, h.start, h.end)
            )
    exc_rows = list(
        DateException.objects.filter(location=location, date__gte=today - timedelta(days=1))
    )
    counters = []
    names = {}
    services_by_counter: dict[int, set] = {}
    for counter_id, service_id in Counter.services.through.objects.filter(
        counter__location=location, counter__active=True, service__active=True
    ).values_list("counter_id", "service_id"):
        services_by_counter.setdefault(counter_id, set()).add(service_id)
    for counter in Counter.objects.filter(location=location, active=True):
        names[counter.id] = counter.name
        counters.append(
            engine.Counter(
                id=counter.id,
                service_ids=frozenset(services_by_counter.get(counter.id, ())),
                opening_rules=tuple(per_counter.get(counter.id, loc_rules)),
                exceptions=_exceptions(r for r in exc_rows if r.counter_id == counter.id),
            )
        )
    years = {today.year, (today + timedelta(days=policy.max_days_ahead + 1)).year}
    try:
        holidays = engine.public_holidays(municipality.federal_state, sorted(years))
    except ValueError:
        holidays = frozenset()
    return LocationSetup(
        location_id=location.id,
        municipality_id=location.municipality_id,
        policy=policy,
        booking_policy=bp,
        counters=tuple(counters),
        exceptions=_exceptions(r for r in exc_rows if r.counter_id is None),
        holidays=holidays,
        durations=catalogue.durations_at(location),
        counter_names=names,
    )


def blocking_q(now: datetime) -> Q:
    """Rows that occupy counter time at ``now`` (expired holds/unconfirmed do not)."""
    return (
        Q(status__in=[S.CONFIRMED, S.CHECKED_IN, S.CALLED, S.SERVED, S.NO_SHOW])
        | Q(status=S.HELD, hold_expires_at__gt=now)
        | Q(status=S.PENDING, confirm_deadline__gt=now)
        | Q(status=S.CANCELLED, pool_release_at__gt=now)
    )


def _build_index(location_id: int, since: datetime, until: datetime, now: datetime):
    """Busy intervals as epoch seconds computed by the database (parsing tens of
    thousands of timestamps in Python would dominate the cold path)."""
    qs = (
        Appointment.objects.filter(
            location_id=location_id, counter__isnull=False, end__gt=since, start__lt=until
        )
        .filter(blocking_q(now))
        .values_list("counter_id", "start", "end")
        .order_by()
    )
    inner, params = qs.query.sql_with_params()
    if connection.vendor == "postgresql":
        epoch = 'FLOOR(EXTRACT(EPOCH FROM sub.start))::bigint, CEIL(EXTRACT(EPOCH FROM sub."end"))::bigint'
    elif connection.vendor == "sqlite":
        epoch = "CAST(strftime('%%s', sub.start) AS INTEGER), CAST(strftime('%%s', sub.\"end\") AS INTEGER) + (CAST(strftime('%%f', sub.\"end\") AS REAL) > CAST(strftime('%%S', sub.\"end\") AS INTEGER))"
    else:  # pragma: no cover - other databases: parse datetimes in Python
        return engine.BookingIndex.from_datetimes(qs.iterator(chunk_size=5000))
    sql = f"SELECT sub.counter_id, {epoch} FROM ({inner}) sub ORDER BY 2"  # noqa: S608 - no user input
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return engine.BookingIndex(cursor.fetchall())


def location_setup(
    location: Location, now: datetime | None = None, *, version: int | None = None
) -> LocationSetup:
    """Counters, hours, exceptions, holidays and policy of a location (cached; ``version``:
    its setup version when the caller already read it)."""
    now = now_or(now)
    today = now.astimezone(engine.Policy().tz).date()
    mono = _time.monotonic()
    cacheable = _cacheable(now)
    if cacheable:
        if version is None:
            version = _version(location.id, "setup")
        entry = _setups.get(location.id)
        if (
            entry is not None
            and entry[0] == version
            and mono - entry[1] < conf.availability_cache_seconds()
            and entry[2] == today
        ):
            return entry[3]
    setup = _build_setup(location, location.municipality, today)
    if cacheable:
        with _lock:
            _setups[location.id] = (version, mono, today, setup)
    return setup


def _window(setup: LocationSetup, now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=1), now + timedelta(days=setup.policy.max_days_ahead + 2)


def location_state(
    location: Location, now: datetime | None = None, *, fresh: bool = False
) -> tuple[LocationSetup, engine.BookingIndex]:
    """Setup and booking index of a location: the shared incremental index, or with
    ``fresh`` (or a ``now`` away from the wall clock) straight from the database."""
    setup, index, _ = _state(location, now_or(now), fresh=fresh)
    return setup, index


def _state(
    location: Location, now: datetime, *, fresh: bool
) -> tuple[LocationSetup, engine.BookingIndex, availability_index.Window | None]:
    """:func:`location_state` plus the index's window (None when read from the database)."""
    setup = location_setup(location, now)
    since, until = _window(setup, now)
    if _cacheable(now) and not fresh:
        window = availability_index.booking_windows({location.id: (since, until)}, now)
        return setup, window[location.id].index, window[location.id]
    return setup, _build_index(location.id, since, until, now), None


def refresh_index(location: Location, now: datetime) -> int:
    """Merge the location's window from the database into the shared index (periodic job)."""
    since, until = _window(location_setup(location, now), now)
    return availability_index.refresh(location.id, since, until)


def location_states(
    locations: list[Location], now: datetime
) -> list[tuple[Location, LocationSetup, engine.BookingIndex]]:
    """:func:`location_state` for several locations with one round trip to the index."""
    if not _cacheable(now):
        return [(loc, *location_state(loc, now)) for loc in locations]
    keys = {loc.id: version_key(loc.id, "setup") for loc in locations}
    versions = cache.get_many(list(keys.values()))  # one round trip for all setups
    setups = [
        (loc, location_setup(loc, now, version=versions.get(keys[loc.id]))) for loc in locations
    ]
    windows = {loc.id: _window(setup, now) for loc, setup in setups}
    indexes = availability_index.booking_indexes(windows, now)
    return [(loc, setup, indexes[loc.id]) for loc, setup in setups]


# (setup, monotonic, now, today, {start: slot}) per (location, day, demand): the day's
# open slots ignoring bookings, so a booking checks its start with one dict lookup
_day_slots: dict[tuple, tuple[LocationSetup, float, datetime, date, dict]] = {}
_DAY_SLOTS_MAX = 4096


def open_slot(
    location: Location,
    demand: dict[int, int],
    start: datetime,
    now: datetime | None = None,
    *,
    setup: LocationSetup | None = None,
) -> engine.Slot | None:
    """The slot at ``start`` as if nothing were booked (grid, hours, closures, policy).

    The booking service checks the bookings itself, in the database. The day's open slots
    are cached per process for the location setup they were computed from (same object,
    i.e. same setup version), the same local date and at most the availability cache age;
    a later ``now`` only removes slots (minimum notice), which is checked on every lookup.
    """
    now = now_or(now)
    if setup is None:
        setup = location_setup(location, now)
    if not demand or any(s not in setup.durations for s in demand):
        return None
    tz = setup.policy.tz
    day = start.astimezone(tz).date()
    today = now.astimezone(tz).date()
    key = (setup.location_id, day, tuple(sorted(demand.items())))
    mono = _time.monotonic()
    entry = _day_slots.get(key) if _cacheable(now) else None
    if (
        entry is None
        or entry[0] is not setup
        or mono - entry[1] >= conf.availability_cache_seconds()
        or now < entry[2]
        or entry[3] != today
    ):
        request = engine.AvailabilityRequest(
            counters=setup.counters,
            demand=demand,
            durations=setup.durations,
            bookings=_EMPTY_INDEX,
            policy=setup.policy,
            now=now,
            exceptions=setup.exceptions,
            holidays=setup.holidays,
        )
        entry = (setup, mono, now, today, {s.start: s for s in engine.free_slots(request, day)})
        if _cacheable(now):
            if len(_day_slots) >= _DAY_SLOTS_MAX:
                _day_slots.clear()
            _day_slots[key] = entry
    slot = entry[4].get(start)
    if slot is None or slot.start < now + setup.policy.min_notice:
        return None
    return slot


_EMPTY_INDEX = engine.BookingIndex()


def sold_out(location: Location, demand: dict[int, int], start: datetime, now=None) -> bool:
    """True if ``start`` is a slot and the shared index shows every one of its counters
    taken: the waiting room answers "ausgebucht" from this without the booking path. False
    when in doubt (no such slot, a ``now`` away from the clock): the booking path decides."""
    now = now_or(now)
    if not _cacheable(now):
        return False
    slot = open_slot(location, demand, start, now)
    if slot is None:
        return False
    busy = availability_index.busy_counters(location.id, slot.start, slot.end, now)
    return all(counter in busy for counter in slot.counter_ids)


def unbookable_reason(setup: LocationSetup, start: datetime, now: datetime) -> str:
    """Why ``start`` is no slot at all (not: why it is taken) – a German sentence."""
    policy = setup.policy
    local = start.astimezone(policy.tz)
    today = now.astimezone(policy.tz).date()
    first = today if policy.same_day else today + timedelta(days=1)
    last = today + timedelta(days=policy.max_days_ahead)
    if start <= now:
        return _("Diese Uhrzeit liegt in der Vergangenheit. Bitte wählen Sie einen freien Termin.")
    if start < now + policy.min_notice:
        return _(
            "Diese Uhrzeit ist zu kurzfristig: Online-Termine gibt es frühestens "
            "%(minutes)s Minuten im Voraus."
        ) % {"minutes": int(policy.min_notice.total_seconds() // 60)}
    if not first <= local.date() <= last:
        return _("Online-Termine gibt es nur vom %(first)s bis zum %(last)s.") % {
            "first": date_format(first, "SHORT_DATE_FORMAT"),
            "last": date_format(last, "SHORT_DATE_FORMAT"),
        }
    minutes = local.hour * 60 + local.minute
    if local.second or local.microsecond or minutes % policy.granularity_minutes:
        return _(
            "Termine beginnen nur im %(minutes)s-Minuten-Takt (z. B. 09:00, 09:%(step)02d). "
            "Bitte wählen Sie eine der angebotenen Uhrzeiten."
        ) % {"minutes": policy.granularity_minutes, "step": policy.granularity_minutes % 60}
    return _(
        "Zu dieser Uhrzeit gibt es keine Termine für die gewählten Leistungen (Öffnungszeiten, "
        "Feiertage oder Schließungen). Bitte wählen Sie eine der angebotenen Uhrzeiten."
    )


def availability_request(
    location: Location,
    demand: dict[int, int],
    now: datetime | None = None,
    *,
    fresh: bool = False,
) -> engine.AvailabilityRequest | None:
    """The engine request for ``demand`` at ``location``; None if it cannot be served."""
    now = now_or(now)
    setup, index = location_state(location, now, fresh=fresh)
    return _request(setup, index, demand, now)


def _request(
    setup: LocationSetup, index: engine.BookingIndex, demand: dict[int, int], now: datetime
) -> engine.AvailabilityRequest | None:
    if not demand or any(s not in setup.durations for s in demand):
        return None
    return engine.AvailabilityRequest(
        counters=setup.counters,
        demand=demand,
        durations=setup.durations,
        bookings=index,
        policy=setup.policy,
        now=now,
        exceptions=setup.exceptions,
        holidays=setup.holidays,
    )


# Per process and (location, demand): single days' engine results, each with the index day
# copies it was computed from. A booking replaces the copy of one UTC day, so the next month
# calendar or day list recomputes the one or two local days that day touches and takes the
# rest from here; the engine asks only for days whose result cannot depend on ``now``.
_day_results: dict[tuple[int, tuple], _DayResults] = {}
_DAY_RESULTS_MAX = 256  # (location, demand) pairs per process
_DAY_ENTRIES_MAX = 1024  # results per pair (kinds x days; more only after a window moved)


_STARTS_MAX = 8192  # per-counter results per pair (20 counters x 60 days = 1,200)


@dataclass
class _DayResults:
    setup: LocationSetup  # the setup the entries were computed with (its engine inputs)
    entries: dict[tuple[str, date], tuple[tuple, object]]  # (kind, day) → (day copies, result)
    # (counter, day) → (that counter's lists in those day copies, its free start ranges)
    starts: dict[tuple[int, date], tuple[tuple, object]] = field(default_factory=dict)


def _engine_inputs(setup: LocationSetup) -> tuple:
    return setup.counters, setup.exceptions, setup.holidays, setup.policy, setup.durations


class _WindowMemo:
    """:class:`engine.DayMemo` for one request: a stored result counts only if every UTC day
    that can hold a row overlapping its local day is still the very copy it was computed
    from (copies are never changed, a change makes a new one – so this is exact)."""

    def __init__(self, results: _DayResults, window: availability_index.Window, tzkey: str):
        self._entries = results.entries
        self._starts = results.starts
        self._window = window
        self._tzkey = tzkey
        self._copies: dict[date, tuple] = {}

    def _copies_for(self, day: date) -> tuple:
        copies = self._copies.get(day)
        if copies is None:
            start, end = engine.day_bounds(self._tzkey, day)
            copies = self._copies[day] = self._window.parts_touching(start, end)
        return copies

    def _counter_lists(self, counter: int, day: date) -> tuple:
        """A counter's busy lists in those day copies (None = nothing there): the same
        objects mean the same busy time of that counter – a booking on another counter
        keeps them, so only the booked counter's ranges are computed again."""
        return tuple(
            None if part is None else part.per_counter.get(counter)
            for part in self._copies_for(day)
        )

    def _where(self, kind: engine.MemoKind, day: date) -> tuple[dict, tuple]:
        if isinstance(kind, tuple):
            return self._starts, (kind[1], day)
        return self._entries, (kind, day)

    def _copies_of(self, kind: engine.MemoKind, day: date) -> tuple:
        if isinstance(kind, tuple):
            return self._counter_lists(kind[1], day)
        return self._copies_for(day)

    def get(self, kind: engine.MemoKind, day: date):
        entries, key = self._where(kind, day)
        hit = entries.get(key)
        if hit is None:
            return None
        copies = self._copies_of(kind, day)
        if len(hit[0]) != len(copies) or any(
            a is not b for a, b in zip(hit[0], copies, strict=True)
        ):
            return None
        return hit[1]

    def put(self, kind: engine.MemoKind, day: date, value) -> None:
        entries, key = self._where(kind, day)
        if len(entries) >= (_STARTS_MAX if entries is self._starts else _DAY_ENTRIES_MAX):
            entries.clear()
        entries[key] = (self._copies_of(kind, day), value)


def _memo(
    setup: LocationSetup, demand: dict[int, int], window: availability_index.Window
) -> _WindowMemo:
    key = (setup.location_id, tuple(sorted(demand.items())))
    results = _day_results.get(key)
    if results is None or (
        results.setup is not setup and _engine_inputs(results.setup) != _engine_inputs(setup)
    ):
        results = _DayResults(setup, {})
        with _lock:
            if len(_day_results) >= _DAY_RESULTS_MAX:
                _day_results.clear()
            _day_results[key] = results
    results.setup = setup  # equal inputs: compare by identity next time
    return _WindowMemo(results, window, setup.policy.timezone)


def _request_and_memo(
    location: Location, demand: dict[int, int], now: datetime | None
) -> tuple[engine.AvailabilityRequest | None, _WindowMemo | None]:
    """The engine request and, when it reads the shared index, the memo of day results."""
    now = now_or(now)
    setup, index, window = _state(location, now, fresh=False)
    request = _request(setup, index, demand, now)
    if request is None or window is None:
        return request, None
    return request, _memo(setup, demand, window)


def slots_on(location: Location, demand: dict[int, int], day: date, now=None) -> list[engine.Slot]:
    request, memo = _request_and_memo(location, demand, now)
    return engine.free_slots(request, day, memo) if request else []


def find_slot(
    location: Location, demand: dict[int, int], start: datetime, now=None, *, fresh=False
) -> engine.Slot | None:
    """The free slot starting exactly at ``start`` (None if it is not free)."""
    request = availability_request(location, demand, now, fresh=fresh)
    if request is None:
        return None
    day = start.astimezone(request.policy.tz).date()
    for slot in engine.free_slots(request, day):
        if slot.start == start:
            return slot
    return None


def month(location: Location, demand: dict[int, int], year: int, month_: int, now=None):
    request, memo = _request_and_memo(location, demand, now)
    if request is None:
        return {}
    return engine.month_calendar(request, year, month_, memo)


def next_days(location: Location, demand: dict[int, int], limit: int = 5, now=None) -> list[date]:
    request = availability_request(location, demand, now)
    return engine.next_free_days(request, limit) if request else []


def earliest(location: Location, demand: dict[int, int], now=None) -> engine.Slot | None:
    request = availability_request(location, demand, now)
    return engine.earliest_slot(request) if request else None


def earliest_anywhere(
    municipality_id: int, demand: dict[int, int], now=None
) -> tuple[Location, engine.Slot] | None:
    """Earliest slot for the demand at any public location of the municipality.

    Each location's earliest slot per demand is kept in the shared index (dropped by the
    writes that change it, see ``availability_index``): one round trip reads all of them,
    and only locations without a valid entry are computed (and stored). Ties go to the
    location listed first."""
    now = now_or(now)
    locations = catalogue.public_location_list(municipality_id)
    if not _cacheable(now):
        return _earliest_computed(locations, demand, now)
    key = availability_index.demand_key(demand)
    now_s = int(now.timestamp())
    entries = availability_index.earliest_read([loc.id for loc in locations], key, now_s)
    missing = [loc for loc in locations if entries[loc.id][1] is None]
    found = {loc.id: entry for loc in locations if (entry := entries[loc.id][1]) is not None}
    for location, setup, index in location_states(missing, now) if missing else ():
        request = _request(setup, index, demand, now)
        slot = None
        if request is not None and any(set(demand) <= c.service_ids for c in request.counters):
            slot = engine.earliest_slot(request)
        entry = _earliest_entry(location.id, setup, slot, now)
        availability_index.earliest_store(location.id, key, entries[location.id][0], entry)
        found[location.id] = entry
    best = None
    for location in locations:
        entry = found[location.id]
        if entry.start and (best is None or entry.start < best[0].start):
            best = (entry, location)
    if best is None:
        return None
    entry, location = best
    return location, engine.Slot(
        datetime.fromtimestamp(entry.start, UTC),
        datetime.fromtimestamp(entry.end, UTC),
        entry.counters,
    )


def _earliest_entry(
    location_id: int, setup: LocationSetup, slot: engine.Slot | None, now: datetime
) -> availability_index.Earliest:
    """The stored form of a location's earliest slot and how long it holds without a write:
    until a hold or deadline in the index runs out, the slot falls inside the minimum
    notice, the next local midnight (same-day rule, the window moves) and at most the
    setup cache's age."""
    local = now.astimezone(setup.policy.tz)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)
    limits = [
        availability_index.valid_until(location_id),
        int(midnight.timestamp()),
        int(now.timestamp()) + conf.availability_cache_seconds(),
    ]
    if slot is None:
        return availability_index.Earliest(0, 0, min(limits), ())
    limits.append(int((slot.start - setup.policy.min_notice).timestamp()))
    return availability_index.Earliest(
        int(slot.start.timestamp()), int(slot.end.timestamp()), min(limits), slot.counter_ids
    )


def _earliest_computed(
    locations: list[Location], demand: dict[int, int], now: datetime
) -> tuple[Location, engine.Slot] | None:
    requests = []
    for location, setup, index in location_states(locations, now):
        request = _request(setup, index, demand, now)
        if request is not None and any(set(demand) <= c.service_ids for c in request.counters):
            requests.append((location, request))
    return engine.earliest_across_locations(requests)


def bookable_window(location: Location, now=None) -> tuple[date, date]:
    now = now_or(now)
    setup, _ = location_state(location, now)
    today = now.astimezone(setup.policy.tz).date()
    first = today if setup.policy.same_day else today + timedelta(days=1)
    return first, today + timedelta(days=setup.policy.max_days_ahead)
