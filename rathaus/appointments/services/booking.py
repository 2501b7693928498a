"""Writes of a citizen's own appointment: hold, book, confirm, cancel, reschedule, attend.

``<entity>_<verb>(*, …)`` functions inside transactions, plus the checks every booking
path shares (``normalize_demand``, ``validate_person``, ``check_email_limit``,
``rate_limit_ip``) and ``appointment_mail_after_commit``.

No double booking, ever: every insert or move goes through
:func:`rathaus.appointments.services.placement.place` (PostgreSQL fast path, else the locked path;
the exclusion constraint stays the final guard; 409 if no counter is left).

Related writes: :mod:`~rathaus.appointments.services.waiting_list` (Terminagent),
:mod:`~rathaus.appointments.services.closures` (closures, rebooking),
:mod:`~rathaus.appointments.services.maintenance` (periodic jobs).

Every function takes ``now`` (default: ``timezone.now()``) so tests never patch time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from rathaus.appointments import conf
from rathaus.appointments.models import Appointment, hash_token, new_token
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.services import placement
from rathaus.core import audit, clientip, text
from rathaus.core.models import Location
from rathaus.core.problems import DomainError, NotFound, TooManyRequests

S = Appointment.Status

DEMAND_ERRORS = {
    "no_services",
    "too_many_services",
    "invalid_services",
    "unknown_service",
    "invalid_count",
}
MAX_ITEMS = 10


# --------------------------------------------------------------------------- helpers


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def appointment_mail_after_commit(
    kind: str, appointment_id: int, token: str = "", extra: str = ""
) -> None:
    """Queue the citizen's e-mail of ``kind`` once the current transaction commits."""
    from rathaus.appointments import tasks

    transaction.on_commit(
        lambda: tasks.send_appointment_mail.delay(kind, appointment_id, token, extra)
    )


def _offer_to_waiting_list_after_commit(location_id: int, start, end, now) -> None:
    # imported here: the waiting list books through this module
    from rathaus.appointments.services.waiting_list import offer_freed_slot_after_commit

    offer_freed_slot_after_commit(location_id, start, end, now)


def normalize_demand(location: Location, demand) -> dict[int, int]:
    """Validate ``{service_id: count}`` for a location; German DomainError otherwise."""
    if not isinstance(demand, dict) or not demand:
        raise DomainError("no_services", "Bitte wählen Sie mindestens eine Leistung aus.")
    if len(demand) > MAX_ITEMS:
        raise DomainError("too_many_services", "Bitte wählen Sie höchstens 10 Leistungen.")
    try:
        clean = {int(k): int(v) for k, v in demand.items()}
    except (TypeError, ValueError, OverflowError) as exc:
        raise DomainError("invalid_services", "Die Auswahl der Leistungen ist ungültig.") from exc
    clean = {k: v for k, v in clean.items() if v != 0}
    if not clean:
        raise DomainError("no_services", "Bitte wählen Sie mindestens eine Leistung aus.")
    offered = catalogue.active_services(location.municipality_id)
    for service_id, count in clean.items():
        service = offered.get(service_id)
        if service is None:
            raise DomainError(
                "unknown_service", "Diese Leistung wird an diesem Standort nicht angeboten."
            )
        name, max_count = service
        if not 1 <= count <= max_count:
            raise DomainError(
                "invalid_count",
                f"Für „{name}“ sind 1 bis {max_count} Vorgänge je Termin möglich.",
            )
    return clean


def rate_limit_ip(ip: str | None, limit: int, *, scope: str = "book") -> None:
    """Per-IP request counter in the cache (fixed one-hour windows); 429 when exceeded.

    IPv6 addresses count per /64 network: one line has 2^64 of them to rotate through."""
    if not conf.rate_limits_enabled() or not ip or limit <= 0:
        return
    window = int(timezone.now().timestamp()) // 3600
    key = f"appointments:rl:{scope}:{hash_token(clientip.limit_key(ip))[:24]}:{window}"
    if cache.add(key, 1, 3700):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3700)
            count = 1
    if count > limit:
        raise TooManyRequests(
            "too_many_requests",
            "Zu viele Anfragen von Ihrem Anschluss. Bitte versuchen Sie es in einer Stunde erneut.",
        )


def check_email_limit(email: str, limit: int, now: datetime, exclude_id=None) -> None:
    """One query (PostgreSQL: partial index on ``upper(citizen_email)``, migration 0004)."""
    if not conf.email_limit_enabled() or limit <= 0:
        return
    qs = Appointment.objects.filter(
        citizen_email__iexact=email, status__in=Appointment.ACTIVE, end__gt=now
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if qs.count() >= limit:
        raise TooManyRequests(
            "too_many_appointments",
            f"Mit dieser E-Mail-Adresse sind bereits {limit} Termine gebucht. Bitte sagen Sie "
            "zuerst einen Termin ab, bevor Sie einen weiteren buchen.",
        )


def _get_by_token(token: str, *, for_update=False) -> Appointment:
    if not token or len(token) > 200:
        raise NotFound("not_found", "Dieser Termin wurde nicht gefunden.")
    qs = Appointment.objects.select_related("location", "location__municipality")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    appointment = qs.filter(token_hash=hash_token(token)).first()
    if appointment is None:
        raise NotFound("not_found", "Dieser Termin wurde nicht gefunden.")
    if appointment.anonymized_at is not None:
        # after the retention period the link is dead: nothing personal remains behind it
        raise DomainError("link_expired", "Dieser Link ist abgelaufen.", status=410)
    return appointment


def _refuse_past(appointment: Appointment, now: datetime, code: str, message: str) -> None:
    """A personal link acts only on appointments that have not ended yet."""
    if appointment.end <= now:
        raise DomainError(code, message, status=409)


def appointment_by_token(token: str) -> Appointment:
    return _get_by_token(token)


def _retry_when_locked(func):
    """Retry a whole transaction that lost a race to the database, then answer 503.

    SQLite: a writer whose read snapshot went stale gets "database is locked" at once (no busy
    wait). PostgreSQL: a deadlock or serialization failure (SQLSTATE 40P01/40001) between two
    concurrent bookings. Outside a surrounding transaction the call is simply repeated; inside
    one it cannot be, and the citizen gets a 503 "try again" instead of a server error."""
    import functools
    import time as _time

    from django.db import OperationalError

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
                        "Das System ist gerade ausgelastet. Bitte versuchen Sie es gleich noch einmal.",
                        status=503,
                    ) from exc
                _time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    return wrapper


# --------------------------------------------------------------------------- citizens


@_retry_when_locked
def appointment_hold(
    *, location: Location, demand, start: datetime, now: datetime | None = None
) -> tuple[Appointment, str]:
    """Reserve a slot for a few minutes (no personal data yet). Returns (hold, raw token).

    No outer transaction: ``_place`` inserts in one statement or opens its own."""
    now = _now(now)
    demand = normalize_demand(location, demand)
    setup = availability.location_setup(location, now)
    policy = setup.booking_policy
    token = new_token()
    hold = placement.place(
        location=location,
        demand=demand,
        start=start,
        now=now,
        setup=setup,
        fields={
            "status": S.HELD,
            "token_hash": hash_token(token),
            "hold_expires_at": now + timedelta(minutes=policy.hold_minutes),
        },
    )
    return hold, token


def validate_person(name: str, email: str, phone: str) -> tuple[str, str, str]:
    """Name and phone: one line, no control characters (they go into official e-mails)."""
    name = (name or "").strip()
    email = (email or "").strip()
    phone = (phone or "").strip()
    errors = []
    if not name or len(name) > 200:
        errors.append({"field": "name", "message": "Bitte geben Sie Ihren Namen an."})
    elif text.has_control_characters(name):
        errors.append({"field": "name", "message": str(text.MESSAGE)})
    try:
        validate_email(email)
        if len(email) > 254 or text.has_control_characters(email):
            raise ValidationError("too long")
    except ValidationError:
        errors.append(
            {"field": "email", "message": "Bitte geben Sie eine gültige E-Mail-Adresse an."}
        )
    if len(phone) > 40:
        errors.append({"field": "phone", "message": "Die Telefonnummer ist zu lang."})
    elif text.has_control_characters(phone):
        errors.append({"field": "phone", "message": str(text.MESSAGE)})
    if errors:
        raise DomainError(
            "invalid_person", " ".join(e["message"] for e in errors), status=422, errors=errors
        )
    return name, email, phone


@_retry_when_locked
@transaction.atomic
def appointment_book(
    *,
    hold_token: str,
    name: str,
    email: str,
    phone: str = "",
    now: datetime | None = None,
) -> tuple[Appointment, str]:
    """Turn a hold into a booking awaiting e-mail confirmation (double opt-in)."""
    now = _now(now)
    name, email, phone = validate_person(name, email, phone)
    try:
        appointment = _get_by_token(hold_token, for_update=True)
    except NotFound as exc:
        raise DomainError(
            "hold_expired",
            "Ihre Reservierung ist abgelaufen. Bitte wählen Sie den Termin erneut aus.",
            status=410,
        ) from exc
    if appointment.status != S.HELD or appointment.hold_expires_at <= now:
        raise DomainError(
            "hold_expired",
            "Ihre Reservierung ist abgelaufen. Bitte wählen Sie den Termin erneut aus.",
            status=410,
        )
    policy = catalogue.policy_for(appointment.location)
    check_email_limit(email, policy.max_active_per_email, now)
    token = new_token()
    appointment.citizen_name, appointment.citizen_email, appointment.citizen_phone = (
        name,
        email,
        phone,
    )
    appointment.status = S.PENDING
    appointment.token_hash = hash_token(token)
    appointment.booked_at = now
    appointment.hold_expires_at = None
    appointment.confirm_deadline = now + timedelta(minutes=policy.confirm_minutes)
    appointment.save()
    appointment_mail_after_commit("opt_in", appointment.pk, token)
    return appointment, token


@_retry_when_locked
def appointment_book_direct(
    *,
    location: Location,
    demand,
    start: datetime,
    name: str,
    email: str,
    phone: str = "",
    now: datetime | None = None,
) -> tuple[Appointment, str]:
    """Book a slot in one step (API without a prior hold); awaits e-mail confirmation.

    No outer transaction: on PostgreSQL the insert is one statement (its own transaction
    in autocommit mode); the opt-in e-mail is queued after the commit."""
    now = _now(now)
    demand = normalize_demand(location, demand)
    name, email, phone = validate_person(name, email, phone)
    setup = availability.location_setup(location, now)
    policy = setup.booking_policy
    check_email_limit(email, policy.max_active_per_email, now)
    token = new_token()
    appointment = placement.place(
        location=location,
        demand=demand,
        start=start,
        now=now,
        setup=setup,
        fields={
            "status": S.PENDING,
            "token_hash": hash_token(token),
            "citizen_name": name,
            "citizen_email": email,
            "citizen_phone": phone,
            "booked_at": now,
            "confirm_deadline": now + timedelta(minutes=policy.confirm_minutes),
        },
    )
    appointment_mail_after_commit("opt_in", appointment.pk, token)
    return appointment, token


@_retry_when_locked
@transaction.atomic
def appointment_confirm(*, token: str, now: datetime | None = None) -> tuple[Appointment, str]:
    """Double opt-in: the link in the e-mail was clicked. Sends the confirmation with .ics.

    Returns the appointment and a fresh personal token (the link in the confirmation).
    Confirming twice is harmless.
    """
    now = _now(now)
    appointment = _get_by_token(token, for_update=True)
    if appointment.status == S.CONFIRMED:
        return appointment, token
    if appointment.status != S.PENDING:
        raise DomainError(
            "not_pending", "Dieser Termin kann nicht mehr bestätigt werden.", status=409
        )
    if appointment.confirm_deadline <= now:
        appointment.status = S.EXPIRED
        appointment.save(update_fields=["status"])
        placement.bump_version_after_commit(appointment.location_id)
        raise DomainError(
            "confirmation_expired",
            "Die Frist zur Bestätigung ist abgelaufen; der Termin wurde wieder freigegeben. "
            "Bitte buchen Sie erneut.",
            status=410,
        )
    appointment.status = S.CONFIRMED
    appointment.confirmed_at = now
    appointment.save(update_fields=["status", "confirmed_at"])
    audit.record(
        actor=None, instance=appointment, action="action", summary="Termin per E-Mail bestätigt"
    )
    appointment_mail_after_commit("confirmed", appointment.pk, token)
    return appointment, token


@_retry_when_locked
@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    now: datetime | None = None,
    actor=None,
    notify: bool = True,
    release_delay: bool = True,
) -> Appointment:
    """Cancel; the time returns to the pool only after the location's release delay."""
    now = _now(now)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status not in (S.HELD, S.PENDING, S.CONFIRMED, S.CHECKED_IN):
        raise DomainError(
            "not_cancellable", "Dieser Termin kann nicht mehr abgesagt werden.", status=409
        )
    if appointment.status != S.HELD:
        _refuse_past(
            appointment, now, "not_cancellable", "Dieser Termin liegt in der Vergangenheit."
        )
    if appointment.status == S.HELD:
        appointment.delete()
        placement.bump_version_after_commit(appointment.location_id)
        return appointment
    policy = catalogue.policy_for(appointment.location)
    was_confirmed = appointment.status == S.CONFIRMED
    appointment.status = S.CANCELLED
    appointment.cancelled_at = now
    delay = timedelta(minutes=policy.release_delay_minutes if release_delay else 0)
    appointment.pool_release_at = now + delay if appointment.end > now else None
    appointment.save(update_fields=["status", "cancelled_at", "pool_release_at"])
    audit.record(actor=actor, instance=appointment, action="action", summary="Termin abgesagt")
    placement.bump_version_after_commit(appointment.location_id)
    if notify and was_confirmed:
        appointment_mail_after_commit("cancelled", appointment.pk)
    if delay == timedelta(0) and appointment.start > now:
        _offer_to_waiting_list_after_commit(
            appointment.location_id, appointment.start, appointment.end, now
        )
    return appointment


@_retry_when_locked
@transaction.atomic
def appointment_reschedule(
    *, appointment: Appointment, start: datetime, now: datetime | None = None, actor=None
) -> Appointment:
    """Move to a new free slot with the same services (atomic swap, same personal link).

    The old time is freed at once and offered to the waiting list.
    """
    now = _now(now)
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("location", "location__municipality")
        .get(pk=appointment.pk)
    )
    if appointment.status not in (S.PENDING, S.CONFIRMED):
        raise DomainError(
            "not_reschedulable", "Dieser Termin kann nicht mehr verschoben werden.", status=409
        )
    _refuse_past(appointment, now, "not_reschedulable", "Dieser Termin liegt in der Vergangenheit.")
    old_start, old_end = appointment.start, appointment.end
    demand = catalogue.demand_of(appointment)
    placement.place(
        location=appointment.location,
        demand=demand,
        start=start,
        now=now,
        fields={},
        move=appointment,
    )
    audit.record(
        actor=actor,
        instance=appointment,
        action="update",
        before={"start": str(old_start)},
        after={"start": str(appointment.start)},
        summary="Termin verschoben",
    )
    if old_start > now:
        _offer_to_waiting_list_after_commit(appointment.location_id, old_start, old_end, now)
    return appointment


def appointment_send_moved_mail(*, appointment: Appointment, token: str) -> None:
    appointment_mail_after_commit("moved", appointment.pk, token)


@transaction.atomic
def appointment_attend(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """ "Ich komme" from the reminder e-mail."""
    now = _now(now)
    if appointment.status != S.CONFIRMED:
        raise DomainError("not_confirmed", "Dieser Termin ist nicht mehr aktiv.", status=409)
    Appointment.objects.filter(pk=appointment.pk).update(attendance_confirmed_at=now)
    appointment.attendance_confirmed_at = now
    return appointment
