"""Writes of the citizen office's staff side: check-in, call-up, served/no-show, walk-in
tickets (Wartemarken) and closures.

Every function takes keyword arguments only, runs in a transaction and takes ``now``
(default ``timezone.now()``) so tests never patch time. Callers pass rows they fetched
through :mod:`rathaus.core.tenancy`; the functions re-read and lock the rows they change.

Status changes are conditional updates (``UPDATE … WHERE status = <expected>``) on a row
locked with ``SELECT … FOR UPDATE``, so two clerks can never call the same citizen: the
second one gets the next person in the queue (call next) or a 409 (calling a named person).
Check-in, call, served and no-show are not audited (too chatty); undoing an outcome is
(it changes the statistics); closures are audited by
:func:`rathaus.appointments.services.closures.closure_create`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils.translation import gettext as _

from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    ClosureOutcome,
    Counter,
    DateException,
    TicketSequence,
    hash_token,
    new_token,
)
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.selectors import counter as counter_selectors
from rathaus.appointments.services import closures, common, placement
from rathaus.core import audit, text
from rathaus.core.clock import now_or
from rathaus.core.models import Location
from rathaus.core.problems import Conflict, DomainError, NotFound

S = Appointment.Status

CHECK_IN_FROM = (S.CONFIRMED, S.PENDING)
NO_SHOW_FROM = (S.CONFIRMED, S.PENDING, S.CHECKED_IN, S.CALLED)
SERVED_FROM = (S.CALLED,)  # "Erledigt" only after the call (issue 11)
UNDO_FROM = (S.SERVED, S.NO_SHOW)


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


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("location", "location__municipality", "called_counter")
        .get(pk=appointment.pk)
    )


def _status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


# --------------------------------------------------------------------------- check-in


@transaction.atomic
def appointment_check_in(
    *, appointment: Appointment, now: datetime | None = None, actor=None
) -> Appointment:
    """The citizen arrived at reception: status ``checked_in``, a waiting number (A…)."""
    now = now_or(now)
    appointment = _locked(appointment)
    today = counter_selectors.local_today(appointment.location, now)
    if appointment.status == S.CHECKED_IN:
        raise Conflict(
            "already_checked_in",
            _("%(number)s ist bereits angemeldet.") % {"number": appointment.ticket_number}
            if appointment.ticket_number
            else _("Dieser Termin ist bereits angemeldet."),
        )
    if appointment.status not in CHECK_IN_FROM:
        raise Conflict(
            "not_checkable",
            _("Dieser Termin kann nicht angemeldet werden (Status: %(status)s).")
            % {"status": _status_label(appointment.status)},
        )
    if counter_selectors.local_date(appointment.location, appointment.start) != today:
        raise DomainError("not_today", _("Dieser Termin ist nicht für heute gebucht."), status=409)
    if not appointment.ticket_number:
        appointment.ticket_number = ticket_number_next(
            location=appointment.location, day=today, prefix="A"
        )
    appointment.status = S.CHECKED_IN
    appointment.checked_in_at = now
    appointment.save(update_fields=["status", "checked_in_at", "ticket_number"])
    placement.index_after_commit(appointment)  # a pending booking now occupies its time for good
    return appointment


@transaction.atomic
def appointment_check_in_by_number(
    *, location: Location, number: str, now: datetime | None = None, actor=None
) -> Appointment:
    """Check in by waiting number (e.g. ``A012``) or appointment number (digits only)."""
    now = now_or(now)
    number = (number or "").strip()
    if not number or len(number) > 20:
        raise DomainError(
            "invalid_number",
            _("Bitte geben Sie eine Wartenummer oder Terminnummer ein."),
            status=422,
            errors=[{"field": "number", "message": _("Bitte eine Nummer eingeben.")}],
        )
    start, end = counter_selectors.day_bounds(
        location, counter_selectors.local_today(location, now)
    )
    todays = Appointment.objects.filter(location=location, start__gte=start, start__lt=end)
    appointment = todays.filter(ticket_number__iexact=number).first()
    if appointment is None and number.isdigit() and len(number) < 15:
        appointment = todays.filter(pk=int(number)).first()
    if appointment is None:
        raise NotFound(
            "number_not_found",
            _("Für heute gibt es an diesem Standort keinen Termin mit der Nummer „%(number)s“.")
            % {"number": number},
        )
    return appointment_check_in(appointment=appointment, now=now, actor=actor)


# --------------------------------------------------------------------------- call-up


def _check_counter(counter: Counter, location_id: int, now: datetime) -> None:
    if counter.location_id != location_id:
        raise DomainError(
            "wrong_counter", _("Dieser Schalter gehört zu einem anderen Standort."), status=422
        )
    if not counter.active:
        raise DomainError(
            "counter_inactive", _("Dieser Schalter ist nicht in Betrieb."), status=409
        )
    if counter_selectors.counter_closed_on(
        counter, counter_selectors.local_today(counter.location, now)
    ):
        raise DomainError("counter_closed", _("Dieser Schalter ist heute geschlossen."), status=409)


def _mark_called(appointment_id: int, counter: Counter, now: datetime) -> bool:
    """CHECKED_IN → CALLED, only if nobody else called this citizen in the meantime."""
    return bool(
        Appointment.objects.filter(pk=appointment_id, status=S.CHECKED_IN).update(
            status=S.CALLED, called_counter=counter, called_at=now
        )
    )


@transaction.atomic
def appointment_call_next(
    *, counter: Counter, now: datetime | None = None, actor=None
) -> Appointment:
    """Call the next waiting citizen this counter can serve (see :func:`counter_selectors.queue`)."""
    now = now_or(now)
    counter = Counter.objects.select_related("location", "location__municipality").get(
        pk=counter.pk
    )
    _check_counter(counter, counter.location_id, now)
    for entry in counter_selectors.queue(counter.location, now=now, counter=counter):
        if not entry.servable:
            continue
        # lock the row; skip it if another clerk holds it right now (PostgreSQL)
        row = (
            Appointment.objects.select_for_update(skip_locked=_skip_locked())
            .filter(pk=entry.appointment.pk, status=S.CHECKED_IN)
            .first()
        )
        if row is None:
            continue
        if _mark_called(row.pk, counter, now):
            row.refresh_from_db()
            return row
    raise Conflict(
        "queue_empty",
        _("Zurzeit wartet niemand, der an „%(counter)s“ bedient werden kann.")
        % {"counter": counter.name},
    )


def _skip_locked() -> bool:
    return connection.features.has_select_for_update_skip_locked


@transaction.atomic
def appointment_call(
    *, appointment: Appointment, counter: Counter, now: datetime | None = None, actor=None
) -> Appointment:
    """Call one particular waiting citizen (chosen from the list) to ``counter``."""
    now = now_or(now)
    appointment = _locked(appointment)
    counter = Counter.objects.select_related("location", "location__municipality").get(
        pk=counter.pk
    )
    _check_counter(counter, appointment.location_id, now)
    if appointment.status == S.CALLED:
        where = appointment.called_counter.name if appointment.called_counter else "?"
        raise Conflict(
            "already_called",
            _("%(number)s wurde bereits zu „%(counter)s“ aufgerufen.")
            % {"number": appointment.ticket_number, "counter": where}
            if appointment.ticket_number
            else _("Diese Person wurde bereits zu „%(counter)s“ aufgerufen.") % {"counter": where},
        )
    if appointment.status != S.CHECKED_IN:
        raise Conflict(
            "not_waiting",
            _("Nur angemeldete Personen können aufgerufen werden (Status: %(status)s).")
            % {"status": _status_label(appointment.status)},
        )
    if not _mark_called(appointment.pk, counter, now):  # pragma: no cover - row is locked
        raise Conflict("already_called", _("Diese Person wurde bereits aufgerufen."))
    appointment.refresh_from_db()
    return appointment


# --------------------------------------------------------------------------- outcome


def _refuse_unless(appointment: Appointment, allowed, code: str, message: str) -> None:
    """409 with ``message`` (which names the current status) unless the status is allowed."""
    if appointment.status not in allowed:
        raise Conflict(code, message % {"status": _status_label(appointment.status)})


def _set_outcome(appointment: Appointment, status: str, stamp: str, now: datetime) -> Appointment:
    appointment.status = status
    setattr(appointment, stamp, now)
    appointment.save(update_fields=["status", stamp])
    return appointment


@transaction.atomic
def appointment_call_again(
    *, appointment: Appointment, now: datetime | None = None, actor=None
) -> Appointment:
    """Call a called person once more to the same counter (they did not come yet).

    ``called_at`` moves to now, so the waiting-room display shows the call as the newest
    again; the waiting-time statistics therefore count until the last call."""
    now = now_or(now)
    appointment = _locked(appointment)
    _refuse_unless(
        appointment,
        (S.CALLED,),
        "not_called",
        _("Nur aufgerufene Personen können erneut aufgerufen werden (Status: %(status)s)."),
    )
    appointment.called_at = now
    appointment.save(update_fields=["called_at"])
    return appointment


@transaction.atomic
def appointment_mark_served(
    *, appointment: Appointment, now: datetime | None = None, actor=None
) -> Appointment:
    """Served – only after the person was called to a counter."""
    now = now_or(now)
    appointment = _locked(appointment)
    _refuse_unless(
        appointment,
        SERVED_FROM,
        "not_servable",
        _(
            "Nur aufgerufene Personen können als erledigt markiert werden – bitte zuerst "
            "aufrufen (Status: %(status)s)."
        ),
    )
    return _set_outcome(appointment, S.SERVED, "served_at", now)


@transaction.atomic
def appointment_mark_no_show(
    *, appointment: Appointment, now: datetime | None = None, actor=None
) -> Appointment:
    now = now_or(now)
    appointment = _locked(appointment)
    _refuse_unless(
        appointment,
        NO_SHOW_FROM,
        "not_no_show",
        _("Dieser Termin kann nicht als „nicht erschienen“ markiert werden (Status: %(status)s)."),
    )
    if appointment.status in (S.CONFIRMED, S.PENDING) and appointment.start > now:
        raise DomainError(
            "not_yet_due",
            _(
                "Der Termin hat noch nicht begonnen; „nicht erschienen“ ist erst ab Terminbeginn "
                "möglich."
            ),
            status=409,
        )
    return _set_outcome(appointment, S.NO_SHOW, "no_show_at", now)


def _status_before_outcome(appointment: Appointment) -> str:
    """The status an appointment had before "Erledigt"/"Nicht erschienen" (from its stamps)."""
    if appointment.called_at and appointment.called_counter_id:
        return S.CALLED
    if appointment.checked_in_at:
        return S.CHECKED_IN
    return S.CONFIRMED if appointment.confirmed_at else S.PENDING


@transaction.atomic
def appointment_undo_outcome(
    *, appointment: Appointment, now: datetime | None = None, actor=None
) -> Appointment:
    """Undo "Erledigt" or "Nicht erschienen" (a slip of the mouse), on the same day only.

    The appointment returns to the status it had before (called, checked in, confirmed or
    pending). Audited, because it changes the statistics."""
    now = now_or(now)
    appointment = _locked(appointment)
    _refuse_unless(
        appointment,
        UNDO_FROM,
        "not_undoable",
        _(
            "Nur „erledigt“ oder „nicht erschienen“ kann rückgängig gemacht werden "
            "(Status: %(status)s)."
        ),
    )
    today = counter_selectors.local_today(appointment.location, now)
    if counter_selectors.local_date(appointment.location, appointment.start) != today:
        raise DomainError(
            "not_today", _("Rückgängig machen geht nur am Tag des Termins."), status=409
        )
    before = appointment.status
    appointment.status = _status_before_outcome(appointment)
    appointment.served_at = appointment.no_show_at = None
    appointment.save(update_fields=["status", "served_at", "no_show_at"])
    placement.index_after_commit(appointment)
    audit.record(
        actor=actor,
        instance=appointment,
        action="update",
        before={"status": before},
        after={"status": appointment.status},
        summary=_("Ergebnis am Schalter rückgängig gemacht"),
    )
    return appointment


# --------------------------------------------------------------------------- walk-in tickets


def _walk_in_name(name: str) -> str:
    """The optional name on a ticket: one line, at most 200 characters (422 otherwise)."""
    name = (name or "").strip()
    if len(name) > 200:
        raise DomainError(
            "invalid_name",
            _("Der Name ist zu lang (höchstens 200 Zeichen)."),
            status=422,
            errors=[{"field": "name", "message": _("Höchstens 200 Zeichen.")}],
        )
    if text.has_control_characters(name):
        raise DomainError(
            "invalid_name",
            str(text.MESSAGE),
            status=422,
            errors=[{"field": "name", "message": str(text.MESSAGE)}],
        )
    return name


@transaction.atomic
def walk_in_issue(
    *,
    location: Location,
    demand,
    name: str = "",
    now: datetime | None = None,
    actor=None,
) -> Appointment:
    """Issue a walk-in ticket (W…) if today's remaining capacity allows it.

    Capacity = free counter minutes from now until closing at open counters offering all
    requested services, minus the minutes of walk-in tickets still waiting; the ticket's
    duration must fit (see :func:`counter_selectors.walk_in_capacity`). The ticket sequence
    row is locked first, so concurrent issues at one location are serialised.
    """
    now = now_or(now)
    policy = catalogue.policy_for(location)
    if not policy.walk_in_enabled:
        raise DomainError(
            "walk_in_disabled",
            _("An diesem Standort werden keine Wartemarken ausgegeben."),
            status=409,
        )
    demand = common.normalize_demand(location, demand)
    name = _walk_in_name(name)
    today = counter_selectors.local_today(location, now)
    # takes the row lock of today's W sequence: the check below is serialised per location
    number = ticket_number_next(location=location, day=today, prefix="W")
    capacity = counter_selectors.walk_in_capacity(location, demand, now=now)
    if not capacity.allowed:
        raise Conflict("no_walk_in_capacity", capacity.message)
    appointment = Appointment.objects.create(
        municipality_id=location.municipality_id,
        location=location,
        counter=None,
        start=now,
        end=now + capacity.duration,
        status=S.CHECKED_IN,
        source=Appointment.Source.WALK_IN,
        token_hash=hash_token(new_token()),
        citizen_name=name,
        ticket_number=number,
        created=now,
        booked_at=now,
        checked_in_at=now,
    )
    AppointmentItem.objects.bulk_create(
        [
            AppointmentItem(appointment=appointment, service_id=service_id, count=count)
            for service_id, count in demand.items()
        ]
    )
    return appointment


# --------------------------------------------------------------------------- closures


def _check_closure(
    *, location: Location, day: date, counter: Counter | None, now: datetime
) -> None:
    """Refuse a counter of another location, days in the past and days already closed."""
    if counter is not None and counter.location_id != location.id:
        raise DomainError(
            "wrong_counter", _("Dieser Schalter gehört zu einem anderen Standort."), status=422
        )
    if day < counter_selectors.local_today(location, now):
        raise DomainError(
            "closure_in_past",
            _("Ein Tag in der Vergangenheit kann nicht mehr geschlossen werden."),
            status=422,
            errors=[{"field": "day", "message": _("Bitte ein Datum ab heute wählen.")}],
        )
    existing = DateException.objects.filter(location=location, date=day, closed=True)
    if existing.filter(counter__isnull=True).exists() or (
        counter is not None and existing.filter(counter=counter).exists()
    ):
        raise Conflict(
            "already_closed",
            _("„%(counter)s“ ist am %(day)s bereits geschlossen.")
            % {"counter": counter.name, "day": f"{day:%d.%m.%Y}"}
            if counter
            else _("Der Standort ist am %(day)s bereits geschlossen.") % {"day": f"{day:%d.%m.%Y}"},
        )


def closure_close(
    *,
    location: Location,
    day: date,
    counter: Counter | None = None,
    reason: str = "",
    actor=None,
    now: datetime | None = None,
) -> tuple[DateException, list[ClosureOutcome]]:
    """Close one counter or the whole location on ``day`` via ``closures.closure_create``.

    Refuses days in the past and days that are already closed; every affected appointment
    gets a :class:`ClosureOutcome` (rebooked / waiting list / cancelled).
    """
    now = now_or(now)
    _check_closure(location=location, day=day, counter=counter, now=now)
    reason = (reason or "").strip()
    return closures.closure_create(
        location=location, day=day, counter=counter, reason=reason, actor=actor, now=now
    )


@dataclass(frozen=True)
class ClosurePreviewRow:
    """What closing would do to one appointment (nothing is written)."""

    appointment_id: int
    name: str
    phone: str
    has_email: bool
    services: str
    old_start: datetime
    old_counter: str
    new_start: datetime | None
    new_counter: str
    kind: str  # one of PREVIEW_KINDS


PREVIEW_KINDS = ("same_time", "new_time", "waiting_list", "cancelled")


class _DryRun(Exception):
    """Raised to roll back the trial closure of :func:`closure_preview`."""


def _preview_row(outcome: ClosureOutcome, names: dict[int, str]) -> ClosurePreviewRow:
    appointment = outcome.appointment
    R = ClosureOutcome.Result
    if outcome.result == R.REBOOKED:
        kind = "same_time" if outcome.new_start == outcome.old_start else "new_time"
    else:
        kind = "waiting_list" if outcome.result == R.WAITING_LIST else "cancelled"
    return ClosurePreviewRow(
        appointment_id=appointment.pk,
        name=appointment.citizen_name,
        phone=appointment.citizen_phone,
        has_email=bool(appointment.citizen_email),
        services=catalogue.items_label(appointment),
        old_start=outcome.old_start,
        old_counter=names.get(outcome.old_counter_id, ""),
        new_start=outcome.new_start,
        new_counter=names.get(appointment.counter_id, "") if outcome.new_start else "",
        kind=kind,
    )


def closure_preview(
    *,
    location: Location,
    day: date,
    counter: Counter | None = None,
    now: datetime | None = None,
) -> list[ClosurePreviewRow]:
    """What :func:`closure_close` would do, without doing it (shown before staff confirm).

    Runs the real closure inside a transaction and rolls it back, so the preview uses the
    very rules of the closure (nearest slot, other counters first, waiting list); no e-mail
    leaves (they are queued on commit) and no audit entry stays. Concurrent bookings may
    still change the outcome between the preview and the closure; the result page shows
    what really happened."""
    now = now_or(now)
    _check_closure(location=location, day=day, counter=counter, now=now)
    names = {c.pk: c.name for c in counter_selectors.counters_of(location)}
    rows: list[ClosurePreviewRow] = []
    try:
        with transaction.atomic():
            _exception, outcomes = closures.closure_create(
                location=location, day=day, counter=counter, actor=None, now=now
            )
            rows = [_preview_row(outcome, names) for outcome in outcomes]
            raise _DryRun
    except _DryRun:
        pass
    finally:
        # the trial closure bumped the setup version; rebuild it without it (the booking
        # index never saw the trial: its writes wait for a commit that never came)
        availability.bump_setup_version(location.id)
    return rows
