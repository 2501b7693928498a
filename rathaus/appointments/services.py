"""Writes of the appointments app: ``<entity>_<verb>(*, …)`` functions inside transactions.

No double booking, ever:

1. the requested start must be a slot of the location ignoring bookings (grid, hours,
   closures, policy; ``selectors.open_slot``, a cached list of the day's slots);
2. PostgreSQL, new appointments: one statement (:mod:`rathaus.appointments.booking`) picks
   the least loaded counter on which nothing occupies the time and inserts the row and its
   items; the exclusion constraint ``appt_no_overlap_per_counter`` rejects a concurrent
   overlap, and the statement is repeated (it then sees the winner's row);
3. moves, other databases (SQLite), and slots blocked only by expired holds/unconfirmed
   bookings: the locked path (``_place_locked``) – per candidate counter the per-counter-
   per-day lock (PostgreSQL: ``pg_try_advisory_xact_lock``; else an upsert of the
   :class:`CounterDayLock` row, which on SQLite takes the write lock), release of expired
   rows in the way, overlap re-check, insert/move; the constraint stays the final guard;
4. if no counter is left: 409 "Dieser Termin ist leider gerade vergeben worden."

Every function takes ``now`` (default: ``timezone.now()``) so tests never patch time.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from rathaus.appointments import booking, conf, selectors
from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    ClosureOutcome,
    Counter,
    CounterDayLock,
    DateException,
    TicketSequence,
    WaitingListEntry,
    WaitingListOffer,
    hash_token,
    new_token,
)
from rathaus.core import audit
from rathaus.core.models import Location
from rathaus.core.problems import Conflict, DomainError, NotFound, TooManyRequests

log = logging.getLogger(__name__)
S = Appointment.Status

MSG_TAKEN = "Dieser Termin ist leider gerade vergeben worden."
LOCK_NAMESPACE = 7_000_000_000_000_000  # advisory-lock keys of this app: namespace + counter/day
LOCK_ROUNDS = 25
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


def _after_commit_mail(kind: str, appointment_id: int, token: str = "", extra: str = "") -> None:
    from rathaus.appointments import tasks

    transaction.on_commit(
        lambda: tasks.send_appointment_mail.delay(kind, appointment_id, token, extra)
    )


def _after_commit_waiting_mail(kind: str, object_id: int, token: str) -> None:
    from rathaus.appointments import tasks

    transaction.on_commit(lambda: tasks.send_waiting_list_mail.delay(kind, object_id, token))


def _bump(location_id: int) -> None:
    transaction.on_commit(lambda: selectors.bump_version(location_id))


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
    offered = selectors.active_services(location.municipality_id)
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
    """Per-IP request counter in the cache (fixed one-hour windows); 429 when exceeded."""
    if not conf.rate_limits_enabled() or not ip or limit <= 0:
        return
    window = int(timezone.now().timestamp()) // 3600
    key = f"appointments:rl:{scope}:{hash_token(ip)[:24]}:{window}"
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


def _check_email_limit(email: str, limit: int, now: datetime, exclude_id=None) -> None:
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


def _lock_counter_day(counter_id: int, day: date) -> bool:
    """Take the per-counter-per-day lock for this transaction; False if someone else holds it.

    PostgreSQL: a transaction-level advisory lock, tried without waiting, so two bookings
    that try counters in different orders can never deadlock (the exclusion constraint
    stays the final guard). Other databases: an upsert of the :class:`CounterDayLock` row
    (on SQLite the write takes the database's write lock, which serialises bookings).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s)",
                [LOCK_NAMESPACE + counter_id * 1_000_000 + day.toordinal()],
            )
            return bool(cursor.fetchone()[0])
        table = CounterDayLock._meta.db_table
        cursor.execute(
            f"INSERT INTO {table} (counter_id, date) VALUES (%s, %s) "  # noqa: S608 - our table
            "ON CONFLICT (counter_id, date) DO UPDATE SET date = EXCLUDED.date",
            [counter_id, day.isoformat()],
        )
        return True


def _overlap_after_release(counter_id, start, end, now, exclude_id=None) -> bool:
    """Under the lock: is [start, end) taken on the counter? Releases expired holds and
    unconfirmed bookings in the way (they still count for the database constraint)."""
    rows = Appointment.objects.filter(
        counter_id=counter_id,
        start__lt=end,
        end__gt=start,
        status__in=[*Appointment.BLOCKING, S.CANCELLED],
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    expired_holds, expired_pending = [], []
    for pk, status, hold_until, confirm_until, release_at in rows.values_list(
        "pk", "status", "hold_expires_at", "confirm_deadline", "pool_release_at"
    ):
        if status == S.HELD and hold_until is not None and hold_until <= now:
            expired_holds.append(pk)
        elif status == S.PENDING and confirm_until is not None and confirm_until <= now:
            expired_pending.append(pk)
        elif status == S.CANCELLED:
            if release_at is not None and release_at > now:
                return True
        else:
            return True
    if expired_holds:
        Appointment.objects.filter(pk__in=expired_holds).delete()
    if expired_pending:
        Appointment.objects.filter(pk__in=expired_pending).update(status=S.EXPIRED)
    return False


def _lockable(counter_ids, day: date):
    """Yield counters whose day lock this transaction holds, in the given order; counters
    locked by a concurrent booking are retried a few times after short pauses."""
    import time as _time

    pending = list(counter_ids)
    for round_ in range(LOCK_ROUNDS):
        busy = []
        for counter_id in pending:
            if _lock_counter_day(counter_id, day):
                yield counter_id
            else:
                busy.append(counter_id)
        if not busy:
            return
        pending = busy
        _time.sleep(0.002 * (round_ + 1))


def _place(
    *,
    location: Location,
    demand: dict[int, int],
    start: datetime,
    now: datetime,
    fields,
    slot=None,
    move: Appointment | None = None,
    exclude_counters=(),
    setup=None,
) -> Appointment:
    """Insert (or move) an appointment into a free slot; 409 if none of its counters is free.

    New appointments on PostgreSQL: one statement picks the least loaded free counter and
    inserts the row and its items (:mod:`rathaus.appointments.booking`; the exclusion
    constraint serialises concurrent inserts). Moves, other databases, and slots blocked
    only by expired holds/unconfirmed bookings take the locked path (:func:`_place_locked`).
    """
    if slot is None:
        slot = selectors.open_slot(location, demand, start, now, setup=setup)
    if slot is None:
        raise Conflict("slot_taken", MSG_TAKEN)
    tz = selectors.local_tz(location)
    day = slot.start.astimezone(tz).date()
    day_start = datetime.combine(day, time(0), tzinfo=tz)
    candidates = [c for c in slot.counter_ids if c not in exclude_counters]
    if move is None and booking.available() and candidates:
        placed = booking.insert_first_free(
            appointment=Appointment(
                municipality_id=location.municipality_id,
                location=location,
                start=slot.start,
                end=slot.end,
                created=now,
                **fields,
            ),
            counter_ids=candidates,
            demand=demand,
            day_start=day_start,
            day_end=day_start + timedelta(days=1),
            now=now,
        )
        if placed is not None:
            _bump(location.id)
            return placed
    if connection.in_atomic_block:
        return _place_locked(location, demand, slot, now, fields, move, candidates, day, day_start)
    with transaction.atomic():
        return _place_locked(location, demand, slot, now, fields, move, candidates, day, day_start)


def _place_locked(location, demand, slot, now, fields, move, candidates, day, day_start):
    """Per candidate counter (least loaded first): day lock, overlap re-check (releasing
    expired holds/unconfirmed bookings in the way), insert or move. Must run in a
    transaction. Queries: the day's rows on the candidate counters (load and overlaps),
    then per tried counter the lock, the overlap re-check and the insert."""
    rows = Appointment.objects.filter(
        counter_id__in=candidates, start__lt=day_start + timedelta(days=1), end__gt=day_start
    ).filter(selectors.blocking_q(now))
    if move is not None:
        rows = rows.exclude(pk=move.pk)
    load = dict.fromkeys(candidates, 0)
    busy = set()
    for counter_id, row_start, row_end in rows.values_list("counter_id", "start", "end"):
        load[counter_id] += 1
        if row_start < slot.end and slot.start < row_end:
            busy.add(counter_id)
    ordered = sorted((c for c in candidates if c not in busy), key=lambda c: (load[c], c))
    exclude_id = move.pk if move is not None else None
    for counter_id in _lockable(ordered, day):
        try:
            with transaction.atomic():
                if _overlap_after_release(counter_id, slot.start, slot.end, now, exclude_id):
                    continue
                if move is not None:
                    move.counter_id = counter_id
                    move.start, move.end = slot.start, slot.end
                    move.save(update_fields=["counter", "start", "end", *fields])
                    appointment = move
                else:
                    appointment = Appointment.objects.create(
                        municipality_id=location.municipality_id,
                        location=location,
                        counter_id=counter_id,
                        start=slot.start,
                        end=slot.end,
                        created=now,
                        **fields,
                    )
                    AppointmentItem.objects.bulk_create(
                        [
                            AppointmentItem(appointment=appointment, service_id=s, count=n)
                            for s, n in demand.items()
                        ]
                    )
        except IntegrityError:
            # PostgreSQL's exclusion constraint: someone else was faster on this counter
            continue
        _bump(location.id)
        return appointment
    raise Conflict("slot_taken", MSG_TAKEN)


def _get_by_token(token: str, *, for_update=False) -> Appointment:
    if not token or len(token) > 200:
        raise NotFound("not_found", "Dieser Termin wurde nicht gefunden.")
    qs = Appointment.objects.select_related("location", "location__municipality")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    appointment = qs.filter(token_hash=hash_token(token)).first()
    if appointment is None:
        raise NotFound("not_found", "Dieser Termin wurde nicht gefunden.")
    return appointment


def appointment_by_token(token: str) -> Appointment:
    return _get_by_token(token)


def _retry_when_locked(func):
    """SQLite only: a writer whose read snapshot went stale gets "database is locked" at
    once (no busy wait). Retry the whole transaction a few times, then answer 503 instead
    of a server error. PostgreSQL never takes this path."""
    import functools
    import time as _time

    from django.db import OperationalError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        attempts = 8 if connection.vendor == "sqlite" and not connection.in_atomic_block else 1
        for attempt in range(attempts):
            try:
                return func(*args, **kwargs)
            except OperationalError as exc:
                if connection.vendor != "sqlite" or "locked" not in str(exc):
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
    setup = selectors.location_setup(location, now)
    policy = setup.booking_policy
    token = new_token()
    hold = _place(
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


def _validate_person(name: str, email: str, phone: str) -> tuple[str, str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    name = (name or "").strip()
    email = (email or "").strip()
    phone = (phone or "").strip()
    errors = []
    if not name or len(name) > 200:
        errors.append({"field": "name", "message": "Bitte geben Sie Ihren Namen an."})
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        errors.append(
            {"field": "email", "message": "Bitte geben Sie eine gültige E-Mail-Adresse an."}
        )
    if len(phone) > 40:
        errors.append({"field": "phone", "message": "Die Telefonnummer ist zu lang."})
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
    name, email, phone = _validate_person(name, email, phone)
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
    policy = selectors.policy_for(appointment.location)
    _check_email_limit(email, policy.max_active_per_email, now)
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
    _after_commit_mail("opt_in", appointment.pk, token)
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
    name, email, phone = _validate_person(name, email, phone)
    setup = selectors.location_setup(location, now)
    policy = setup.booking_policy
    _check_email_limit(email, policy.max_active_per_email, now)
    token = new_token()
    appointment = _place(
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
    _after_commit_mail("opt_in", appointment.pk, token)
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
        _bump(appointment.location_id)
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
    _after_commit_mail("confirmed", appointment.pk, token)
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
    if appointment.status == S.HELD:
        appointment.delete()
        _bump(appointment.location_id)
        return appointment
    policy = selectors.policy_for(appointment.location)
    was_confirmed = appointment.status == S.CONFIRMED
    appointment.status = S.CANCELLED
    appointment.cancelled_at = now
    delay = timedelta(minutes=policy.release_delay_minutes if release_delay else 0)
    appointment.pool_release_at = now + delay if appointment.end > now else None
    appointment.save(update_fields=["status", "cancelled_at", "pool_release_at"])
    audit.record(actor=actor, instance=appointment, action="action", summary="Termin abgesagt")
    _bump(appointment.location_id)
    if notify and was_confirmed:
        _after_commit_mail("cancelled", appointment.pk)
    if delay == timedelta(0) and appointment.start > now:
        _offer_after_commit(appointment.location_id, appointment.start, appointment.end, now)
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
    old_start, old_end = appointment.start, appointment.end
    demand = selectors.demand_of(appointment)
    _place(
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
        _offer_after_commit(appointment.location_id, old_start, old_end, now)
    return appointment


def appointment_send_moved_mail(*, appointment: Appointment, token: str) -> None:
    _after_commit_mail("moved", appointment.pk, token)


@transaction.atomic
def appointment_attend(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """ "Ich komme" from the reminder e-mail."""
    now = _now(now)
    if appointment.status != S.CONFIRMED:
        raise DomainError("not_confirmed", "Dieser Termin ist nicht mehr aktiv.", status=409)
    Appointment.objects.filter(pk=appointment.pk).update(attendance_confirmed_at=now)
    appointment.attendance_confirmed_at = now
    return appointment


# --------------------------------------------------------------------------- staff helpers


@transaction.atomic
def ticket_number_next(*, location: Location, day: date, prefix: str = "A") -> str:
    """Next waiting-room number for a location and local date, e.g. ``A007`` / ``W012``."""
    TicketSequence.objects.bulk_create(
        [TicketSequence(location=location, date=day, prefix=prefix)], ignore_conflicts=True
    )
    seq = TicketSequence.objects.select_for_update().get(location=location, date=day, prefix=prefix)
    seq.last_number += 1
    seq.save(update_fields=["last_number"])
    return f"{prefix}{seq.last_number:03d}"


def _nearest_slot(location, demand, old_start, now, exclude_counters=()):
    """Free slot nearest in time to ``old_start`` (ties: the later one)."""
    from rathaus.engines import availability as engine

    request = selectors.availability_request(location, demand, now, fresh=True)
    if request is None:
        return None
    best = None
    for _day, slots in engine.iter_free_days(request):
        for slot in slots:
            ids = tuple(c for c in slot.counter_ids if c not in exclude_counters)
            if not ids:
                continue
            distance = abs((slot.start - old_start).total_seconds())
            key = (distance, -slot.start.timestamp())
            if best is None or key < best[0]:
                best = (key, engine.Slot(slot.start, slot.end, ids))
    return best[1] if best else None


def appointment_rebook(
    *,
    appointment: Appointment,
    now: datetime | None = None,
    actor=None,
    notify: bool = True,
    reason: str = "",
    exclude_counters=(),
) -> datetime | None:
    """Move an appointment to the free slot nearest its old time (same services, location).

    Used for closures. Returns the new start, or None if no slot is free (then nothing
    changed). The citizen gets an e-mail with the new time and a new personal link.
    """
    now = _now(now)
    location = appointment.location
    demand = selectors.demand_of(appointment)
    for _attempt in range(3):
        slot = _nearest_slot(location, demand, appointment.start, now, exclude_counters)
        if slot is None:
            return None
        try:
            with transaction.atomic():
                locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
                old_start = locked.start
                token = new_token()
                locked.token_hash = hash_token(token)
                _place(
                    location=location,
                    demand=demand,
                    start=slot.start,
                    now=now,
                    fields=["token_hash"],
                    slot=slot,
                    move=locked,
                    exclude_counters=exclude_counters,
                )
                audit.record(
                    actor=actor,
                    instance=locked,
                    action="update",
                    before={"start": str(old_start)},
                    after={"start": str(locked.start)},
                    summary="Termin wegen Schließung umgebucht",
                )
                if notify:
                    _after_commit_mail("rebooked", locked.pk, token, reason)
                appointment.start, appointment.end = locked.start, locked.end
                appointment.counter_id = locked.counter_id
                return locked.start
        except Conflict:
            continue
    return None


@transaction.atomic
def closure_create(
    *,
    location: Location,
    day: date,
    counter: Counter | None = None,
    reason: str = "",
    actor=None,
    now: datetime | None = None,
) -> tuple[DateException, list[ClosureOutcome]]:
    """Close a counter or the whole location for a day and take care of every appointment.

    Each affected appointment is rebooked to the nearest free slot (mail with new time
    and link); if none is free it is cancelled, the citizen is mailed and put on the
    waiting list. Holds are simply dropped. Every outcome is recorded.
    """
    now = _now(now)
    exception = DateException.objects.create(
        municipality_id=location.municipality_id,
        location=location,
        counter=counter,
        date=day,
        closed=True,
        reason=reason[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        instance=exception,
        action="create",
        summary=f"Schließung {'Schalter ' + counter.name if counter else 'Standort'} am {day:%d.%m.%Y}",
    )
    selectors.bump_setup_version(location.id)
    tz = selectors.local_tz(location)
    day_start = datetime.combine(day, time(0), tzinfo=tz)
    affected = Appointment.objects.filter(
        location=location,
        start__gte=day_start,
        start__lt=day_start + timedelta(days=1),
        status__in=[S.HELD, S.PENDING, S.CONFIRMED],
        counter__isnull=False,
    ).select_related("location", "location__municipality")
    if counter is not None:
        affected = affected.filter(counter=counter)
    outcomes = []
    reason_text = f"{day:%d.%m.%Y}"
    for appointment in affected.order_by("start", "id"):
        if appointment.status == S.HELD:
            appointment.delete()
            continue
        old_start, old_counter_id = appointment.start, appointment.counter_id
        new_start = appointment_rebook(
            appointment=appointment, now=now, actor=actor, reason=reason_text
        )
        outcome = ClosureOutcome(
            municipality_id=location.municipality_id,
            exception=exception,
            appointment=appointment,
            old_start=old_start,
            old_counter_id=old_counter_id,
            new_start=new_start,
            created=now,
        )
        if new_start is not None:
            outcome.result = ClosureOutcome.Result.REBOOKED
            outcome.notified = bool(appointment.citizen_email)
        else:
            appointment_cancel(
                appointment=appointment, now=now, actor=actor, notify=False, release_delay=False
            )
            if appointment.citizen_email:
                entry, token = waiting_list_entry_create(
                    municipality=location.municipality,
                    locations=[location],
                    demand=selectors.demand_of(appointment),
                    date_from=max(now.astimezone(tz).date(), day),
                    date_to=day + timedelta(days=selectors.policy_for(location).max_days_ahead),
                    weekdays=[0, 1, 2, 3, 4, 5],
                    time_from=time(0),
                    time_to=time(23, 59),
                    email=appointment.citizen_email,
                    name=appointment.citizen_name,
                    now=now,
                    confirmed=True,
                    source_appointment=appointment,
                )
                _after_commit_mail("closure_no_slot", appointment.pk, token)
                outcome.result = ClosureOutcome.Result.WAITING_LIST
                outcome.waiting_list_entry = entry
                outcome.notified = True
            else:
                outcome.result = ClosureOutcome.Result.CANCELLED
        outcome.save()
        outcomes.append(outcome)
    return exception, outcomes


# --------------------------------------------------------------------------- waiting list


@transaction.atomic
def waiting_list_entry_create(
    *,
    municipality,
    locations,
    demand,
    date_from: date,
    date_to: date,
    weekdays,
    time_from: time,
    time_to: time,
    email: str,
    name: str = "",
    now: datetime | None = None,
    confirmed: bool = False,
    source_appointment: Appointment | None = None,
) -> tuple[WaitingListEntry, str]:
    """Register for the Terminagent; unless ``confirmed``, an opt-in e-mail is sent."""
    now = _now(now)
    locations = list(locations)
    if not locations or any(loc.municipality_id != municipality.id for loc in locations):
        raise DomainError("invalid_locations", "Bitte wählen Sie mindestens einen Standort.")
    demand = normalize_demand(locations[0], demand)
    if date_from > date_to:
        raise DomainError(
            "invalid_dates", "Das Enddatum darf nicht vor dem Anfangsdatum liegen.", status=422
        )
    if date_to > now.date() + timedelta(days=366):
        raise DomainError(
            "invalid_dates", "Der Zeitraum darf höchstens ein Jahr umfassen.", status=422
        )
    if time_from >= time_to:
        raise DomainError(
            "invalid_times", "Die Uhrzeit „bis“ muss nach der Uhrzeit „ab“ liegen.", status=422
        )
    weekdays = sorted({int(w) for w in weekdays if 0 <= int(w) <= 6})
    if not weekdays:
        raise DomainError(
            "invalid_weekdays", "Bitte wählen Sie mindestens einen Wochentag.", status=422
        )
    if not confirmed:
        _n, email, _p = _validate_person(name or "-", email, "")
    token = new_token()
    entry = WaitingListEntry.objects.create(
        municipality=municipality,
        demand={str(k): v for k, v in demand.items()},
        date_from=date_from,
        date_to=date_to,
        weekdays=weekdays,
        time_from=time_from,
        time_to=time_to,
        citizen_email=email,
        citizen_name=name[:200],
        token_hash=hash_token(token),
        status=WaitingListEntry.Status.ACTIVE if confirmed else WaitingListEntry.Status.PENDING,
        created=now,
        confirmed_at=now if confirmed else None,
        confirm_deadline=None if confirmed else now + timedelta(hours=24),
        source_appointment=source_appointment,
    )
    entry.locations.set(locations)
    if not confirmed:
        _after_commit_waiting_mail("opt_in", entry.pk, token)
    else:
        transaction.on_commit(lambda: waiting_list_match(municipality_id=municipality.id, now=now))
    return entry, token


def waiting_list_entry_by_token(token: str) -> WaitingListEntry:
    entry = (
        WaitingListEntry.objects.filter(token_hash=hash_token(token or "")).first()
        if token and len(token) < 200
        else None
    )
    if entry is None:
        raise NotFound("not_found", "Dieser Eintrag wurde nicht gefunden.")
    return entry


@transaction.atomic
def waiting_list_entry_confirm(*, token: str, now: datetime | None = None) -> WaitingListEntry:
    now = _now(now)
    entry = waiting_list_entry_by_token(token)
    if entry.status == WaitingListEntry.Status.PENDING:
        if entry.confirm_deadline and entry.confirm_deadline <= now:
            entry.status = WaitingListEntry.Status.EXPIRED
            entry.save(update_fields=["status"])
            raise DomainError(
                "confirmation_expired",
                "Die Frist zur Bestätigung ist abgelaufen. Bitte tragen Sie sich erneut ein.",
                status=410,
            )
        entry.status = WaitingListEntry.Status.ACTIVE
        entry.confirmed_at = now
        entry.save(update_fields=["status", "confirmed_at"])
        transaction.on_commit(
            lambda: waiting_list_match(municipality_id=entry.municipality_id, now=now)
        )
    return entry


@transaction.atomic
def waiting_list_entry_cancel(*, token: str, now: datetime | None = None) -> WaitingListEntry:
    now = _now(now)
    entry = waiting_list_entry_by_token(token)
    if entry.status in (WaitingListEntry.Status.PENDING, WaitingListEntry.Status.ACTIVE):
        entry.status = WaitingListEntry.Status.CANCELLED
        entry.save(update_fields=["status"])
        for offer in entry.offers.filter(status=WaitingListOffer.Status.OFFERED):
            _withdraw_offer(offer, WaitingListOffer.Status.WITHDRAWN, now)
    return entry


def _entry_accepts(entry: WaitingListEntry, slot_start: datetime, tz) -> bool:
    local = slot_start.astimezone(tz)
    return (
        entry.date_from <= local.date() <= entry.date_to
        and local.weekday() in entry.weekdays
        and entry.time_from <= local.time().replace(tzinfo=None) < entry.time_to
    )


def _offer_after_commit(location_id: int, start: datetime, end: datetime, now=None) -> None:
    transaction.on_commit(
        lambda: waiting_list_offer_freed_slot(
            location_id=location_id, start=start, end=end, now=now
        )
    )


def _make_offer(entry: WaitingListEntry, location: Location, slot, now: datetime):
    """Hold ``slot`` for ``entry`` until the deadline and mail the offer. None if taken."""
    policy = selectors.policy_for(location)
    deadline = min(now + timedelta(minutes=policy.offer_minutes), slot.start)
    demand = {int(k): int(v) for k, v in entry.demand.items()}
    try:
        with transaction.atomic():
            hold = _place(
                location=location,
                demand=demand,
                start=slot.start,
                now=now,
                slot=slot,
                fields={
                    "status": S.HELD,
                    "source": Appointment.Source.WAITING_LIST,
                    "token_hash": hash_token(new_token()),
                    "hold_expires_at": deadline,
                },
            )
            token = new_token()
            offer = WaitingListOffer.objects.create(
                municipality_id=entry.municipality_id,
                entry=entry,
                appointment=hold,
                token_hash=hash_token(token),
                slot_start=hold.start,
                slot_end=hold.end,
                offered_at=now,
                deadline=deadline,
            )
    except Conflict:
        return None
    _after_commit_waiting_mail("offer", offer.pk, token)
    return offer


def waiting_list_match(
    *,
    municipality_id: int | None = None,
    location_id: int | None = None,
    window: tuple[datetime, datetime] | None = None,
    now: datetime | None = None,
    limit: int = 50,
) -> list[WaitingListOffer]:
    """Offer free slots to active entries without an open offer, in order of registration.

    ``window`` restricts the search to slots starting inside it (a freed slot). Each entry
    gets its earliest matching slot; an entry is never offered the same start twice.
    """
    from rathaus.engines import availability as engine

    now = _now(now)
    entries = WaitingListEntry.objects.filter(
        status=WaitingListEntry.Status.ACTIVE, date_to__gte=now.date() - timedelta(days=1)
    ).exclude(offers__status=WaitingListOffer.Status.OFFERED)
    if municipality_id is not None:
        entries = entries.filter(municipality_id=municipality_id)
    if location_id is not None:
        entries = entries.filter(locations__id=location_id)
    offers = []
    for entry in entries.order_by("created", "id").distinct()[:limit]:
        seen = set(entry.offers.values_list("slot_start", flat=True))
        demand = {int(k): int(v) for k, v in entry.demand.items()}
        made = None
        for location in entry.locations.select_related("municipality").order_by("id"):
            if location_id is not None and location.id != location_id:
                continue
            request = selectors.availability_request(location, demand, now, fresh=True)
            if request is None:
                continue
            tz = request.policy.tz
            start_day = max(entry.date_from, now.astimezone(tz).date())
            end_day = entry.date_to
            if window is not None:
                start_day = max(start_day, window[0].astimezone(tz).date())
                end_day = min(end_day, window[1].astimezone(tz).date())
            for _day, slots in engine.iter_free_days(request, start_day, end_day):
                for slot in slots:
                    if window is not None and not window[0] <= slot.start < window[1]:
                        continue
                    if slot.start in seen or not _entry_accepts(entry, slot.start, tz):
                        continue
                    made = _make_offer(entry, location, slot, now)
                    if made:
                        break
                if made:
                    break
            if made:
                break
        if made:
            offers.append(made)
    return offers


def waiting_list_offer_freed_slot(
    *,
    location_id: int,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
) -> list[WaitingListOffer]:
    """A slot was freed (cancellation, reschedule, expired offer): offer it in order."""
    return waiting_list_match(location_id=location_id, window=(start, end), now=now)


def _withdraw_offer(offer: WaitingListOffer, status: str, now: datetime) -> None:
    hold = offer.appointment
    offer.status = status
    offer.answered_at = now
    offer.appointment = None
    offer.save(update_fields=["status", "answered_at", "appointment"])
    if hold is not None and hold.status == S.HELD:
        location_id, start, end = hold.location_id, hold.start, hold.end
        hold.delete()
        _bump(location_id)
        if start > now:
            _offer_after_commit(location_id, start, end, now)


def waiting_list_offer_by_token(token: str) -> WaitingListOffer:
    offer = (
        WaitingListOffer.objects.select_related("entry", "appointment__location")
        .filter(token_hash=hash_token(token or ""))
        .first()
        if token and len(token) < 200
        else None
    )
    if offer is None:
        raise NotFound("not_found", "Dieses Angebot wurde nicht gefunden.")
    return offer


@transaction.atomic
def waiting_list_offer_accept(
    *, token: str, now: datetime | None = None
) -> tuple[Appointment, str]:
    """Accept an offer: the held slot becomes a confirmed appointment (e-mail verified)."""
    now = _now(now)
    offer = waiting_list_offer_by_token(token)
    offer = WaitingListOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != WaitingListOffer.Status.OFFERED or offer.appointment_id is None:
        raise DomainError("offer_closed", "Dieses Angebot ist nicht mehr gültig.", status=410)
    if offer.deadline <= now:
        _withdraw_offer(offer, WaitingListOffer.Status.EXPIRED, now)
        raise DomainError(
            "offer_expired", "Die Frist für dieses Angebot ist abgelaufen.", status=410
        )
    entry = offer.entry
    policy_limit = selectors.policy_for(offer.appointment.location).max_active_per_email
    _check_email_limit(entry.citizen_email, policy_limit, now)
    personal = new_token()
    appointment = offer.appointment
    appointment.status = S.CONFIRMED
    appointment.citizen_email = entry.citizen_email
    appointment.citizen_name = entry.citizen_name or "Terminagent"
    appointment.token_hash = hash_token(personal)
    appointment.hold_expires_at = None
    appointment.booked_at = now
    appointment.confirmed_at = now
    appointment.save()
    offer.status = WaitingListOffer.Status.ACCEPTED
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    entry.status = WaitingListEntry.Status.FULFILLED
    entry.save(update_fields=["status"])
    audit.record(
        actor=None, instance=appointment, action="create", summary="Termin über Terminagent"
    )
    _after_commit_mail("confirmed", appointment.pk, personal)
    return appointment, personal


@transaction.atomic
def waiting_list_offer_decline(*, token: str, now: datetime | None = None) -> WaitingListOffer:
    now = _now(now)
    offer = waiting_list_offer_by_token(token)
    offer = WaitingListOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == WaitingListOffer.Status.OFFERED:
        _withdraw_offer(offer, WaitingListOffer.Status.DECLINED, now)
    return offer


# --------------------------------------------------------------------------- periodic jobs


def appointments_release_expired(*, now: datetime | None = None) -> dict[str, int]:
    """Release expired holds and unconfirmed bookings, expire offers, free cancelled time."""
    now = _now(now)
    stats = {"holds": 0, "unconfirmed": 0, "offers": 0, "freed": 0}
    touched: set[int] = set()
    freed: list[tuple[int, datetime, datetime]] = []
    with transaction.atomic():
        for offer in WaitingListOffer.objects.select_for_update().filter(
            status=WaitingListOffer.Status.OFFERED, deadline__lte=now
        ):
            _withdraw_offer(offer, WaitingListOffer.Status.EXPIRED, now)
            stats["offers"] += 1
        holds = Appointment.objects.filter(status=S.HELD, hold_expires_at__lte=now)
        touched.update(holds.values_list("location_id", flat=True))
        stats["holds"] = holds.delete()[1].get("appointments.Appointment", 0)
        unconfirmed = Appointment.objects.filter(status=S.PENDING, confirm_deadline__lte=now)
        for loc_id, start, end in unconfirmed.values_list("location_id", "start", "end"):
            touched.add(loc_id)
            if start > now:
                freed.append((loc_id, start, end))
        stats["unconfirmed"] = unconfirmed.update(status=S.EXPIRED)
        cancelled = Appointment.objects.filter(status=S.CANCELLED, pool_release_at__lte=now)
        for loc_id, start, end in cancelled.values_list("location_id", "start", "end"):
            touched.add(loc_id)
            if start > now:
                freed.append((loc_id, start, end))
        stats["freed"] = cancelled.update(pool_release_at=None)
    for location_id in touched:
        selectors.bump_version(location_id)
    for location_id, start, end in freed:
        waiting_list_offer_freed_slot(location_id=location_id, start=start, end=end, now=now)
    WaitingListEntry.objects.filter(
        status=WaitingListEntry.Status.PENDING, confirm_deadline__lte=now
    ).update(status=WaitingListEntry.Status.EXPIRED)
    WaitingListEntry.objects.filter(
        status=WaitingListEntry.Status.ACTIVE, date_to__lt=now.date()
    ).update(status=WaitingListEntry.Status.EXPIRED)
    return stats


def appointments_send_reminders(*, now: datetime | None = None) -> int:
    """Send the reminder e-mail N hours before confirmed appointments (once)."""
    from rathaus.appointments.models import BookingPolicy

    now = _now(now)
    hours_by_location = dict(BookingPolicy.objects.values_list("location_id", "reminder_hours"))
    default_hours = BookingPolicy._meta.get_field("reminder_hours").default
    horizon = max([default_hours, *hours_by_location.values()])
    sent = 0
    candidates = Appointment.objects.filter(
        status=S.CONFIRMED,
        reminder_sent_at__isnull=True,
        start__gt=now,
        start__lte=now + timedelta(hours=horizon),
    ).exclude(citizen_email="")
    for appointment in candidates:
        hours = hours_by_location.get(appointment.location_id, default_hours)
        if hours <= 0 or appointment.start > now + timedelta(hours=hours):
            continue
        with transaction.atomic():
            updated = Appointment.objects.filter(
                pk=appointment.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now, reminder_token_hash=hash_token(token := new_token()))
            if updated:
                _after_commit_mail("reminder", appointment.pk, token)
                sent += 1
    return sent


def personal_data_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Blank names, e-mails and phone numbers N days after the appointment.

    Rows stay (anonymous) so statistics keep working; waiting-list entries are blanked
    N days after their period ended or they were closed.
    """
    now = _now(now)
    cutoff = now - timedelta(days=conf.retention_days())
    appointments = Appointment.objects.filter(end__lt=cutoff, anonymized_at__isnull=True)
    n_appointments = appointments.update(
        citizen_name="", citizen_email="", citizen_phone="", anonymized_at=now
    )
    from django.db.models import Q

    entries = WaitingListEntry.objects.filter(anonymized_at__isnull=True).filter(
        Q(date_to__lt=cutoff.date())
        | Q(
            status__in=[
                WaitingListEntry.Status.CANCELLED,
                WaitingListEntry.Status.FULFILLED,
                WaitingListEntry.Status.EXPIRED,
            ],
            created__lt=cutoff,
        )
    )
    n_entries = entries.update(citizen_name="", citizen_email="", anonymized_at=now)
    if n_appointments or n_entries:
        log.info(
            "retention: anonymised %s appointments, %s waiting-list entries",
            n_appointments,
            n_entries,
        )
    return {"appointments": n_appointments, "waiting_list": n_entries}
