"""Periodic jobs of the appointments app (run by :mod:`rathaus.appointments.tasks`):
release expired holds/bookings/offers, send reminders, purge personal data after retention.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rathaus.appointments import conf
from rathaus.appointments.models import (
    Appointment,
    BookingPolicy,
    WaitingListEntry,
    WaitingListOffer,
    hash_token,
    new_token,
)
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.services.common import appointment_mail_after_commit
from rathaus.appointments.services.waiting_list import (
    waiting_list_offer_freed_slot,
    waiting_list_offer_withdraw,
)
from rathaus.core.clock import now_or

log = logging.getLogger(__name__)
S = Appointment.Status


def appointments_release_expired(*, now: datetime | None = None) -> dict[str, int]:
    """Release expired holds and unconfirmed bookings, expire offers, free cancelled time."""
    now = now_or(now)
    stats = {"holds": 0, "unconfirmed": 0, "offers": 0, "freed": 0}
    freed: list[tuple[int, datetime, datetime]] = []
    with transaction.atomic():
        for offer in WaitingListOffer.objects.select_for_update().filter(
            status=WaitingListOffer.Status.OFFERED, deadline__lte=now
        ):
            waiting_list_offer_withdraw(offer, WaitingListOffer.Status.EXPIRED, now)
            stats["offers"] += 1
        # the shared availability index needs no write here: its rows carry their expiry
        holds = Appointment.objects.filter(status=S.HELD, hold_expires_at__lte=now)
        stats["holds"] = holds.delete()[1].get("appointments.Appointment", 0)
        unconfirmed = Appointment.objects.filter(status=S.PENDING, confirm_deadline__lte=now)
        for loc_id, start, end in unconfirmed.values_list("location_id", "start", "end"):
            if start > now:
                freed.append((loc_id, start, end))
        stats["unconfirmed"] = unconfirmed.update(status=S.EXPIRED)
        cancelled = Appointment.objects.filter(status=S.CANCELLED, pool_release_at__lte=now)
        for loc_id, start, end in cancelled.values_list("location_id", "start", "end"):
            if start > now:
                freed.append((loc_id, start, end))
        stats["freed"] = cancelled.update(pool_release_at=None)
    for location_id, start, end in freed:
        waiting_list_offer_freed_slot(location_id=location_id, start=start, end=end, now=now)
    WaitingListEntry.objects.filter(
        status=WaitingListEntry.Status.PENDING, confirm_deadline__lte=now
    ).update(status=WaitingListEntry.Status.EXPIRED)
    WaitingListEntry.objects.filter(
        status=WaitingListEntry.Status.ACTIVE, date_to__lt=timezone.localdate(now)
    ).update(status=WaitingListEntry.Status.EXPIRED)
    return stats


def appointments_send_reminders(*, now: datetime | None = None) -> int:
    """Send the reminder e-mail N hours before confirmed appointments (once)."""
    now = now_or(now)
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
                appointment_mail_after_commit("reminder", appointment.pk, token)
                sent += 1
    return sent


def personal_data_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Blank names, e-mails and phone numbers N days after the appointment.

    Rows stay (anonymous) so statistics keep working; waiting-list entries are blanked
    N days after their period ended or they were closed.
    """
    now = now_or(now)
    cutoff = now - timedelta(days=conf.retention_days())
    appointments = Appointment.objects.filter(end__lt=cutoff, anonymized_at__isnull=True)
    n_appointments = appointments.update(
        citizen_name="", citizen_email="", citizen_phone="", anonymized_at=now
    )
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


def availability_index_refresh(*, now: datetime | None = None) -> int:
    """Re-read every public location's bookable window into the shared availability index.

    A safety net, off the request path: it repairs a day whose on-commit write was lost (a
    process died between commit and write, Redis was unreachable). Returns the number of
    days merged."""
    now = now_or(now)
    return sum(
        availability.refresh_index(location, now) for location in catalogue.public_locations()
    )
