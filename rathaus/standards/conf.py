"""Settings of the standards app (read with defaults)."""

from django.conf import settings


def recompute_days() -> int:
    """Days the daily job measures again (late check-ins and no-shows change recent days)."""
    return int(getattr(settings, "RATHAUS_STANDARDS_RECOMPUTE_DAYS", 7))


def full_utilisation() -> float:
    """Counter utilisation from which the remedy hint speaks of full capacity."""
    return float(getattr(settings, "RATHAUS_STANDARDS_FULL_UTILISATION", 0.85))


def backfill_days() -> int:
    """Days of appointment history filled in when a municipality joins or is first measured."""
    return int(getattr(settings, "RATHAUS_STANDARDS_BACKFILL_DAYS", 90))
