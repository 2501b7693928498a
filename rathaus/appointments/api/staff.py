"""Staff API of the citizen office (django-ninja), mounted at ``/api/v1/appointments/staff/``.

Authentication: ``staff_auth`` (Bearer token or session with CSRF). Permissions:
``appointments.staff_counter`` for counter work, ``appointments.staff_statistics`` for
statistics. Rows of another municipality answer 404; domain errors leave as
application/problem+json with a German ``detail`` and a machine-readable ``code``.

Mounted together with the citizen API by :mod:`rathaus.appointments.api`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from rathaus.appointments import rules as permissions
from rathaus.appointments.models import Appointment, Counter, DateException
from rathaus.appointments.selectors import counter as counter_selectors
from rathaus.appointments.selectors import statistics as statistics_selectors
from rathaus.appointments.services import counter as counter_services
from rathaus.core.api.auth import staff_auth
from rathaus.core.models import Location
from rathaus.core.problems import DomainError
from rathaus.core.schema_types import ApiDate

# --------------------------------------------------------------------------- schemas


class AppointmentOut(Schema):
    id: int
    ticket_number: str
    start: datetime
    end: datetime
    status: str
    status_label: str
    source: str
    citizen_name: str
    services: str
    counter: str | None
    called_counter: str | None
    checked_in_at: datetime | None
    called_at: datetime | None
    served_at: datetime | None
    no_show_at: datetime | None


class DayOut(Schema):
    location_id: int
    location: str
    date: date
    waiting: int
    appointments: list[AppointmentOut]


class QueueEntryOut(Schema):
    appointment: AppointmentOut
    due: bool
    servable: bool


class CheckInNumberIn(Schema):
    location_id: int
    number: str = Field(..., max_length=20)


class CounterIn(Schema):
    counter_id: int


class WalkInIn(Schema):
    location_id: int
    services: dict[str, int] = Field(..., description='{"<service id>": <Anzahl>}')
    name: str = Field("", max_length=200)


class ClosureIn(Schema):
    location_id: int
    date: ApiDate
    counter_id: int | None = None
    reason: str = Field("", max_length=200)


class ClosureOutcomeOut(Schema):
    appointment_id: int
    old_start: datetime
    old_counter: str | None
    result: str
    result_label: str
    new_start: datetime | None
    notified: bool
    description: str


class ClosureOut(Schema):
    id: int
    location_id: int
    date: date
    counter: str | None
    reason: str
    outcomes: list[ClosureOutcomeOut]


class LeadTimeOut(Schema):
    location_id: int
    service_id: int
    service: str
    days: int | None
    earliest: datetime | None


class CounterUseOut(Schema):
    counter_id: int
    counter: str
    location_id: int
    booked_minutes: int
    open_minutes: int
    utilisation: float | None


class DayCountOut(Schema):
    date: date
    bookings: int


class SourceOut(Schema):
    source: str
    label: str
    count: int


class StatisticsOut(Schema):
    date_from: date
    date_to: date
    location_ids: list[int]
    lead_times: list[LeadTimeOut]
    booking_lead_median_days: float | None
    bookings_per_day: list[DayCountOut]
    utilisation: list[CounterUseOut]
    served: int
    no_shows: int
    no_show_rate: float | None
    waiting_count: int
    waiting_median_minutes: float | None
    waiting_p90_minutes: float | None
    realised: int
    by_source: list[SourceOut]
    online_share: float | None
    walk_in_share: float | None


# --------------------------------------------------------------------------- helpers


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise DomainError("forbidden", _("Keine Berechtigung für diese Aktion."), status=403)


def _out(a: Appointment) -> dict:
    return {
        "id": a.pk,
        "ticket_number": a.ticket_number,
        "start": a.start,
        "end": a.end,
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "source": a.source,
        "citizen_name": a.citizen_name,
        "services": counter_selectors._items_label(a),
        "counter": a.counter.name if a.counter_id else None,
        "called_counter": a.called_counter.name if a.called_counter_id else None,
        "checked_in_at": a.checked_in_at,
        "called_at": a.called_at,
        "served_at": a.served_at,
        "no_show_at": a.no_show_at,
    }


def _appointment(request, appointment_id: int) -> Appointment:
    return counter_selectors.appointment_get_scoped(user=request.user, pk=appointment_id)


def _location(request, location_id: int) -> Location:
    return counter_selectors.location_get_scoped(user=request.user, pk=location_id)


def _counter(request, counter_id: int) -> Counter:
    return counter_selectors.counter_get_scoped(user=request.user, pk=counter_id)


def _fresh(appointment: Appointment) -> dict:
    return _out(counter_selectors.appointment_get_fresh(pk=appointment.pk))


def _act(request, appointment_id: int, service) -> dict:
    """One counter action on one appointment: permission, tenancy, the service, the new row."""
    _require(request, permissions.PERM_COUNTER)
    appointment = service(appointment=_appointment(request, appointment_id), actor=request.user)
    return _fresh(appointment)


def _closure_out(exception: DateException) -> dict:
    tz = counter_selectors.tz_of(exception.location)
    return {
        "id": exception.pk,
        "location_id": exception.location_id,
        "date": exception.date,
        "counter": exception.counter.name if exception.counter_id else None,
        "reason": exception.reason,
        "outcomes": [
            {
                "appointment_id": o.appointment_id,
                "old_start": o.old_start,
                "old_counter": o.old_counter.name if o.old_counter_id else None,
                "result": o.result,
                "result_label": str(o.get_result_display()),
                "new_start": o.new_start,
                "notified": o.notified,
                "description": counter_selectors.outcome_label(o, tz),
            }
            for o in counter_selectors.closure_outcomes(exception)
        ],
    }


# --------------------------------------------------------------------------- endpoints


router = Router(tags=["appointments-staff"], auth=staff_auth)


@router.get("/day", response=DayOut, summary="Tagesliste eines Standorts")
def day_list(
    request,
    location_id: int,
    day: ApiDate | None = None,
    counter_id: int | None = None,
    status: str = "",
):
    _require(request, permissions.PERM_COUNTER)
    location = _location(request, location_id)
    counter = _counter(request, counter_id) if counter_id is not None else None
    if counter is not None and counter.location_id != location.pk:
        raise DomainError(
            "wrong_counter", _("Dieser Schalter gehört zu einem anderen Standort."), status=422
        )
    day = day or counter_selectors.local_today(location)
    view = counter_selectors.day_view(location, day, counter=counter, status=status[:24])
    return {
        "location_id": location.pk,
        "location": location.name,
        "date": day,
        "waiting": view.waiting,
        "appointments": [_out(r.appointment) for r in view.rows],
    }


@router.get("/queue", response=list[QueueEntryOut], summary="Warteschlange (Aufrufreihenfolge)")
def queue(request, location_id: int, counter_id: int | None = None):
    _require(request, permissions.PERM_COUNTER)
    location = _location(request, location_id)
    counter = _counter(request, counter_id) if counter_id is not None else None
    return [
        {"appointment": _out(e.appointment), "due": e.due, "servable": e.servable}
        for e in counter_selectors.queue(location, counter=counter)
    ]


@router.post(
    "/appointments/{appointment_id}/check-in",
    response=AppointmentOut,
    summary="Anmelden (aus der Liste)",
)
def check_in(request, appointment_id: int):
    return _act(request, appointment_id, counter_services.appointment_check_in)


@router.post("/check-in", response=AppointmentOut, summary="Anmelden per Wartenummer")
def check_in_number(request, payload: CheckInNumberIn):
    _require(request, permissions.PERM_COUNTER)
    appointment = counter_services.appointment_check_in_by_number(
        location=_location(request, payload.location_id),
        number=payload.number,
        actor=request.user,
    )
    return _fresh(appointment)


@router.post("/call-next", response=AppointmentOut, summary="Nächste Person aufrufen")
def call_next(request, payload: CounterIn):
    _require(request, permissions.PERM_COUNTER)
    appointment = counter_services.appointment_call_next(
        counter=_counter(request, payload.counter_id), actor=request.user
    )
    return _fresh(appointment)


@router.post(
    "/appointments/{appointment_id}/call",
    response=AppointmentOut,
    summary="Bestimmte Person aufrufen",
)
def call(request, appointment_id: int, payload: CounterIn):
    _require(request, permissions.PERM_COUNTER)
    appointment = _appointment(request, appointment_id)
    appointment = counter_services.appointment_call(
        appointment=appointment,
        counter=_counter(request, payload.counter_id),
        actor=request.user,
    )
    return _fresh(appointment)


@router.post(
    "/appointments/{appointment_id}/call-again",
    response=AppointmentOut,
    summary="Erneut aufrufen (gleicher Schalter)",
)
def call_again(request, appointment_id: int):
    return _act(request, appointment_id, counter_services.appointment_call_again)


@router.post("/appointments/{appointment_id}/served", response=AppointmentOut, summary="Erledigt")
def served(request, appointment_id: int):
    return _act(request, appointment_id, counter_services.appointment_mark_served)


@router.post(
    "/appointments/{appointment_id}/no-show",
    response=AppointmentOut,
    summary="Nicht erschienen",
)
def no_show(request, appointment_id: int):
    return _act(request, appointment_id, counter_services.appointment_mark_no_show)


@router.post(
    "/appointments/{appointment_id}/undo",
    response=AppointmentOut,
    summary="„Erledigt“ oder „Nicht erschienen“ rückgängig machen",
)
def undo(request, appointment_id: int):
    return _act(request, appointment_id, counter_services.appointment_undo_outcome)


@router.post("/walk-in", response={201: AppointmentOut}, summary="Wartemarke ausgeben")
def walk_in(request, payload: WalkInIn):
    _require(request, permissions.PERM_COUNTER)
    ticket = counter_services.walk_in_issue(
        location=_location(request, payload.location_id),
        demand=payload.services,
        name=payload.name,
        actor=request.user,
    )
    return Status(201, _fresh(ticket))


@router.post("/closures", response={201: ClosureOut}, summary="Schalter oder Standort schließen")
def close(request, payload: ClosureIn):
    _require(request, permissions.PERM_COUNTER)
    location = _location(request, payload.location_id)
    counter = _counter(request, payload.counter_id) if payload.counter_id else None
    exception, _outcomes = counter_services.closure_close(
        location=location,
        day=payload.date,
        counter=counter,
        reason=payload.reason,
        actor=request.user,
    )
    exception = counter_selectors.closure_get(pk=exception.pk)
    return Status(201, _closure_out(exception))


@router.get("/closures/{exception_id}", response=ClosureOut, summary="Folgen einer Schließung")
def closure_detail(request, exception_id: int):
    _require(request, permissions.PERM_COUNTER)
    exception = counter_selectors.closure_get_scoped(user=request.user, pk=exception_id)
    return _closure_out(exception)


@router.get("/statistics", response=StatisticsOut, summary="Statistik (JSON)")
def statistics(
    request,
    date_from: ApiDate,
    date_to: ApiDate,
    location_id: int | None = None,
):
    _require(request, permissions.PERM_STATISTICS)
    if date_from > date_to:
        raise DomainError(
            "invalid_period", _("„date_to“ darf nicht vor „date_from“ liegen."), status=422
        )
    if (date_to - date_from).days > 366:
        raise DomainError(
            "invalid_period", _("Der Zeitraum darf höchstens ein Jahr umfassen."), status=422
        )
    if location_id is not None:
        locations = [_location(request, location_id)]
    else:
        locations = list(counter_selectors.staff_locations(request.user))
    s = statistics_selectors.statistics(locations, date_from, date_to)
    return {
        "date_from": s.date_from,
        "date_to": s.date_to,
        "location_ids": [loc.pk for loc in locations],
        "lead_times": [
            {
                "location_id": lt.location.pk,
                "service_id": lt.service.pk,
                "service": lt.service.name,
                "days": lt.days,
                "earliest": lt.earliest,
            }
            for lt in s.lead_times
        ],
        "booking_lead_median_days": s.booking_lead_median_days,
        "bookings_per_day": [{"date": d, "bookings": n} for d, n in s.bookings_per_day],
        "utilisation": [
            {
                "counter_id": u.counter.pk,
                "counter": u.counter.name,
                "location_id": u.counter.location_id,
                "booked_minutes": u.booked_minutes,
                "open_minutes": u.open_minutes,
                "utilisation": u.ratio,
            }
            for u in s.utilisation
        ],
        "served": s.served,
        "no_shows": s.no_shows,
        "no_show_rate": s.no_show_rate,
        "waiting_count": s.waiting_count,
        "waiting_median_minutes": s.waiting_median_minutes,
        "waiting_p90_minutes": s.waiting_p90_minutes,
        "realised": s.realised,
        "by_source": [{"source": key, "label": label, "count": n} for key, label, n in s.by_source],
        "online_share": s.online_share,
        "walk_in_share": s.walk_in_share,
    }
