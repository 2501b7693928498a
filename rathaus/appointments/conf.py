"""Settings of the appointments app (read lazily so tests can override them)."""

from __future__ import annotations

from django.conf import settings


def retention_days() -> int:
    """Days after the appointment after which citizens' personal data is deleted."""
    return int(getattr(settings, "RATHAUS_APPOINTMENT_RETENTION_DAYS", 30))


def altcha_hmac_key() -> str:
    return str(getattr(settings, "ALTCHA_HMAC_KEY", settings.SECRET_KEY))


def altcha_max_number() -> int:
    return int(getattr(settings, "ALTCHA_MAX_NUMBER", 50000))


def altcha_required() -> bool:
    """Bench-only switch: RATHAUS_APPOINTMENTS_ALTCHA_REQUIRED=False disables proof of work.

    Never disable it in production; the benchmark states it in its table when it does.
    """
    return bool(getattr(settings, "RATHAUS_APPOINTMENTS_ALTCHA_REQUIRED", True))


def rate_limits_enabled() -> bool:
    """Bench-only switch for the per-IP limits and (unless RATHAUS_APPOINTMENTS_EMAIL_LIMIT
    says otherwise) the per-e-mail limit (default on)."""
    return bool(getattr(settings, "RATHAUS_APPOINTMENTS_RATE_LIMITS", True))


def email_limit_enabled() -> bool:
    """Per-e-mail limit of active appointments; follows RATHAUS_APPOINTMENTS_RATE_LIMITS
    unless RATHAUS_APPOINTMENTS_EMAIL_LIMIT is set (the benchmark keeps it on while the
    per-IP limit is off, because all its clients share one IP)."""
    value = getattr(settings, "RATHAUS_APPOINTMENTS_EMAIL_LIMIT", None)
    return rate_limits_enabled() if value is None else bool(value)


def availability_cache_seconds() -> int:
    """How long a process may reuse a location's setup and day slots; 0 = read everything
    from the database on every request (tests that write rows around the services)."""
    return int(getattr(settings, "RATHAUS_APPOINTMENTS_AVAILABILITY_CACHE_SECONDS", 20))


def availability_index_in_redis() -> bool:
    """The shared booking index lives in Redis when the cache is django-redis (several web
    processes); otherwise in each process (tests, the single-process SQLite demo)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return backend.startswith("django_redis")


def celery_broker_configured() -> bool:
    """Tasks go to a broker and a worker runs them (not inline)."""
    return bool(getattr(settings, "CELERY_BROKER_URL", "")) and not getattr(
        settings, "CELERY_TASK_ALWAYS_EAGER", False
    )
