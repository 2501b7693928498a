"""Writes of the Terminagent (waiting list): entries with double opt-in, matching free
slots to entries, and offers (a held slot the citizen accepts or declines in time).

Every function takes ``now`` (default: ``timezone.now()``) so tests never patch time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.appointments import tasks
from rathaus.appointments.models import (
    Appointment,
    WaitingListEntry,
    WaitingListOffer,
    hash_token,
    new_token,
)
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.selectors import waiting_list as waiting_list_selectors
from rathaus.appointments.services import placement
from rathaus.appointments.services.common import (
    appointment_mail_after_commit,
    check_email_limit,
    normalize_demand,
    validate_person,
)
from rathaus.core import audit, links
from rathaus.core.clock import now_or
from rathaus.core.models import Location
from rathaus.core.problems import Conflict, DomainError
from rathaus.engines import availability as engine

S = Appointment.Status


def _after_commit_waiting_mail(kind: str, object_id: int, token: str) -> None:
    base_url = links.site_url()  # the request's host (or SITE_URL), see appointments.conf
    transaction.on_commit(
        lambda: tasks.send_waiting_list_mail.delay(kind, object_id, token, base_url)
    )


def _check_window(date_from, date_to, weekdays, time_from, time_to, now) -> list[int]:
    """The wished dates, weekdays and hours make sense (422 otherwise); the sorted weekdays."""
    if date_from > date_to:
        raise DomainError(
            "invalid_dates", _("Das Enddatum darf nicht vor dem Anfangsdatum liegen."), status=422
        )
    if date_to < timezone.localdate(now):
        raise DomainError(
            "period_past",
            _("Der Zeitraum liegt in der Vergangenheit. Bitte wählen Sie Tage ab heute."),
            status=422,
            errors=[{"field": "date_to", "message": _("Bitte ein Datum ab heute angeben.")}],
        )
    if date_to > timezone.localdate(now) + timedelta(days=366):
        raise DomainError(
            "invalid_dates", _("Der Zeitraum darf höchstens ein Jahr umfassen."), status=422
        )
    if time_from >= time_to:
        raise DomainError(
            "invalid_times", _("Die Uhrzeit „bis“ muss nach der Uhrzeit „ab“ liegen."), status=422
        )
    weekdays = sorted({int(w) for w in weekdays if 0 <= int(w) <= 6})
    if not weekdays:
        raise DomainError(
            "invalid_weekdays", _("Bitte wählen Sie mindestens einen Wochentag."), status=422
        )
    return weekdays


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
    now = now_or(now)
    locations = list(locations)
    if not locations or any(loc.municipality_id != municipality.id for loc in locations):
        raise DomainError("invalid_locations", _("Bitte wählen Sie mindestens einen Standort."))
    demand = normalize_demand(locations[0], demand)
    weekdays = _check_window(date_from, date_to, weekdays, time_from, time_to, now)
    if not confirmed:
        name, email, _p = validate_person(name, email, "")
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


@transaction.atomic
def waiting_list_entry_confirm(*, token: str, now: datetime | None = None) -> WaitingListEntry:
    now = now_or(now)
    entry = waiting_list_selectors.waiting_list_entry_get_by_token(token=token)
    if entry.status == WaitingListEntry.Status.PENDING:
        if entry.confirm_deadline and entry.confirm_deadline <= now:
            entry.status = WaitingListEntry.Status.EXPIRED
            entry.save(update_fields=["status"])
            raise DomainError(
                "confirmation_expired",
                _("Die Frist zur Bestätigung ist abgelaufen. Bitte tragen Sie sich erneut ein."),
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
    now = now_or(now)
    entry = waiting_list_selectors.waiting_list_entry_get_by_token(token=token)
    if entry.status in (WaitingListEntry.Status.PENDING, WaitingListEntry.Status.ACTIVE):
        entry.status = WaitingListEntry.Status.CANCELLED
        entry.save(update_fields=["status"])
        for offer in entry.offers.filter(status=WaitingListOffer.Status.OFFERED):
            waiting_list_offer_withdraw(offer, WaitingListOffer.Status.WITHDRAWN, now)
    return entry


def _entry_accepts(entry: WaitingListEntry, slot_start: datetime, tz) -> bool:
    local = slot_start.astimezone(tz)
    return (
        entry.date_from <= local.date() <= entry.date_to
        and local.weekday() in entry.weekdays
        and entry.time_from <= local.time().replace(tzinfo=None) < entry.time_to
    )


def offer_freed_slot_after_commit(
    location_id: int, start: datetime, end: datetime, now=None
) -> None:
    transaction.on_commit(
        lambda: waiting_list_offer_freed_slot(
            location_id=location_id, start=start, end=end, now=now
        )
    )


def _make_offer(entry: WaitingListEntry, location: Location, slot, now: datetime):
    """Hold ``slot`` for ``entry`` until the deadline and mail the offer. None if taken."""
    policy = catalogue.policy_for(location)
    deadline = min(now + timedelta(minutes=policy.offer_minutes), slot.start)
    demand = {int(k): int(v) for k, v in entry.demand.items()}
    try:
        with transaction.atomic():
            hold = placement.place(
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
    now = now_or(now)
    entries = waiting_list_selectors.waiting_list_entries_to_match(
        municipality_id=municipality_id, location_id=location_id, now=now, limit=limit
    )
    offers = []
    for entry in entries:
        made = _offer_first_match(entry, location_id=location_id, window=window, now=now)
        if made:
            offers.append(made)
    return offers


def _offer_first_match(entry: WaitingListEntry, *, location_id, window, now: datetime):
    """Offer ``entry`` its earliest matching slot at its locations in order; None if none."""
    seen = set(entry.offers.values_list("slot_start", flat=True))
    demand = {int(k): int(v) for k, v in entry.demand.items()}
    for location in entry.locations.select_related("municipality").order_by("id"):
        if location_id is not None and location.id != location_id:
            continue
        made = _offer_at_location(entry, location, demand, seen, window, now)
        if made:
            return made
    return None


def _offer_at_location(entry, location: Location, demand, seen, window, now: datetime):
    request = availability.availability_request(location, demand, now, fresh=True)
    if request is None:
        return None
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
                return made
    return None


def waiting_list_offer_freed_slot(
    *,
    location_id: int,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
) -> list[WaitingListOffer]:
    """A slot was freed (cancellation, reschedule, expired offer): offer it in order."""
    return waiting_list_match(location_id=location_id, window=(start, end), now=now)


def waiting_list_offer_withdraw(offer: WaitingListOffer, status: str, now: datetime) -> None:
    hold = offer.appointment
    offer.status = status
    offer.answered_at = now
    offer.appointment = None
    offer.save(update_fields=["status", "answered_at", "appointment"])
    if hold is not None and hold.status == S.HELD:
        location_id, start, end = hold.location_id, hold.start, hold.end
        placement.index_after_commit(hold, gone=True)
        hold.delete()
        if start > now:
            offer_freed_slot_after_commit(location_id, start, end, now)


@transaction.atomic
def waiting_list_offer_accept(
    *, token: str, now: datetime | None = None
) -> tuple[Appointment, str]:
    """Accept an offer: the held slot becomes a confirmed appointment (e-mail verified)."""
    now = now_or(now)
    offer = waiting_list_selectors.waiting_list_offer_get_by_token(token=token)
    offer = WaitingListOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != WaitingListOffer.Status.OFFERED or offer.appointment_id is None:
        raise DomainError("offer_closed", _("Dieses Angebot ist nicht mehr gültig."), status=410)
    if offer.deadline <= now:
        waiting_list_offer_withdraw(offer, WaitingListOffer.Status.EXPIRED, now)
        raise DomainError(
            "offer_expired", _("Die Frist für dieses Angebot ist abgelaufen."), status=410
        )
    entry = offer.entry
    policy_limit = catalogue.policy_for(offer.appointment.location).max_active_per_email
    check_email_limit(entry.citizen_email, policy_limit, now)
    personal = new_token()
    appointment = offer.appointment
    appointment.status = S.CONFIRMED
    appointment.citizen_email = entry.citizen_email
    appointment.citizen_name = entry.citizen_name
    appointment.token_hash = hash_token(personal)
    appointment.hold_expires_at = None
    appointment.booked_at = now
    appointment.confirmed_at = now
    appointment.save()
    placement.index_after_commit(appointment)
    offer.status = WaitingListOffer.Status.ACCEPTED
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    entry.status = WaitingListEntry.Status.FULFILLED
    entry.save(update_fields=["status"])
    audit.record(
        actor=None, instance=appointment, action="create", summary=_("Termin über Terminagent")
    )
    appointment_mail_after_commit("confirmed", appointment.pk, personal)
    return appointment, personal


@transaction.atomic
def waiting_list_offer_decline(*, token: str, now: datetime | None = None) -> WaitingListOffer:
    now = now_or(now)
    offer = waiting_list_selectors.waiting_list_offer_get_by_token(token=token)
    offer = WaitingListOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == WaitingListOffer.Status.OFFERED:
        waiting_list_offer_withdraw(offer, WaitingListOffer.Status.DECLINED, now)
    return offer
