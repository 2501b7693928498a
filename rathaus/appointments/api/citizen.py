"""Public appointments API under /api/v1/appointments/ (django-ninja).

Errors leave as application/problem+json with a German ``detail`` and a ``code``
(:class:`rathaus.core.problems.DomainError`). Booking needs an ALTCHA solution in the
``altcha`` field (GET ``altcha-challenge``, solve, send the base64 payload).
Staff endpoints live in :mod:`rathaus.appointments.api.staff`; both routers are mounted
together by :mod:`rathaus.appointments.api`.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from rathaus.appointments import conf, proof_of_work
from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.selectors.appointments import appointment_get_by_token
from rathaus.appointments.services import booking, common, waiting_list, waiting_room
from rathaus.core.clientip import client_ip
from rathaus.core.models import Location
from rathaus.core.problems import DomainError, NotFound
from rathaus.core.schema_types import ApiDate

router = Router(tags=["appointments"])


# --------------------------------------------------------------------------- schemas


TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"  # 00:00 … 23:59


class ServiceOut(Schema):
    id: int
    name: str
    leika_key: str
    documents: str
    fee_note: str
    duration_minutes: int
    max_count: int


class LocationOut(Schema):
    id: int
    name: str
    street: str
    postal_code: str
    city: str
    municipality_id: int
    municipality: str


class DemandItem(Schema):
    service_id: int = Field(..., ge=1, le=2**62)
    count: int = Field(1, ge=1, le=99)


class SlotOut(Schema):
    start: datetime
    end: datetime
    capacity: int


class DaysOut(Schema):
    days: list[date]


class SlotsOut(Schema):
    date: date
    slots: list[SlotOut]


class MonthDay(Schema):
    date: date
    free_slots: int


class MonthOut(Schema):
    year: int
    month: int
    days: list[MonthDay]


class EarliestOut(Schema):
    location_id: int
    location: str
    start: datetime
    end: datetime


class ChallengeOut(Schema):
    algorithm: str
    challenge: str
    maxNumber: int  # noqa: N815 - ALTCHA's field name
    salt: str
    signature: str


class HoldIn(Schema):
    location_id: int = Field(..., ge=1, le=2**62)
    start: datetime
    services: list[DemandItem] = Field(..., min_length=1, max_length=10)
    altcha: str = Field("", max_length=4000, description="ALTCHA-Lösung (Base64)")


class HoldOut(Schema):
    hold_token: str
    start: datetime
    end: datetime
    expires_at: datetime
    arrival: int = Field(0, description="Ankunftsnummer an diesem Termin (Warteraum)")


class QueuedOut(Schema):
    ticket: str = Field(..., description="Wartenummer: GET queue/{ticket} fragt nach")
    position: int = Field(..., description="Anfragen vor Ihnen einschließlich Ihrer")
    arrival: int
    retry_after_ms: int
    detail: str


class QueueStateOut(Schema):
    state: str = Field(..., description="waiting, done")
    position: int
    arrival: int
    retry_after_ms: int
    result: dict | None = Field(
        None,
        description="Antwort, sobald Sie an der Reihe waren: status 201 mit dem Termin "
        "(bei Reservierungen hold_token) oder die Ablehnung (status, code, detail)",
    )


class BookingIn(Schema):
    hold_token: str | None = Field(None, max_length=200)
    location_id: int | None = Field(None, ge=1, le=2**62)
    start: datetime | None = None
    services: list[DemandItem] | None = Field(None, max_length=10)
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., min_length=3, max_length=254)
    phone: str = Field("", max_length=40)
    privacy_consent: bool
    altcha: str = Field("", max_length=4000)


class BookingOut(Schema):
    number: int = Field(..., description="Terminnummer: bei der Anmeldung im Bürgerbüro nennen")
    status: str
    start: datetime
    end: datetime
    confirm_deadline: datetime | None
    detail: str
    arrival: int = Field(0, description="Ankunftsnummer an diesem Termin (Warteraum)")


class TokenIn(Schema):
    token: str = Field(..., min_length=1, max_length=200)


class CitizenAppointmentOut(Schema):
    """A citizen's own appointment behind the personal link (the staff API has its own)."""

    number: int = Field(..., description="Terminnummer: bei der Anmeldung im Bürgerbüro nennen")
    status: str
    status_label: str
    start: datetime
    end: datetime
    location_id: int
    location: str
    services: list[str]
    ticket_number: str


class ConfirmOut(Schema):
    number: int = Field(..., description="Terminnummer: bei der Anmeldung im Bürgerbüro nennen")
    status: str
    start: datetime
    end: datetime


class RescheduleIn(Schema):
    start: datetime


class WaitingListIn(Schema):
    municipality_id: int = Field(..., ge=1, le=2**62)
    location_ids: list[int] = Field(..., min_length=1, max_length=20)
    services: list[DemandItem] = Field(..., min_length=1, max_length=10)
    date_from: ApiDate
    date_to: ApiDate
    weekdays: list[int] = Field(..., min_length=1, max_length=7)
    time_from: str = Field(..., pattern=TIME_PATTERN)
    time_to: str = Field(..., pattern=TIME_PATTERN)
    name: str = Field(..., min_length=1, max_length=200, description="Vor- und Nachname")
    email: str = Field(..., min_length=3, max_length=254)
    privacy_consent: bool
    altcha: str = Field("", max_length=4000)


class WaitingListOut(Schema):
    status: str
    detail: str


class OfferOut(Schema):
    status: str
    start: datetime | None = None
    end: datetime | None = None
    deadline: datetime


# --------------------------------------------------------------------------- documented errors


def _problems(answers: dict[int, str]) -> dict:
    """``openapi_extra`` naming an operation's problem+json answers and their codes (the
    remaining statuses get the generic entry from ``rathaus.core.openapi``)."""
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {
        "responses": {
            status: {"description": text, "content": problem} for status, text in answers.items()
        }
    }


BAD_BODY = "invalid_body (kein JSON); altcha_missing, altcha_invalid, altcha_replayed"
LIMITS = "too_many_requests (Anfragen je IP-Adresse oder aktive Termine je E-Mail-Adresse)"
PERSONAL = {404: "not_found (unbekannter oder abgelaufener Link)"}
ERRORS_HOLD = _problems(
    {
        400: BAD_BODY,
        404: "unknown_location",
        409: "slot_taken (gerade vergeben)",
        422: "slot_not_bookable (vergangen, zu kurzfristig, außerhalb der Öffnungszeiten oder "
        "nicht im Zeitraster); unknown_service, invalid_count, no_services; validation_error",
        429: LIMITS,
    }
)
ERRORS_BOOKING = _problems(
    {
        400: BAD_BODY,
        404: "unknown_location",
        409: "slot_taken",
        410: "hold_expired",
        422: "consent_required, missing_slot, invalid_person, slot_not_bookable, "
        "unknown_service, invalid_count; validation_error",
        429: LIMITS,
    }
)
ERRORS_CONFIRM = _problems(
    {**PERSONAL, 409: "not_pending", 410: "confirmation_expired", 422: "validation_error"}
)
ERRORS_CANCEL = _problems({**PERSONAL, 409: "not_cancellable"})
ERRORS_RESCHEDULE = _problems(
    {
        **PERSONAL,
        400: "invalid_body",
        409: "slot_taken, not_reschedulable",
        422: "slot_not_bookable; validation_error",
        429: LIMITS,
    }
)
ERRORS_WAITING = _problems(
    {
        400: BAD_BODY,
        404: "unknown_municipality",
        422: "period_past, invalid_dates, invalid_times, invalid_weekdays, invalid_locations, "
        "invalid_time, invalid_person, consent_required; validation_error",
        429: LIMITS,
    }
)
ERRORS_OFFER = _problems({**PERSONAL, 410: "offer_closed, offer_expired", 429: LIMITS})
ERRORS_PERSONAL = _problems(PERSONAL)
ERRORS_CONFIRM_ENTRY = _problems({**PERSONAL, 410: "confirmation_expired"})


# --------------------------------------------------------------------------- helpers


# "12:2,13:1": service id and count (1-99), comma-separated; typed for OpenAPI clients
SERVICES_QUERY = Query(
    ...,
    max_length=200,
    description="Leistungen als id:anzahl, durch Komma getrennt, z. B. 12:2,13:1",
    examples=["12:2,13:1"],
)  # the format is checked by _parse_services, which answers in German


def _location(location_id: int) -> Location:
    location = catalogue.get_public_location(location_id)
    if location is None:
        raise NotFound("unknown_location", _("Diesen Standort gibt es nicht."))
    return location


def _parse_services(value: str) -> dict[int, int]:
    demand: dict[int, int] = {}
    try:
        for part in (value or "").split(","):
            if not part.strip():
                continue
            sid, _sep, count = part.partition(":")
            service_id, number = int(sid), int(count or 1)
            if not 1 <= service_id <= 2**62 or not 1 <= number <= 99:
                raise ValueError(part)
            demand[service_id] = demand.get(service_id, 0) + number
    except ValueError as exc:
        raise DomainError(
            "invalid_services",
            _("Leistungen bitte als Liste „id:anzahl“ angeben, z. B. services=12:2,13:1."),
            status=422,
        ) from exc
    if not demand:
        raise DomainError(
            "no_services", _("Bitte wählen Sie mindestens eine Leistung aus."), status=422
        )
    return demand


def _demand(location: Location, value) -> dict[int, int]:
    if isinstance(value, str):
        demand = _parse_services(value)
    else:
        demand = {}
        for item in value:
            demand[item.service_id] = demand.get(item.service_id, 0) + item.count
    try:
        return common.normalize_demand(location, demand)
    except DomainError as exc:
        exc.status = 422
        raise


def _aware(dt: datetime, location: Location) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=catalogue.local_tz(location))
    return dt


def _appointment_out(appointment: Appointment) -> dict:
    return {
        "number": appointment.pk,
        "status": appointment.status,
        "status_label": str(appointment.get_status_display()),
        "start": appointment.start,
        "end": appointment.end,
        "location_id": appointment.location_id,
        "location": appointment.location.name,
        "services": [
            f"{i.count} × {i.service.name}" if i.count > 1 else i.service.name
            for i in appointment.items.select_related("service")
        ],
        "ticket_number": appointment.ticket_number,
    }


def _require_consent(consent: bool) -> None:
    if not consent:
        raise DomainError(
            "consent_required",
            _("Bitte stimmen Sie der Verarbeitung Ihrer Angaben zu."),
            status=422,
            errors=[{"field": "privacy_consent", "message": _("Zustimmung erforderlich.")}],
        )


def _rate_limit(request, location: Location) -> None:
    if not conf.rate_limits_enabled():
        return
    common.rate_limit_ip(
        client_ip(request),
        availability.location_setup(location).booking_policy.max_requests_per_ip_hour,
    )


# --------------------------------------------------------------------------- catalogue


@router.get("/locations", response=list[LocationOut], summary="Standorte mit Online-Terminen")
def list_locations(request: HttpRequest, municipality: str | None = None):
    qs = catalogue.public_locations()
    if municipality:
        qs = qs.filter(municipality__slug=municipality[:100])
    return [
        {
            "id": loc.id,
            "name": loc.name,
            "street": loc.street,
            "postal_code": loc.postal_code,
            "city": loc.city,
            "municipality_id": loc.municipality_id,
            "municipality": loc.municipality.name,
        }
        for loc in qs
    ]


@router.get("/services", response=list[ServiceOut], summary="Leistungen eines Standorts")
def list_services(request: HttpRequest, location_id: int = Query(..., ge=1, le=2**62)):
    location = _location(location_id)
    durations = catalogue.durations_at(location)
    return [
        {
            "id": s.id,
            "name": s.name,
            "leika_key": s.leika_key,
            "documents": s.documents,
            "fee_note": s.fee_note,
            "duration_minutes": durations.get(s.id, s.default_duration_minutes),
            "max_count": s.max_count,
        }
        for s in catalogue.services_at(location)
    ]


# --------------------------------------------------------------------------- availability


@router.get("/availability/days", response=DaysOut, summary="Nächste Tage mit freien Terminen")
def availability_days(
    request: HttpRequest,
    location_id: int = Query(..., ge=1, le=2**62),
    services: str = SERVICES_QUERY,
    limit: int = Query(5, ge=1, le=60),
):
    location = _location(location_id)
    return {"days": availability.next_days(location, _demand(location, services), limit)}


@router.get("/availability/slots", response=SlotsOut, summary="Freie Uhrzeiten eines Tages")
def availability_slots(
    request: HttpRequest,
    date: ApiDate,
    location_id: int = Query(..., ge=1, le=2**62),
    services: str = SERVICES_QUERY,
):
    location = _location(location_id)
    slots = availability.slots_on(location, _demand(location, services), date)
    return {
        "date": date,
        "slots": [{"start": s.start, "end": s.end, "capacity": s.capacity} for s in slots],
    }


@router.get("/availability/month", response=MonthOut, summary="Freie Termine je Tag eines Monats")
def availability_month(
    request: HttpRequest,
    year: int = Query(..., ge=2000, le=2100),
    month: int = Query(..., ge=1, le=12),
    location_id: int = Query(..., ge=1, le=2**62),
    services: str = SERVICES_QUERY,
):
    location = _location(location_id)
    counts = availability.month(location, _demand(location, services), year, month)
    return {
        "year": year,
        "month": month,
        "days": [{"date": d, "free_slots": n} for d, n in sorted(counts.items())],
    }


@router.get(
    "/availability/earliest",
    response=EarliestOut,
    summary="Frühester freier Termin an allen Standorten einer Kommune",
)
def availability_earliest(
    request: HttpRequest,
    municipality_id: int = Query(..., ge=1, le=2**62),
    services: str = SERVICES_QUERY,
):
    if not catalogue.public_location_list(municipality_id):
        raise NotFound("unknown_municipality", _("Für diese Kommune gibt es keine Online-Termine."))
    demand = _parse_services(services)
    found = availability.earliest_anywhere(municipality_id, demand)
    if found is None:
        raise NotFound("no_slot", _("Derzeit ist für diese Leistungen kein Termin frei."))
    location, slot = found
    return {
        "location_id": location.id,
        "location": location.name,
        "start": slot.start,
        "end": slot.end,
    }


# --------------------------------------------------------------------------- booking


@router.get("/altcha-challenge", response=ChallengeOut, summary="ALTCHA-Aufgabe (Proof of Work)")
def altcha_challenge(request: HttpRequest):
    return proof_of_work.create_challenge()


@router.post(
    "/holds",
    response={201: HoldOut, 202: QueuedOut},
    summary="Termin kurz reservieren",
    openapi_extra=ERRORS_HOLD,
)
def create_hold(request: HttpRequest, payload: HoldIn):
    location = _location(payload.location_id)
    demand = _demand(location, payload.services)
    replay_key = proof_of_work.check(payload.altcha)  # holds take slots, like bookings
    _rate_limit(request, location)
    outcome = waiting_room.slot_request(
        kind="hold",
        location=location,
        demand=demand,
        start=_aware(payload.start, location),
        replay_key=replay_key,  # marked used in the door's round trip
    )
    if outcome.result is None:
        return _queued(outcome)
    result = _served(outcome)
    return Status(
        201,
        {
            "hold_token": result["hold_token"],
            "start": result["start"],
            "end": result["end"],
            "expires_at": result["expires_at"],
            "arrival": outcome.arrival,
        },
    )


RETRY_AFTER_MS = 300


def _queued(outcome: waiting_room.Outcome):
    return Status(
        202,
        {
            "ticket": outcome.ticket,
            "position": outcome.position,
            "arrival": outcome.arrival,
            "retry_after_ms": RETRY_AFTER_MS,
            "detail": _(
                "Sie sind im Warteraum. Anfragen werden in der Reihenfolge ihres "
                "Eingangs bearbeitet."
            ),
        },
    )


def _served(outcome: waiting_room.Outcome) -> dict:
    """The served request's result; a refusal is raised as the problem it was."""
    result = outcome.result or {}
    if result.get("status") != 201:
        raise DomainError(
            result.get("code", "slot_taken"),
            result.get("detail", ""),
            status=result.get("status", 409),
            errors=result.get("errors") or [],
        )
    return result


def _book_direct(request: HttpRequest, payload: BookingIn):
    """A booking without a prior hold: through the slot's waiting room."""
    if payload.location_id is None or payload.start is None or not payload.services:
        raise DomainError(
            "missing_slot",
            _(
                "Bitte geben Sie eine Reservierung (hold_token) oder Standort, Beginn und "
                "Leistungen an."
            ),
            status=422,
        )
    location = _location(payload.location_id)
    demand: dict[int, int] = {}
    for item in payload.services:
        demand[item.service_id] = demand.get(item.service_id, 0) + item.count
    _rate_limit(request, location)
    replay_key = proof_of_work.check(payload.altcha)
    outcome = waiting_room.slot_request(
        kind="book",
        location=location,
        demand=demand,
        start=_aware(payload.start, location),
        name=payload.name,
        email=payload.email,
        phone=payload.phone,
        replay_key=replay_key,  # marked used in the door's round trip
    )
    if outcome.result is None:
        return _queued(outcome)
    if outcome.result.get("code") in common.DEMAND_ERRORS:
        outcome.result["status"] = 422
    result = _served(outcome)
    return Status(
        201,
        {
            "number": result["number"],
            "status": result["state"],
            "start": result["start"],
            "end": result["end"],
            "confirm_deadline": result["confirm_deadline"],
            "detail": _("Bitte bestätigen Sie den Termin über den Link in der E-Mail."),
            "arrival": outcome.arrival,
        },
    )


@router.post(
    "/bookings",
    response={201: BookingOut, 202: QueuedOut},
    summary="Termin buchen (aus Reservierung oder direkt); Bestätigung per E-Mail",
    openapi_extra=ERRORS_BOOKING,
)
def create_booking(request: HttpRequest, payload: BookingIn):
    _require_consent(payload.privacy_consent)
    if payload.hold_token:
        try:
            location = appointment_get_by_token(token=payload.hold_token).location
        except DomainError as exc:
            raise DomainError(
                "hold_expired",
                _("Ihre Reservierung ist abgelaufen. Bitte wählen Sie den Termin erneut aus."),
                status=410,
            ) from exc
        _rate_limit(request, location)
        proof_of_work.verify(payload.altcha)
        appointment, _token = booking.appointment_book(
            hold_token=payload.hold_token,
            name=payload.name,
            email=payload.email,
            phone=payload.phone,
        )
    else:
        return _book_direct(request, payload)
    return Status(
        201,
        {
            "number": appointment.pk,
            "status": appointment.status,
            "start": appointment.start,
            "end": appointment.end,
            "confirm_deadline": appointment.confirm_deadline,
            "detail": _("Bitte bestätigen Sie den Termin über den Link in der E-Mail."),
        },
    )


@router.get(
    "/queue/{ticket}",
    response=QueueStateOut,
    summary="Warteraum: Stand einer Anfrage",
    openapi_extra=_problems({404: "unknown_ticket (abgelaufen oder unbekannt)"}),
)
def queue_state(request: HttpRequest, ticket: str):
    outcome = waiting_room.ticket_poll(ticket=ticket)
    if outcome is None:
        raise NotFound("unknown_ticket", _("Diese Wartenummer ist unbekannt oder abgelaufen."))
    return {
        "state": "waiting" if outcome.result is None else "done",
        "position": outcome.position,
        "arrival": outcome.arrival,
        "retry_after_ms": RETRY_AFTER_MS,
        "result": outcome.result,
    }


@router.post(
    "/confirm",
    response=ConfirmOut,
    summary="Termin bestätigen (Link aus der E-Mail)",
    openapi_extra=ERRORS_CONFIRM,
)
def confirm(request: HttpRequest, payload: TokenIn):
    appointment, _token = booking.appointment_confirm(token=payload.token)
    return {
        "number": appointment.pk,
        "status": appointment.status,
        "start": appointment.start,
        "end": appointment.end,
    }


@router.get(
    "/appointments/{token}",
    response=CitizenAppointmentOut,
    summary="Termin ansehen",
    openapi_extra=ERRORS_PERSONAL,
)
def get_appointment(request: HttpRequest, token: str):
    appointment = appointment_get_by_token(token=token)
    if appointment.status == Appointment.Status.HELD:
        raise NotFound("not_found", _("Dieser Termin wurde nicht gefunden."))
    return _appointment_out(appointment)


@router.post(
    "/appointments/{token}/cancel",
    response=CitizenAppointmentOut,
    summary="Termin absagen",
    openapi_extra=ERRORS_CANCEL,
)
def cancel_appointment(request: HttpRequest, token: str):
    appointment = appointment_get_by_token(token=token)
    if appointment.status == Appointment.Status.HELD:
        raise NotFound("not_found", _("Dieser Termin wurde nicht gefunden."))
    booking.appointment_cancel(appointment=appointment)
    appointment.refresh_from_db()
    return _appointment_out(appointment)


@router.post(
    "/appointments/{token}/reschedule",
    response=CitizenAppointmentOut,
    summary="Termin verschieben",
    openapi_extra=ERRORS_RESCHEDULE,
)
def reschedule_appointment(request: HttpRequest, token: str, payload: RescheduleIn):
    appointment = appointment_get_by_token(token=token)
    if appointment.status == Appointment.Status.HELD:
        raise NotFound("not_found", _("Dieser Termin wurde nicht gefunden."))
    _rate_limit(request, appointment.location)
    booking.appointment_reschedule(
        appointment=appointment, start=_aware(payload.start, appointment.location)
    )
    booking.appointment_send_moved_mail(appointment=appointment, token=token)
    appointment.refresh_from_db()
    return _appointment_out(appointment)


# --------------------------------------------------------------------------- waiting list


def _time(value: str, field: str):
    try:
        hours, minutes = (int(p) for p in value.split(":"))
        return time(hours, minutes)
    except ValueError as exc:
        raise DomainError(
            "invalid_time",
            _("Ungültige Uhrzeit in „%(field)s“ (Format HH:MM).") % {"field": field},
            status=422,
        ) from exc


@router.post(
    "/waiting-list",
    response={201: WaitingListOut},
    summary="Im Terminagenten eintragen",
    openapi_extra=ERRORS_WAITING,
)
def waiting_list_create(request: HttpRequest, payload: WaitingListIn):
    _require_consent(payload.privacy_consent)
    municipality = catalogue.municipality_get(payload.municipality_id)
    if municipality is None:
        raise NotFound("unknown_municipality", _("Diese Kommune gibt es nicht."))
    locations = list(
        catalogue.public_locations(municipality).filter(id__in=payload.location_ids[:20])
    )
    if not locations:
        raise DomainError(
            "invalid_locations", _("Bitte wählen Sie mindestens einen Standort."), status=422
        )
    demand = _demand(locations[0], payload.services)
    common.rate_limit_ip(client_ip(request), 30, scope="waiting")
    proof_of_work.verify(payload.altcha)
    entry, _token = waiting_list.waiting_list_entry_create(
        municipality=municipality,
        locations=locations,
        demand=demand,
        date_from=payload.date_from,
        date_to=payload.date_to,
        weekdays=payload.weekdays,
        time_from=_time(payload.time_from, "time_from"),
        time_to=_time(payload.time_to, "time_to"),
        email=payload.email,
        name=payload.name,
    )
    return Status(
        201,
        {
            "status": entry.status,
            "detail": _("Bitte bestätigen Sie Ihre E-Mail-Adresse über den Link in der E-Mail."),
        },
    )


@router.post(
    "/waiting-list/{token}/confirm",
    response=WaitingListOut,
    summary="Eintrag bestätigen",
    openapi_extra=ERRORS_CONFIRM_ENTRY,
)
def waiting_list_confirm(request: HttpRequest, token: str):
    entry = waiting_list.waiting_list_entry_confirm(token=token)
    return {"status": entry.status, "detail": _("Ihr Eintrag ist aktiv.")}


@router.delete(
    "/waiting-list/{token}",
    response=WaitingListOut,
    summary="Vom Terminagenten abmelden",
    openapi_extra=ERRORS_PERSONAL,
)
def waiting_list_cancel(request: HttpRequest, token: str):
    entry = waiting_list.waiting_list_entry_cancel(token=token)
    return {"status": entry.status, "detail": _("Sie sind abgemeldet.")}


@router.post(
    "/offers/{token}/accept",
    response=CitizenAppointmentOut,
    summary="Angebot annehmen",
    openapi_extra=ERRORS_OFFER,
)
def offer_accept(request: HttpRequest, token: str):
    appointment, _token = waiting_list.waiting_list_offer_accept(token=token)
    return _appointment_out(appointment)


@router.post(
    "/offers/{token}/decline",
    response=OfferOut,
    summary="Angebot ablehnen",
    openapi_extra=ERRORS_PERSONAL,
)
def offer_decline(request: HttpRequest, token: str):
    offer = waiting_list.waiting_list_offer_decline(token=token)
    return {
        "status": offer.status,
        "start": offer.slot_start,
        "end": offer.slot_end,
        "deadline": offer.deadline,
    }
