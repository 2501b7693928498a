"""Conferences and forums: programme, speakers and places of a published process's events;
registration (ALTCHA, per-IP limit) with a personal token (header ``X-Registration-Token``)
that shows the status, cancels and — for a confirmed place, shortly before the start — gives
the join link through the town's video provider; the registration list for staff."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from rathaus.core import links
from rathaus.core.api.auth import staff_auth
from rathaus.core.problems import NotFound
from rathaus.participation import conf, protection, rules
from rathaus.participation.api.common import (
    ProblemOut,
    own_record,
    public_process_or_404,
    require_perm,
)
from rathaus.participation.models import Conference, Registration
from rathaus.participation.selectors import conferences as selectors
from rathaus.participation.services import conferences as services
from rathaus.participation.views.common import client_ip

router = Router()
REGISTRATION_HEADER = "HTTP_X_REGISTRATION_TOKEN"


class ConferenceOut(Schema):
    id: int
    process_id: int
    kind: str
    kind_label: str
    title: str
    summary: str
    starts_at: str
    ends_at: str
    place: str
    online: bool  # the join link is given to confirmed registrations shortly before the start
    programme: list[str]
    speakers: list[str]
    capacity: int
    free: int
    waiting: int
    documentation: str
    url: str


class RegistrationIn(Schema):
    name: Annotated[str, Field(max_length=300)]
    email: Annotated[str, Field(max_length=254)]
    organisation: Annotated[str, Field(max_length=300)] = ""
    consent: bool = False
    altcha: Annotated[str, Field(max_length=5000)] = ""


class RegistrationOut(Schema):
    conference_id: int
    status: str
    status_label: str
    waiting_position: int | None
    online_opens_at: str | None
    online_closes_at: str | None
    online_open_now: bool


class RegisteredOut(RegistrationOut):
    token: str
    personal_url: str


class JoinOut(Schema):
    url: str


class StaffRegistrationOut(Schema):
    name: str
    email: str
    organisation: str
    status: str
    status_label: str
    created_at: str


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _conference_out(conference: Conference, seats: selectors.Seats) -> dict:
    return {
        "id": conference.pk,
        "process_id": conference.process_id,
        "kind": conference.kind,
        "kind_label": conference.get_kind_display(),
        "title": conference.title,
        "summary": conference.summary,
        "starts_at": conference.starts_at.isoformat(),
        "ends_at": conference.ends_at.isoformat(),
        "place": conference.place,
        "online": conference.online,
        "programme": _lines(conference.programme),
        "speakers": _lines(conference.speakers),
        "capacity": seats.capacity,
        "free": seats.free,
        "waiting": seats.waiting,
        "documentation": conference.documentation,
        "url": f"{links.site_url()}/beteiligung/veranstaltung/{conference.pk}/",
    }


def _registration_out(registration: Registration) -> dict:
    access = services.online_access(registration=registration)
    return {
        "conference_id": registration.conference_id,
        "status": registration.status,
        "status_label": registration.get_status_display(),
        "waiting_position": selectors.waiting_position(registration),
        "online_opens_at": access.opens.isoformat() if access.opens else None,
        "online_closes_at": access.closes.isoformat() if access.closes else None,
        "online_open_now": access.usable,
    }


def _public_conference(conference_id) -> Conference:
    conference = selectors.public_conference(conference_id)
    if conference is None:
        raise NotFound("not_found", _("Diese Veranstaltung wurde nicht gefunden."))
    return conference


def _own_registration(request) -> Registration:
    return own_record(
        request,
        REGISTRATION_HEADER,
        selectors.registration_by_token,
        code="not_registered",
        message=_("Persönlicher Schlüssel der Anmeldung fehlt oder ist ungültig."),
    )


@router.get(
    "/processes/{process_id}/conferences",
    response=list[ConferenceOut],
    summary="Conferences and forums of a process",
)
def conference_list(request: HttpRequest, process_id: int):
    process = public_process_or_404(process_id)
    return [_conference_out(c, s) for c, s in selectors.conferences_of(process)]


@router.get("/conferences/{conference_id}", response=ConferenceOut, summary="One conference")
def conference_get(request: HttpRequest, conference_id: int):
    conference = _public_conference(conference_id)
    return _conference_out(conference, selectors.seats(conference))


@router.post(
    "/conferences/{conference_id}/registrations",
    response={201: RegisteredOut},
    summary="Register (ALTCHA); a place if one is free, else the waiting list",
)
def register(request: HttpRequest, conference_id: int, payload: RegistrationIn):
    conference = _public_conference(conference_id)
    protection.limit(client_ip(request), scope="register", per_hour=conf.join_limit_per_hour())
    protection.verify(payload.altcha)
    registration, token = services.registration_create(
        conference=conference,
        name=payload.name,
        email=payload.email,
        organisation=payload.organisation,
        consent=payload.consent,
    )
    return Status(
        201,
        {
            **_registration_out(registration),
            "token": token,
            "personal_url": f"{links.site_url()}/beteiligung/anmeldung/{token}/",
        },
    )


@router.get(
    "/registrations/me",
    response={200: RegistrationOut, 403: ProblemOut},
    summary="Own registration (header X-Registration-Token)",
)
def registration_get(request: HttpRequest):
    return _registration_out(_own_registration(request))


@router.delete(
    "/registrations/me",
    response={200: RegistrationOut, 403: ProblemOut},
    summary="Cancel (header X-Registration-Token); the first person waiting moves up",
)
def registration_cancel(request: HttpRequest):
    registration = _own_registration(request)
    services.registration_cancel(registration=registration)
    return _registration_out(selectors.registration_by_token(request.META[REGISTRATION_HEADER]))


@router.get(
    "/registrations/me/online",
    response={200: JoinOut, 403: ProblemOut},
    summary="Join link for a confirmed place, from shortly before the start (else 403/409)",
)
def registration_online(request: HttpRequest):
    registration = _own_registration(request)
    return {"url": services.registration_online_url(registration=registration)}


@router.get(
    "/staff/conferences/{conference_id}/registrations",
    response=list[StaffRegistrationOut],
    auth=staff_auth,
    summary="Registrations in the order they came in (participation.view_staff)",
)
def staff_registrations(request: HttpRequest, conference_id: int):
    require_perm(request, rules.PERM_VIEW)
    conference = selectors.staff_conference(request.user, conference_id)
    return [
        {
            "name": r.name,
            "email": r.email,
            "organisation": r.organisation,
            "status": r.status,
            "status_label": r.get_status_display(),
            "created_at": r.created_at.isoformat(),
        }
        for r in selectors.registrations_for_staff(conference)
    ]
