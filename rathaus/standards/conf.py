"""Settings of the standards app (read with defaults)."""

from django.conf import settings


def recompute_days() -> int:
    """Days the daily job measures again (late check-ins and no-shows change recent days)."""
    return int(getattr(settings, "RATHAUS_STANDARDS_RECOMPUTE_DAYS", 7))


def full_utilisation() -> float:
    """Counter utilisation from which the remedy hint speaks of full capacity."""
    return float(getattr(settings, "RATHAUS_STANDARDS_FULL_UTILISATION", 0.85))
