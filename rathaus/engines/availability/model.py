"""Input and output dataclasses of the availability engine (no behaviour beyond validation)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

from .bookings import Booking, BookingIndex

ServiceId: TypeAlias = int | str
CounterId: TypeAlias = int
WallInterval: TypeAlias = tuple[time, time]
# Mapping is invariant in its key type: a union lets callers pass dict[str, int] as well
# as dict[int, int] without casts.
ServiceMap: TypeAlias = Mapping[str, int] | Mapping[int, int]
_Date = date  # DateException has a field named ``date`` that shadows the type

__all__ = [
    "AvailabilityRequest",
    "Counter",
    "CounterId",
    "DateException",
    "OpeningRule",
    "Policy",
    "ServiceId",
    "ServiceMap",
    "Slot",
]


def _check_wall_interval(start: time, end: time) -> None:
    if start.tzinfo is not None or end.tzinfo is not None:
        raise ValueError("opening times are local wall-clock times and must be naive")
    if not start < end:
        raise ValueError(f"opening interval must have start < end, got {start}-{end}")


@dataclass(frozen=True, slots=True)
class OpeningRule:
    """Weekly opening interval of a counter, local wall-clock time (weekday 0 = Monday)."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")
        _check_wall_interval(self.start, self.end)


@dataclass(frozen=True, slots=True)
class DateException:
    """Replaces the regular opening hours on one date; no intervals means closed.

    Used per location and per counter; the most specific one wins (see package docs).
    """

    date: date
    intervals: tuple[WallInterval, ...] = ()

    def __post_init__(self) -> None:
        for start, end in self.intervals:
            _check_wall_interval(start, end)

    @property
    def closed(self) -> bool:
        return not self.intervals

    @classmethod
    def closure(cls, day: _Date) -> DateException:
        return cls(day, ())


@dataclass(frozen=True, slots=True)
class Counter:
    """A counter (Schalter) that serves every service in ``service_ids``."""

    id: CounterId
    service_ids: frozenset[ServiceId]
    opening_rules: tuple[OpeningRule, ...]
    exceptions: tuple[DateException, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    """Booking policy of a location.

    ``max_days_ahead``: the last bookable local date is today + max_days_ahead (inclusive).
    ``same_day=False`` means "not today": the first bookable date is tomorrow.
    """

    granularity_minutes: int = 10
    min_notice: timedelta = timedelta(hours=2)
    same_day: bool = True
    max_days_ahead: int = 60
    timezone: str = "Europe/Berlin"

    def __post_init__(self) -> None:
        if self.granularity_minutes <= 0:
            raise ValueError("granularity_minutes must be positive")
        if self.min_notice < timedelta(0):
            raise ValueError("min_notice must not be negative")
        if self.max_days_ahead < 0:
            raise ValueError("max_days_ahead must not be negative")
        ZoneInfo(self.timezone)  # fail early on unknown zones

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches instances per key


@dataclass(frozen=True, slots=True)
class AvailabilityRequest:
    """Everything the engine needs for one location and one citizen request.

    ``demand`` maps service -> count (2 ID cards + 1 passport), ``durations`` maps
    service -> minutes at this location. ``bookings`` may be a sequence of
    :class:`Booking` (indexed on construction; pass them ordered by start for a linear
    build) or a prebuilt :class:`BookingIndex` that the caller may reuse.
    ``exceptions`` are location-wide; ``holidays`` close the location unless an
    exception opens it.
    """

    counters: tuple[Counter, ...]
    demand: ServiceMap
    durations: ServiceMap
    bookings: BookingIndex | Iterable[Booking]
    policy: Policy
    now: datetime
    exceptions: tuple[DateException, ...] = ()
    holidays: frozenset[date] = frozenset()
    index: BookingIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise ValueError("now must be an aware datetime")
        if not self.demand:
            raise ValueError("demand must name at least one service")
        durations: Mapping[Any, int] = self.durations
        for service, count in self.demand.items():
            if count <= 0:
                raise ValueError(f"count for service {service!r} must be positive")
            minutes = durations.get(service)
            if minutes is None:
                raise ValueError(f"no duration for service {service!r} at this location")
            if minutes <= 0:
                raise ValueError(f"duration for service {service!r} must be positive")
        ids = [c.id for c in self.counters]
        if len(set(ids)) != len(ids):
            raise ValueError("counter ids must be unique")
        index = (
            self.bookings
            if isinstance(self.bookings, BookingIndex)
            else BookingIndex.build(self.bookings)
        )
        object.__setattr__(self, "index", index)

    @property
    def duration(self) -> timedelta:
        """Total appointment length: sum of duration x count over the demand."""
        durations: Mapping[Any, int] = self.durations
        return timedelta(minutes=sum(durations[s] * n for s, n in self.demand.items()))


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start time; ``counter_ids`` (ascending) could each take it."""

    start: datetime
    end: datetime
    counter_ids: tuple[CounterId, ...]

    @property
    def capacity(self) -> int:
        return len(self.counter_ids)
