"""Django-free availability engine for citizen-office appointments.

The app translates ORM rows into these dataclasses and calls the functions below on every
availability request. Nothing here touches the database; capacity is finally enforced by
the app when it books.

Inputs (frozen dataclasses)
    ``OpeningRule(weekday, start, end)``  weekly local wall-clock interval, 0 = Monday;
        several per weekday allowed (lunch break = two intervals).
    ``DateException(date, intervals=())``  replaces a date's opening hours; empty = closed.
    ``Counter(id, service_ids, opening_rules, exceptions=())``  serves a request only if
        it offers *every* requested service.
    ``Booking(counter_id, start, end)``  appointment or hold, aware datetimes.
    ``BookingIndex(rows)``  rows of (counter_id, start_epoch_s, end_epoch_s): fastest;
        ``BookingIndex.from_datetimes(rows)`` for (counter_id, start, end) rows such as
        a ``values_list``; ``BookingIndex.build(bookings)`` for ``Booking`` objects;
        ``BookingIndex.from_intervals({counter_id: (starts, ends)})`` for per-counter
        epoch lists already ordered by start (an incrementally kept index, no row loop).
        Bookings per counter become sorted merged intervals (overlapping holds merge);
        rows ordered by start index in linear time. Converting 50,000 aware datetimes
        costs tens of ms, so cache the index per location and booking version, or read
        epoch seconds from SQL.
    ``Policy(granularity_minutes=10, min_notice=2h, same_day=True, max_days_ahead=60,
        timezone="Europe/Berlin")``
    ``AvailabilityRequest(counters, demand, durations, bookings, policy, now,
        exceptions=(), holidays=frozenset())``  ``demand`` service -> count,
        ``durations`` service -> minutes at this location; total duration =
        sum(duration x count). ``ServiceMap`` = Mapping[str, int] | Mapping[int, int].

Output
    ``Slot(start, end, counter_ids)``  one per start time; ``capacity`` = len(counter_ids).

Functions
    ``free_slots(request, day) -> list[Slot]``
    ``free_slots_in_range(request, start_date, end_date) -> list[Slot]``  (inclusive)
    ``iter_free_days(request, start_date=None, end_date=None)
        -> Iterator[tuple[date, list[Slot]]]``  lazy, only dates with slots
    ``next_free_days(request, limit) -> list[date]``
    ``month_calendar(request, year, month) -> dict[date, int]``  slots (start times) per day
    ``earliest_slot(request) -> Slot | None``
    ``earliest_across_locations([(location_id, request), ...])
        -> tuple[location_id, Slot] | None``  ties: the location listed first
    ``choose_counter(slot, bookings) -> counter_id | None``  least loaded that day (number
        of bookings), then lowest id; counters overlapping the slot are skipped
    ``bookable_window(request) -> (first_date, last_date)``
    ``free_slots``, ``iter_free_days`` and ``month_calendar`` take an
    optional ``memo`` (:class:`DayMemo`: ``get(kind, day)``/``put(kind, day, value)``) that
    keeps single days' results between requests (a day's count or slots, and per counter
    its free start ranges – kind ``("starts", counter_id)``, which depends only on that
    counter's busy time): it is used only for days starting at or
    after ``now + min_notice`` (their result does not depend on ``now``), and it must answer
    only for the same inputs and the same busy intervals overlapping that local day – the
    app keys it by the identity of its index's day parts, so a booking recomputes only the
    days it touched.
    ``public_holidays(state, years) -> frozenset[date]``  e.g. ("NW", [2026, 2027])
    ``day_bounds(timezone, day) -> (start, end)``  a local day in epoch seconds

Rules
    * Opening hours of a counter on a date: counter exception, else location exception,
      else closed on a public holiday, else the weekly rules (most specific wins, so a
      special opening on a holiday is an exception). Overlapping or touching intervals
      merge into one continuous interval.
    * Slots start at multiples of the granularity counted in elapsed time from the
      (merged) opening interval's start and must end by its end; a slot must not overlap
      a booking on the counter (touching is fine).
    * Bookable dates run from today (tomorrow if ``same_day`` is False) to today +
      ``max_days_ahead`` inclusive, "today" being ``now``'s local date; a slot must start
      at or after ``now + min_notice``.
    * DST: internally all instants are UTC epoch seconds, so end - start is always the
      real duration. A nonexistent wall time (spring-forward gap) maps to the transition
      instant; an ambiguous one (fall-back) to its first occurrence. Starts in the second
      pass of the repeated hour are not offered, so every start has a unique local wall
      time; appointments may run into the repeated hour. Slot datetimes are aware, in the
      policy's zone, with ``fold`` set by zoneinfo.

Performance
    Each day is computed on its own (so ``next_free_days``/``earliest_slot`` stop early):
    opening intervals are converted to UTC epoch seconds once per (date, hours); the
    free gaps long enough for the appointment are precomputed per counter from the
    sorted busy intervals, and a day only bisects into them; slot starts are produced
    per gap as grid ``range``s and merged across counters. Work per day is
    proportional to counters x intervals + free starts, not to minutes or bookings.
    ``bench/availability_engine.py`` measures 20 counters x 50,000 bookings x 60 days.
    With a memo a month calendar after one booking recomputes one or two days, not 30.
"""

from .bookings import Booking, BookingIndex
from .clock import day_bounds
from .engine import (
    DayMemo,
    MemoKind,
    bookable_window,
    choose_counter,
    earliest_across_locations,
    earliest_slot,
    free_slots,
    free_slots_in_range,
    iter_free_days,
    month_calendar,
    next_free_days,
)
from .holiday_calendar import public_holidays
from .model import (
    AvailabilityRequest,
    Counter,
    CounterId,
    DateException,
    OpeningRule,
    Policy,
    ServiceId,
    ServiceMap,
    Slot,
)

__all__ = [
    "AvailabilityRequest",
    "Booking",
    "BookingIndex",
    "Counter",
    "CounterId",
    "DateException",
    "DayMemo",
    "MemoKind",
    "OpeningRule",
    "Policy",
    "ServiceId",
    "ServiceMap",
    "Slot",
    "bookable_window",
    "choose_counter",
    "day_bounds",
    "earliest_across_locations",
    "earliest_slot",
    "free_slots",
    "free_slots_in_range",
    "iter_free_days",
    "month_calendar",
    "next_free_days",
    "public_holidays",
]
