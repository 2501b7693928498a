"""The checks and the mail queue every booking path shares (booking, Terminagent, closures,
counter, periodic jobs): the demand, the person, the e-mail and IP limits, the retry of a
transaction that lost a race, and queueing a citizen's e-mail after the commit.
"""

from __future__ import annotations

import functools
import time as _time
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.appointments import conf, tasks
from rathaus.appointments.models import Appointment, hash_token
from rathaus.appointments.selectors import catalogue, mail_queue
from rathaus.appointments.services import placement
from rathaus.core import clientip, links, text
from rathaus.core.models import Location
from rathaus.core.problems import DomainError, TooManyRequests

DEMAND_ERRORS = {
    "no_services",
    "too_many_services",
    "invalid_services",
    "unknown_service",
    "invalid_count",
}
MAX_ITEMS = 10


def appointment_mail_after_commit(
    kind: str, appointment_id: int, token: str = "", extra: str = ""
) -> None:
    """Queue the citizen's e-mail of ``kind`` once the current transaction commits.

    With Redis and a worker: one line in the mail queue (:mod:`selectors.mail_queue`; the
    worker sends the queue in batches); otherwise one Celery task per e-mail. The links' base
    is taken now (the request's host, or SITE_URL) and travels with the job."""
    base_url = links.site_url()
    if mail_queue.enabled():
        raw = mail_queue.job(kind, appointment_id, token, extra, base_url)
        transaction.on_commit(lambda: _queue_mail(raw))
        return
    transaction.on_commit(
        lambda: tasks.send_appointment_mail.delay(kind, appointment_id, token, extra, base_url)
    )


def _queue_mail(raw: str) -> None:
    """The first job in an empty queue wakes a worker; later ones find it draining."""
    mail_queue.queue().push_then(raw, tasks.send_queued_mails.delay)


def normalize_demand(location: Location, demand) -> dict[int, int]:
    """Validate ``{service_id: count}`` for a location; German DomainError otherwise."""
    if not isinstance(demand, dict) or not demand:
        raise DomainError("no_services", _("Bitte wählen Sie mindestens eine Leistung aus."))
    if len(demand) > MAX_ITEMS:
        raise DomainError("too_many_services", _("Bitte wählen Sie höchstens 10 Leistungen."))
    try:
        clean = {int(k): int(v) for k, v in demand.items()}
    except (TypeError, ValueError, OverflowError) as exc:
        raise DomainError(
            "invalid_services", _("Die Auswahl der Leistungen ist ungültig.")
        ) from exc
    clean = {k: v for k, v in clean.items() if v != 0}
    if not clean:
        raise DomainError("no_services", _("Bitte wählen Sie mindestens eine Leistung aus."))
    offered = catalogue.active_services(location.municipality_id)
    for service_id, count in clean.items():
        service = offered.get(service_id)
        if service is None:
            raise DomainError(
                "unknown_service", _("Diese Leistung wird an diesem Standort nicht angeboten.")
            )
        name, max_count = service
        if not 1 <= count <= max_count:
            raise DomainError(
                "invalid_count",
                _("Für „%(name)s“ sind 1 bis %(max)s Vorgänge je Termin möglich.")
                % {"name": name, "max": max_count},
            )
    return clean


def rate_limit_key(ip: str, *, scope: str = "book") -> str:
    """The cache key (without the cache's prefix) that counts ``ip``'s requests in this
    hour's window; the surge's door before Django counts under the same key."""
    window = int(timezone.now().timestamp()) // 3600
    return f"appointments:rl:{scope}:{hash_token(clientip.limit_key(ip))[:24]}:{window}"


def too_many_requests() -> TooManyRequests:
    return TooManyRequests(
        "too_many_requests",
        _("Zu viele Anfragen von Ihrem Anschluss. Bitte versuchen Sie es in einer Stunde erneut."),
    )


def rate_limit_ip(ip: str | None, limit: int, *, scope: str = "book") -> None:
    """Per-IP request counter in the cache (fixed one-hour windows); 429 when exceeded.

    IPv6 addresses count per /64 network: one line has 2^64 of them to rotate through."""
    if not conf.rate_limits_enabled() or not ip or limit <= 0:
        return
    key = rate_limit_key(ip, scope=scope)
    if cache.add(key, 1, 3700):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3700)
            count = 1
    if count > limit:
        raise too_many_requests()


def email_limit_in_insert(limit: int) -> int:
    """The limit for :func:`placement.place` to count inside its insert statement (PostgreSQL:
    no round trip of its own), or 0: check it with :func:`check_email_limit` first."""
    if not conf.email_limit_enabled() or limit <= 0 or not placement.available():
        return 0
    return limit


def email_limit_refusal(limit: int) -> TooManyRequests:
    return TooManyRequests(
        "too_many_appointments",
        _(
            "Mit dieser E-Mail-Adresse sind bereits %(limit)s Termine gebucht. Bitte sagen "
            "Sie zuerst einen Termin ab, bevor Sie einen weiteren buchen."
        )
        % {"limit": limit},
    )


def check_email_limit(email: str, limit: int, now: datetime, exclude_id=None) -> None:
    """One query (PostgreSQL: partial index on ``upper(citizen_email)``, migration 0004)."""
    if not conf.email_limit_enabled() or limit <= 0:
        return
    if placement.available() and not exclude_id:
        count = placement.active_count_for_email(email, now)  # prepared: no ORM per booking
    else:
        qs = Appointment.objects.filter(
            citizen_email__iexact=email, status__in=Appointment.ACTIVE, end__gt=now
        )
        count = (qs.exclude(pk=exclude_id) if exclude_id else qs).count()
    if count >= limit:
        raise email_limit_refusal(limit)


def retry_when_locked(func):
    """Retry a whole transaction that lost a race to the database, then answer 503.

    SQLite: a writer whose read snapshot went stale gets "database is locked" at once (no busy
    wait). PostgreSQL: a deadlock or serialization failure (SQLSTATE 40P01/40001) between two
    concurrent bookings. Outside a surrounding transaction the call is simply repeated; inside
    one it cannot be, and the citizen gets a 503 "try again" instead of a server error."""

    def lost_race(exc) -> bool:
        if connection.vendor == "sqlite":
            return "locked" in str(exc)
        return placement.is_transaction_rollback(exc)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        attempts = 1 if connection.in_atomic_block else 8 if connection.vendor == "sqlite" else 3
        for attempt in range(attempts):
            try:
                return func(*args, **kwargs)
            except OperationalError as exc:
                if not lost_race(exc):
                    raise
                if attempt == attempts - 1:
                    raise DomainError(
                        "busy",
                        _(
                            "Das System ist gerade ausgelastet. Bitte versuchen Sie es gleich noch einmal."
                        ),
                        status=503,
                    ) from exc
                _time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    return wrapper


# --------------------------------------------------------------------------- citizens


def _valid_email(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return len(email) <= 254 and not text.has_control_characters(email)


def validate_person(
    name: str, email: str, phone: str, *, email_required: bool = True
) -> tuple[str, str, str]:
    """Name and phone: one line, no control characters (they go into official e-mails).

    ``email_required=False`` (a clerk booking for a caller): an empty address is allowed."""
    name = (name or "").strip()
    email = (email or "").strip()
    phone = (phone or "").strip()
    errors = []
    if not name or len(name) > 200:
        errors.append({"field": "name", "message": _("Bitte geben Sie Ihren Namen an.")})
    elif text.has_control_characters(name):
        errors.append({"field": "name", "message": str(text.MESSAGE)})
    if (email or email_required) and not _valid_email(email):
        errors.append(
            {"field": "email", "message": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")}
        )
    if len(phone) > 40:
        errors.append({"field": "phone", "message": _("Die Telefonnummer ist zu lang.")})
    elif text.has_control_characters(phone):
        errors.append({"field": "phone", "message": str(text.MESSAGE)})
    if errors:
        raise DomainError(
            "invalid_person", " ".join(e["message"] for e in errors), status=422, errors=errors
        )
    return name, email, phone
