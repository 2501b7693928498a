"""Writes of a citizen's own appointment: hold, book, confirm, cancel, reschedule, attend.

``<entity>_<verb>(*, …)`` functions inside transactions; the checks every booking path
shares (demand, person, e-mail and IP limits) and the mail queue are in
:mod:`~rathaus.appointments.services.common`.

No double booking, ever: every insert or move goes through
:func:`rathaus.appointments.services.placement.place` (PostgreSQL fast path, else the locked path;
the exclusion constraint stays the final guard; 409 if no counter is left).

Related writes: :mod:`~rathaus.appointments.services.waiting_list` (Terminagent),
:mod:`~rathaus.appointments.services.closures` (closures, rebooking),
:mod:`~rathaus.appointments.services.maintenance` (periodic jobs).

Every function takes ``now`` (default: the current time, :func:`rathaus.core.clock.now_or`) so
tests never patch time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.appointments.models import Appointment, hash_token, new_token
from rathaus.appointments.selectors import availability, catalogue, redis_batch
from rathaus.appointments.selectors.appointments import appointment_get_by_token
from rathaus.appointments.services import placement, waiting_list
from rathaus.appointments.services.common import (
    appointment_mail_after_commit,
    check_email_limit,
    email_limit_in_insert,
    email_limit_refusal,
    normalize_demand,
    retry_when_locked,
    validate_person,
)
from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Location
from rathaus.core.problems import DomainError, NotFound

S = Appointment.Status


def _refuse_past(appointment: Appointment, now: datetime, code: str, message: str) -> None:
    """A personal link acts only on appointments that have not ended yet."""
    if appointment.end <= now:
        raise DomainError(code, message, status=409)


@retry_when_locked
def appointment_hold(
    *, location: Location, demand, start: datetime, now: datetime | None = None
) -> tuple[Appointment, str]:
    """Reserve a slot for a few minutes (no personal data yet). Returns (hold, raw token).

    No outer transaction: ``_place`` inserts in one statement or opens its own."""
    now = now_or(now)
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


@retry_when_locked
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
    now = now_or(now)
    name, email, phone = validate_person(name, email, phone)
    try:
        appointment = appointment_get_by_token(token=hold_token, for_update=True)
    except NotFound as exc:
        raise DomainError(
            "hold_expired",
            _("Ihre Reservierung ist abgelaufen. Bitte wählen Sie den Termin erneut aus."),
            status=410,
        ) from exc
    if appointment.status != S.HELD or appointment.hold_expires_at <= now:
        raise DomainError(
            "hold_expired",
            _("Ihre Reservierung ist abgelaufen. Bitte wählen Sie den Termin erneut aus."),
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
    placement.index_after_commit(appointment)
    appointment_mail_after_commit("opt_in", appointment.pk, token)
    return appointment, token


@retry_when_locked
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
    now = now_or(now)
    demand = normalize_demand(location, demand)
    name, email, phone = validate_person(name, email, phone)
    setup = availability.location_setup(location, now)
    policy = setup.booking_policy
    limit = email_limit_in_insert(policy.max_active_per_email)
    if not limit:
        check_email_limit(email, policy.max_active_per_email, now)
    token = new_token()
    fields = {
        "status": S.PENDING,
        "token_hash": hash_token(token),
        "citizen_name": name,
        "citizen_email": email,
        "citizen_phone": phone,
        "booked_at": now,
        "confirm_deadline": now + timedelta(minutes=policy.confirm_minutes),
    }
    with redis_batch.together():  # the index write and the e-mail job: one round trip
        try:
            appointment = placement.place(
                location=location,
                demand=demand,
                start=start,
                now=now,
                setup=setup,
                fields=fields,
                email_limit=limit,  # counted in the insert statement: no round trip of its own
            )
        except placement.EmailLimitReached as exc:
            raise email_limit_refusal(limit) from exc
        appointment_mail_after_commit("opt_in", appointment.pk, token)
    return appointment, token


@retry_when_locked
@transaction.atomic
def appointment_confirm(*, token: str, now: datetime | None = None) -> tuple[Appointment, str]:
    """Double opt-in: the link in the e-mail was clicked. Sends the confirmation with .ics.

    Returns the appointment and a fresh personal token (the link in the confirmation).
    Confirming twice is harmless.
    """
    now = now_or(now)
    appointment = appointment_get_by_token(token=token, for_update=True)
    if appointment.status == S.CONFIRMED:
        return appointment, token
    if appointment.status != S.PENDING:
        raise DomainError(
            "not_pending", _("Dieser Termin kann nicht mehr bestätigt werden."), status=409
        )
    if appointment.confirm_deadline <= now:
        appointment.status = S.EXPIRED
        appointment.save(update_fields=["status"])
        placement.index_after_commit(appointment)
        raise DomainError(
            "confirmation_expired",
            _(
                "Die Frist zur Bestätigung ist abgelaufen; der Termin wurde wieder freigegeben. "
                "Bitte buchen Sie erneut."
            ),
            status=410,
        )
    appointment.status = S.CONFIRMED
    appointment.confirmed_at = now
    appointment.save(update_fields=["status", "confirmed_at"])
    placement.index_after_commit(appointment)
    audit.record(
        actor=None, instance=appointment, action="action", summary=_("Termin per E-Mail bestätigt")
    )
    appointment_mail_after_commit("confirmed", appointment.pk, token)
    return appointment, token


@retry_when_locked
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
    now = now_or(now)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status not in (S.HELD, S.PENDING, S.CONFIRMED, S.CHECKED_IN):
        raise DomainError(
            "not_cancellable", _("Dieser Termin kann nicht mehr abgesagt werden."), status=409
        )
    if appointment.status != S.HELD:
        _refuse_past(
            appointment, now, "not_cancellable", _("Dieser Termin liegt in der Vergangenheit.")
        )
    if appointment.status == S.HELD:
        placement.index_after_commit(appointment, gone=True)
        appointment.delete()
        return appointment
    policy = catalogue.policy_for(appointment.location)
    was_confirmed = appointment.status == S.CONFIRMED
    appointment.status = S.CANCELLED
    appointment.cancelled_at = now
    delay = timedelta(minutes=policy.release_delay_minutes if release_delay else 0)
    appointment.pool_release_at = now + delay if appointment.end > now else None
    appointment.save(update_fields=["status", "cancelled_at", "pool_release_at"])
    audit.record(actor=actor, instance=appointment, action="action", summary="Termin abgesagt")
    placement.index_after_commit(appointment)
    if notify and was_confirmed:
        appointment_mail_after_commit("cancelled", appointment.pk)
    if delay == timedelta(0) and appointment.start > now:
        waiting_list.offer_freed_slot_after_commit(
            appointment.location_id, appointment.start, appointment.end, now
        )
    return appointment


@retry_when_locked
@transaction.atomic
def appointment_reschedule(
    *, appointment: Appointment, start: datetime, now: datetime | None = None, actor=None
) -> Appointment:
    """Move to a new free slot with the same services (atomic swap, same personal link).

    The old time is freed at once and offered to the waiting list.
    """
    now = now_or(now)
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("location", "location__municipality")
        .get(pk=appointment.pk)
    )
    if appointment.status not in (S.PENDING, S.CONFIRMED):
        raise DomainError(
            "not_reschedulable", _("Dieser Termin kann nicht mehr verschoben werden."), status=409
        )
    _refuse_past(
        appointment, now, "not_reschedulable", _("Dieser Termin liegt in der Vergangenheit.")
    )
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
        waiting_list.offer_freed_slot_after_commit(appointment.location_id, old_start, old_end, now)
    return appointment


def appointment_send_moved_mail(*, appointment: Appointment, token: str) -> None:
    appointment_mail_after_commit("moved", appointment.pk, token)


@transaction.atomic
def appointment_attend(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """ "Ich komme" from the reminder e-mail."""
    now = now_or(now)
    if appointment.status != S.CONFIRMED:
        raise DomainError("not_confirmed", _("Dieser Termin ist nicht mehr aktiv."), status=409)
    Appointment.objects.filter(pk=appointment.pk).update(attendance_confirmed_at=now)
    appointment.attendance_confirmed_at = now
    return appointment
