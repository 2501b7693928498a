"""Settings of the staff pool (read with defaults)."""

from django.conf import settings


def match_time_limit() -> float:
    """Seconds the matching may search (RATHAUS_STAFFPOOL_MATCH_SECONDS)."""
    return float(getattr(settings, "RATHAUS_STAFFPOOL_MATCH_SECONDS", 5.0))


def match_work_limit() -> float | None:
    """CP-SAT deterministic work limit instead of seconds (RATHAUS_STAFFPOOL_MATCH_WORK):
    the same proposals on an idle or a busy machine. The test suite sets it."""
    value = getattr(settings, "RATHAUS_STAFFPOOL_MATCH_WORK", None)
    return float(value) if value is not None else None


def hourly_rate() -> str:
    """Default hourly rate for the cost settlement (RATHAUS_STAFFPOOL_HOURLY_RATE)."""
    return str(getattr(settings, "RATHAUS_STAFFPOOL_HOURLY_RATE", "48.00"))
