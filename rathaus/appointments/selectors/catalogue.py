"""Reads: the public catalogue — municipalities, locations, services, durations, policies.

Public reads (citizens) need no user. Rarely changing rows are cached per process for the
availability cache's TTL (:func:`clear_process_cache` empties it).
"""

from __future__ import annotations

import time as _time
from zoneinfo import ZoneInfo

from rathaus.appointments import conf
from rathaus.appointments.models import (
    Appointment,
    BookingPolicy,
    Counter,
    Service,
    ServiceDuration,
)
from rathaus.core.models import Location, Municipality


def public_municipalities():
    """Municipalities with at least one location that has an active counter."""
    ids = Counter.objects.filter(active=True).values("municipality_id")
    return Municipality.objects.filter(id__in=ids).order_by("name")


def public_locations(municipality: Municipality | int | None = None):
    qs = Location.objects.filter(
        id__in=Counter.objects.filter(active=True).values("location_id")
    ).select_related("municipality")
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    return qs.order_by("municipality__name", "name")


_small: dict[tuple, tuple[float, object]] = {}


def clear_process_cache() -> None:
    _small.clear()


def _ttl_cached(key: tuple, build):
    """Tiny per-process cache for rarely changing rows (same TTL as availability)."""
    ttl = conf.availability_cache_seconds()
    if ttl <= 0:
        return build()
    hit = _small.get(key)
    mono = _time.monotonic()
    if hit is not None and mono - hit[0] < ttl:
        return hit[1]
    value = build()
    _small[key] = (mono, value)
    return value


def get_public_location(location_id) -> Location | None:
    try:
        location_id = int(location_id)
    except (ValueError, TypeError, OverflowError):
        return None

    def build():
        try:
            return public_locations().get(id=location_id)
        except (Location.DoesNotExist, OverflowError):
            return None

    return _ttl_cached(("location", location_id), build)


def public_location_list(municipality_id: int) -> list[Location]:
    """The municipality's public locations, cached per process like a single location (read
    by "earliest slot anywhere" on every request)."""
    return _ttl_cached(
        ("public_locations", municipality_id), lambda: list(public_locations(municipality_id))
    )


def active_services(municipality_id: int) -> dict[int, tuple[str, int]]:
    """service id → (name, max count) of a municipality's bookable services."""
    return _ttl_cached(
        ("services", municipality_id),
        lambda: {
            sid: (name, max_count)
            for sid, name, max_count in Service.objects.filter(
                municipality_id=municipality_id, active=True
            ).values_list("id", "name", "max_count")
        },
    )


def services_at(location: Location) -> list[Service]:
    """Active services that at least one active counter of the location offers."""
    return list(
        Service.objects.filter(
            municipality_id=location.municipality_id,
            active=True,
            counters__location=location,
            counters__active=True,
        )
        .distinct()
        .order_by("position", "name")
    )


def durations_at(location: Location) -> dict[int, int]:
    """service id → minutes at this location (override, else the service's default)."""
    out = dict(
        Service.objects.filter(municipality_id=location.municipality_id).values_list(
            "id", "default_duration_minutes"
        )
    )
    out.update(
        ServiceDuration.objects.filter(location=location).values_list(
            "service_id", "duration_minutes"
        )
    )
    return out


def policy_for(location: Location) -> BookingPolicy:
    """The location's booking policy; an unsaved default if none was configured."""
    policy = BookingPolicy.objects.filter(location=location).first()
    if policy is None:
        policy = BookingPolicy(location=location, municipality_id=location.municipality_id)
        policy.display_token = ""
    return policy


def items_label(appointment: Appointment) -> str:
    parts = []
    for item in appointment.items.all():
        parts.append(f"{item.count} × {item.service.name}" if item.count > 1 else item.service.name)
    return ", ".join(parts)


def demand_of(appointment: Appointment) -> dict[int, int]:
    return {item.service_id: item.count for item in appointment.items.all()}


def local_tz(location: Location):
    return ZoneInfo(location.municipality.time_zone or "Europe/Berlin")


def service_names(service_ids) -> dict[int, str]:
    """service id → name (for labels of a demand)."""
    return dict(
        Service.objects.filter(id__in=[int(i) for i in service_ids]).values_list("id", "name")
    )


def municipality_get(municipality_id: int) -> Municipality | None:
    return Municipality.objects.filter(id=municipality_id).first()


def public_municipality_get(municipality_id) -> Municipality | None:
    """A municipality with online appointments (see :func:`public_municipalities`)."""
    return public_municipalities().filter(id=municipality_id).first()
