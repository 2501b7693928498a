"""Closures of a counter or a whole location for a day, and rebooking the appointments
they hit to the nearest free slot (else cancel and put the citizen on the waiting list).

Every function takes ``now`` (default: ``timezone.now()``) so tests never patch time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.appointments.models import (
    Appointment,
    ClosureOutcome,
    Counter,
    DateException,
    hash_token,
    new_token,
)
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.selectors import closures as closures_selectors
from rathaus.appointments.services import placement
from rathaus.appointments.services.booking import appointment_cancel
from rathaus.appointments.services.common import appointment_mail_after_commit
from rathaus.appointments.services.waiting_list import waiting_list_entry_create
from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Location
from rathaus.core.problems import Conflict
from rathaus.engines import availability as engine

S = Appointment.Status


def _nearest_slot(location, demand, old_start, now, exclude_counters=()):
    """Free slot nearest in time to ``old_start`` (ties: the later one)."""
    request = availability.availability_request(location, demand, now, fresh=True)
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
    changed). The citizen gets an e-mail with the new time and a new personal link – unless
    only the counter changed (same start): then the time they know stays right, their
    personal link stays valid and no "Ihr Termin wurde verlegt" is sent (issue 11).
    """
    now = now_or(now)
    location = appointment.location
    demand = catalogue.demand_of(appointment)
    for _attempt in range(3):
        slot = _nearest_slot(location, demand, appointment.start, now, exclude_counters)
        if slot is None:
            return None
        try:
            with transaction.atomic():
                locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
                old_start = locked.start
                same_time = slot.start == old_start
                token = new_token()
                if not same_time:
                    locked.token_hash = hash_token(token)
                placement.place(
                    location=location,
                    demand=demand,
                    start=slot.start,
                    now=now,
                    fields=[] if same_time else ["token_hash"],
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
                    summary=_("Termin wegen Schließung umgebucht"),
                )
                if notify and not same_time:
                    appointment_mail_after_commit("rebooked", locked.pk, token, reason)
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
    now = now_or(now)
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
        summary=(
            _("Schließung Schalter %(counter)s am %(day)s")
            % {"counter": counter.name, "day": f"{day:%d.%m.%Y}"}
            if counter
            else _("Schließung Standort am %(day)s") % {"day": f"{day:%d.%m.%Y}"}
        ),
    )
    availability.bump_setup_version(location.id)
    outcomes = []
    for appointment in closures_selectors.appointments_hit_by_closure(
        location=location, day=day, counter=counter
    ):
        if appointment.status == S.HELD:
            placement.index_after_commit(appointment, gone=True)
            appointment.delete()
            continue
        outcome = _rebook_or_cancel(exception, appointment, day=day, actor=actor, now=now)
        outcome.save()
        outcomes.append(outcome)
    return exception, outcomes


def _rebook_or_cancel(exception: DateException, appointment: Appointment, *, day, actor, now):
    """Rebook to the nearest free slot, else cancel and (with an address) enrol in the
    Terminagent; returns the unsaved outcome."""
    location = exception.location
    old_start, old_counter_id = appointment.start, appointment.counter_id
    new_start = appointment_rebook(
        appointment=appointment, now=now, actor=actor, reason=f"{day:%d.%m.%Y}"
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
        outcome.notified = bool(appointment.citizen_email) and new_start != old_start
        return outcome
    appointment_cancel(
        appointment=appointment, now=now, actor=actor, notify=False, release_delay=False
    )
    if not appointment.citizen_email:
        outcome.result = ClosureOutcome.Result.CANCELLED
        return outcome
    entry, token = waiting_list_entry_create(
        municipality=location.municipality,
        locations=[location],
        demand=catalogue.demand_of(appointment),
        date_from=max(now.astimezone(catalogue.local_tz(location)).date(), day),
        date_to=day + timedelta(days=catalogue.policy_for(location).max_days_ahead),
        weekdays=[0, 1, 2, 3, 4, 5],
        time_from=time(0),
        time_to=time(23, 59),
        email=appointment.citizen_email,
        name=appointment.citizen_name,
        now=now,
        confirmed=True,
        source_appointment=appointment,
    )
    appointment_mail_after_commit("closure_no_slot", appointment.pk, token)
    outcome.result = ClosureOutcome.Result.WAITING_LIST
    outcome.waiting_list_entry = entry
    outcome.notified = True
    return outcome
