"""The waiting room's door before Django (issue 18 point 2): a surge's losers in one script.

Once the index has shown a slot full, every further request for it is answered
"ausgebucht" by one Redis script (``services.waiting_room.door``). Through Django that
answer cost twice a ping's CPU – session, authentication, messages, CSRF, tenancy, URL
resolving and ninja's routing, none of which the answer needs. These views run on
:class:`rathaus.core.fastpath.FastPath` (``config/wsgi.py``), i.e. through the middleware that
shapes every answer (headers, language, host check, metrics), and answer:

* ``POST bookings`` (direct, without a hold) and ``POST holds`` for a slot the gate
  remembers sold out for that demand: 409 "ausgebucht" – or, in the same script and the
  order the API checks them, 429 (per-IP limit) or 400 (proof of work used before);
* ``GET queue/{ticket}`` for a ticket that has its answer already: 200 ``done``.

Each validates the body with the API's own schema and checks everything the API checks
before the door (consent, location, services, proof of work) in the same order; whatever
it cannot answer exactly as the API would – an invalid body, an unknown location, a
booking from a hold, a gate not known sold out, a ticket still waiting – it passes on
before it changed anything, and the API answers as before.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer
from pydantic import ValidationError

from rathaus.appointments import conf, proof_of_work
from rathaus.appointments.api import citizen
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.selectors import waiting_room as store
from rathaus.appointments.services import common, waiting_room
from rathaus.core.clientip import client_ip
from rathaus.core.fastpath import PassOn, Route
from rathaus.core.problems import DomainError, problem_response

PREFIX = "/api/v1/appointments/"
RENDERER = JSONRenderer()  # the API's renderer (config/api.py keeps ninja's default)


def _payload(request: HttpRequest, schema):
    """The body as the API's schema reads it; pass on anything the API would refuse."""
    if not (request.content_type or "").startswith("application/json"):
        raise PassOn
    try:
        return schema.model_validate(json.loads(request.body))
    except (ValueError, ValidationError):
        raise PassOn from None


def _location(location_id):
    location = catalogue.get_public_location(location_id)
    if location is None:
        raise PassOn
    return location


def _rate(request: HttpRequest, location) -> tuple[str, int]:
    """(per-IP counter key, limit) as ``citizen._rate_limit`` counts; ("", 0) when off."""
    if not conf.rate_limits_enabled():
        return "", 0
    ip = client_ip(request)
    limit = availability.location_setup(location).booking_policy.max_requests_per_ip_hour
    if not ip or limit <= 0:
        return "", 0
    return common.rate_limit_key(ip), limit


def _proof(altcha: str) -> str:
    try:
        return proof_of_work.check(altcha)
    except DomainError:
        raise PassOn from None  # the API answers it (after counting the per-IP limit)


def _answer(location, demand, start, replay_key, rate) -> HttpResponse:
    """The door's script; its refusal as the API's problem answer (pass on if not sold out)."""
    try:
        outcome = waiting_room.door(
            location=location,
            demand=demand,
            start=citizen._aware(start, location),
            replay_key=replay_key,
            rate_key=rate[0],
            rate_limit=rate[1],
        )
    except DomainError as exc:
        return problem_response(exc.status, exc.code, exc.message, errors=exc.errors)
    if outcome is None or outcome.result is None:
        raise PassOn
    result = outcome.result
    return problem_response(result["status"], result["code"], result["detail"])


def booking(request: HttpRequest, _tail: str) -> HttpResponse:
    """``POST bookings`` without a hold: checks in ``citizen.create_booking``'s order."""
    payload = _payload(request, citizen.BookingIn)
    if not payload.privacy_consent or payload.hold_token:
        raise PassOn
    if payload.location_id is None or payload.start is None or not payload.services:
        raise PassOn
    location = _location(payload.location_id)
    demand: dict[int, int] = {}
    for item in payload.services:
        demand[item.service_id] = demand.get(item.service_id, 0) + item.count
    rate = _rate(request, location)
    return _answer(location, demand, payload.start, _proof(payload.altcha), rate)


def hold(request: HttpRequest, _tail: str) -> HttpResponse:
    """``POST holds``: checks in ``citizen.create_hold``'s order."""
    payload = _payload(request, citizen.HoldIn)
    location = _location(payload.location_id)
    try:
        demand = citizen._demand(location, payload.services)
    except DomainError:
        raise PassOn from None
    replay_key = _proof(payload.altcha)
    return _answer(location, demand, payload.start, replay_key, _rate(request, location))


def queue(request: HttpRequest, ticket: str) -> HttpResponse:
    """``GET queue/{ticket}`` of an answered ticket: one read (a waiting one moves the queue
    on – that is the API's work)."""
    queues = store.queues()
    plain = ticket.isascii() and "/" not in ticket and 0 < len(ticket) <= 100
    if not plain or not isinstance(queues, store.RedisQueues):
        raise PassOn
    fields = queues.ticket(ticket)
    if not fields or "gate" not in fields or not fields.get("result"):
        raise PassOn
    data = {
        "state": "done",
        "position": 0,
        "arrival": int(fields.get("seq", 0)),
        "retry_after_ms": citizen.RETRY_AFTER_MS,
        "result": json.loads(fields["result"]),
    }
    out = citizen.QueueStateOut.model_validate(data).model_dump()
    content = RENDERER.render(request, out, response_status=200)
    return HttpResponse(content, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}")


ROUTES = [
    Route("POST", PREFIX + "bookings", booking, PREFIX + "bookings"),
    Route("POST", PREFIX + "holds", hold, PREFIX + "holds"),
    Route("GET", PREFIX + "queue/", queue, PREFIX + "queue/x"),
]


def routes() -> list[Route]:
    """The door's routes for ``FastPath`` – none without Redis (the door lives there)."""
    return ROUTES if conf.availability_index_in_redis() else []
