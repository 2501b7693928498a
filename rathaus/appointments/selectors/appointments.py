"""Reads of a single appointment behind a citizen's personal link (token)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from rathaus.appointments.models import Appointment, AppointmentItem, hash_token
from rathaus.core.problems import DomainError, NotFound


def appointment_get_by_token(*, token: str, for_update: bool = False) -> Appointment:
    """The appointment behind a personal link; 404 if unknown, 410 once anonymised.

    ``for_update`` locks the row (the writes in :mod:`rathaus.appointments.services.booking`
    call this inside their transaction)."""
    if not token or len(token) > 200:
        raise NotFound("not_found", _("Dieser Termin wurde nicht gefunden."))
    qs = Appointment.objects.select_related("location", "location__municipality")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    appointment = qs.filter(token_hash=hash_token(token)).first()
    if appointment is None:
        raise NotFound("not_found", _("Dieser Termin wurde nicht gefunden."))
    if appointment.anonymized_at is not None:
        # after the retention period the link is dead: nothing personal remains behind it
        raise DomainError("link_expired", _("Dieser Link ist abgelaufen."), status=410)
    return appointment


def appointment_get_by_reminder_token(*, token: str) -> Appointment | None:
    """The appointment behind the links of a reminder e-mail ("I will come", "release it")."""
    if not token or len(token) > 200:
        return None
    return (
        Appointment.objects.select_related("location", "location__municipality")
        .filter(reminder_token_hash=hash_token(token))
        .exclude(reminder_token_hash="")
        .first()
    )


def appointment_for_mail(appointment_id: int) -> Appointment | None:
    """The appointment with its place and services, as an e-mail about it needs them."""
    return appointments_for_mail([appointment_id]).get(appointment_id)


def appointments_for_mail(appointment_ids) -> dict[int, Appointment]:
    """Several appointments by id, as :func:`appointment_for_mail` – two queries for all of
    them (the e-mail queue's batches); ids that no longer exist are missing."""
    rows = (
        Appointment.objects.select_related("location__municipality")
        .prefetch_related(
            Prefetch("items", queryset=AppointmentItem.objects.select_related("service"))
        )
        .filter(pk__in=list(appointment_ids))
    )
    return {row.pk: row for row in rows}
