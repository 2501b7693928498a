"""Writes of the citizen office on behalf of a citizen who phones or stands at the desk:
book, move and cancel an appointment for them (issue 11).

The same rules as the citizen's own booking apply – the slot must be free and on the
location's grid, within its opening hours, minimum notice and booking window
(:func:`rathaus.appointments.services.placement.place`), the services and counts valid, and
an e-mail address (optional here) counts against the per-address limit. What differs: no
proof of work and no double opt-in (the clerk spoke with the person), so the appointment is
``confirmed`` at once and its source is ``staff`` ("durch Bürgerbüro" in the statistics).
Every write is audited with the acting clerk (who booked for whom: the audit entry names
the clerk and the appointment; personal values stay out of the log). The citizen gets an
e-mail only if an address is given.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.appointments.models import Appointment, hash_token, new_token
from rathaus.appointments.selectors import availability
from rathaus.appointments.services import booking, placement
from rathaus.appointments.services.common import (
    appointment_mail_after_commit,
    check_email_limit,
    normalize_demand,
    retry_when_locked,
    validate_person,
)
from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Location

S = Appointment.Status


@retry_when_locked
@transaction.atomic
def appointment_book_for_caller(
    *,
    actor,
    location: Location,
    demand,
    start: datetime,
    name: str,
    email: str = "",
    phone: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Book a free slot for a caller: confirmed at once, source ``staff``, audited."""
    now = now_or(now)
    demand = normalize_demand(location, demand)
    name, email, phone = validate_person(name, email, phone, email_required=False)
    setup = availability.location_setup(location, now)
    if email:
        check_email_limit(email, setup.booking_policy.max_active_per_email, now)
    token = new_token()
    appointment = placement.place(
        location=location,
        demand=demand,
        start=start,
        now=now,
        setup=setup,
        fields={
            "status": S.CONFIRMED,
            "source": Appointment.Source.STAFF,
            "token_hash": hash_token(token),
            "citizen_name": name,
            "citizen_email": email,
            "citizen_phone": phone,
            "booked_at": now,
            "confirmed_at": now,
        },
    )
    audit.record(
        actor=actor,
        instance=appointment,
        action="create",
        after={"start": str(appointment.start), "source": Appointment.Source.STAFF},
        summary=_("Termin durch Bürgerbüro für Anrufende gebucht"),
    )
    if email:
        appointment_mail_after_commit("confirmed", appointment.pk, token)
    return appointment


@transaction.atomic
def appointment_move_for_caller(
    *, actor, appointment: Appointment, start: datetime, now: datetime | None = None
) -> Appointment:
    """Move a caller's appointment to another free slot (same services, same location).

    The booking service's rules and audit apply (:func:`booking.appointment_reschedule`); with
    an address the citizen gets the new time and a new personal link (the old one is no
    longer valid, as the clerk cannot pass it on)."""
    now = now_or(now)
    appointment = booking.appointment_reschedule(
        appointment=appointment, start=start, now=now, actor=actor
    )
    if appointment.citizen_email:
        token = new_token()
        Appointment.objects.filter(pk=appointment.pk).update(token_hash=hash_token(token))
        booking.appointment_send_moved_mail(appointment=appointment, token=token)
    return appointment


def appointment_cancel_for_caller(
    *, actor, appointment: Appointment, now: datetime | None = None
) -> Appointment:
    """Cancel on the caller's behalf (audited; e-mail if the appointment has an address)."""
    return booking.appointment_cancel(appointment=appointment, now=now, actor=actor)
