"""The waiting room: requests for one slot are served in arrival order.

When slots are released, thousands may ask for the same few times within a second. Without
a waiting room whoever's request the server happens to schedule first wins – which is what
ticket bots exploit – and every loser waits behind the winners' bookings for a "taken".

Every request that takes a slot out of the pool (web hold, API hold, API direct booking)
goes through :func:`slot_request`:

1. **sold out?** If the shared availability index shows every counter of the slot taken,
   the answer is "ausgebucht" at once – no queue, no booking path, no database;
2. **enter the gate** (one per location and start time): the request gets its arrival
   number. If nobody waits and nobody holds the gate, it holds it and books at once (the
   normal case: no extra wait, one Redis script more than before);
3. otherwise it **waits** with a ticket (answer 202 in the API, the waiting-room page on
   the web: position, updated without reload). Whoever holds the gate runs the waiting
   requests strictly in arrival order, checking the index before each: once the slot is
   full, every later one is answered "ausgebucht" from the index. The holder works for at
   most :data:`DRAIN_SECONDS` per request, then lets go; the next request or poll of that
   gate takes over, so the queue keeps moving while anybody waits.

Once the index has shown a slot full for a demand, the gate remembers it for a second
(``selectors.waiting_room.SOLD_OUT_MS``): a late arrival with that demand is answered
"ausgebucht" by the same Redis script that counts it, and the holder answers all such
waiting requests in one step – a surge's losers cost one round trip each.

Proof of work and the per-IP limit are checked before a request enters (one solved
challenge per place in the queue; the solution is marked used by the enter script itself);
the per-e-mail limit is checked when its turn comes (inside the booking service, as before).
The database constraint still decides every booking: the waiting room orders requests, it
never books on its own.
"""

from __future__ import annotations

import json
import time as _time
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.appointments import proof_of_work
from rathaus.appointments.models import new_token
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.selectors import waiting_room as store
from rathaus.appointments.services import booking, common
from rathaus.core.clock import now_or
from rathaus.core.models import Location
from rathaus.core.problems import DomainError

DRAIN_SECONDS = 0.25
MSG_SOLD_OUT = gettext_lazy("Diese Uhrzeit ist leider ausgebucht. Bitte wählen Sie eine andere.")
KINDS = ("hold", "book")


@dataclass(frozen=True)
class Outcome:
    """A request's answer: ``result`` once it was served (``{"status": 201, …}`` or a
    refusal ``{"status": 409, "code", "detail", "errors"}``), else its ``ticket`` and
    ``position`` in the queue. ``arrival``: its arrival number at the gate (0 if it never
    entered one)."""

    result: dict | None
    ticket: str = ""
    position: int = 0
    arrival: int = 0


def _sold_out() -> dict:
    return {"status": 409, "code": "slot_taken", "detail": str(MSG_SOLD_OUT), "errors": []}


def _refusal(exc: DomainError) -> dict:
    return {"status": exc.status, "code": exc.code, "detail": exc.message, "errors": exc.errors}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _serve(request: dict, now: datetime | None) -> dict:
    """Run one request (its turn has come): the hold or booking service; refusals as data."""
    location = catalogue.get_public_location(request["location_id"])
    if location is None:
        return _refusal(
            DomainError("unknown_location", _("Diesen Standort gibt es nicht."), status=404)
        )
    demand = {int(k): v for k, v in request["demand"].items()}
    start = datetime.fromisoformat(request["start"])
    try:
        if request["kind"] == "hold":
            hold, token = booking.appointment_hold(
                location=location, demand=demand, start=start, now=now
            )
            return {
                "status": 201,
                "hold_token": token,
                "start": _iso(hold.start),
                "end": _iso(hold.end),
                "expires_at": _iso(hold.hold_expires_at),
            }
        appointment, _token = booking.appointment_book_direct(
            location=location,
            demand=demand,
            start=start,
            name=request.get("name", ""),
            email=request.get("email", ""),
            phone=request.get("phone", ""),
            now=now,
        )
    except DomainError as exc:
        return _refusal(exc)
    return {
        "status": 201,
        "number": appointment.pk,
        "state": appointment.status,
        "start": _iso(appointment.start),
        "end": _iso(appointment.end),
        "confirm_deadline": _iso(appointment.confirm_deadline),
    }


def _request(data: str, person: str) -> dict:
    """A waiting request as it was asked: what it wants plus, for a direct booking, the
    personal data the store has just handed over (and deleted)."""
    request = json.loads(data)
    if person:
        request |= json.loads(person)
    return request


def _serve_queued(gate: str, request: dict) -> dict:
    """A waiting request's turn: "ausgebucht" from the index (and the gate marked sold out,
    so the rest of its queue is answered in one round trip), or the booking path."""
    location = catalogue.get_public_location(request["location_id"])
    demand = {int(k): v for k, v in request["demand"].items()}
    if location is not None and availability.sold_out(
        location, demand, datetime.fromisoformat(request["start"])
    ):
        store.queues().mark_sold_out(gate, store.demand_key(demand))
        return _sold_out()
    return _serve(request, None)


def drain(gate: str, owner: str = "", *, own_answered: bool = False) -> int:
    """Serve the gate's waiting requests in arrival order while this caller may hold the gate
    (at most :data:`DRAIN_SECONDS`); returns how many were served. Several callers may try
    at once: only one holds the gate, the others return 0 at once. ``own_answered``: the
    holder has just answered its own request (counted with the first step)."""
    owner = owner or new_token()[:16]
    queues = store.queues()
    deadline = _time.monotonic() + DRAIN_SECONDS
    served = 0
    answered, result = ("-" if own_answered else ""), ""
    sold_out = json.dumps(_sold_out())
    holding = own_answered
    try:
        while True:
            item = queues.take(gate, owner, answered, result, sold_out)
            if item is None:  # nobody waits: the script has let go of the gate already
                holding = False
                return served
            holding = True
            ticket, _seq, data, person = item
            outcome = _serve_queued(gate, _request(data, person)) if data else _sold_out()
            if outcome.get("code") == "slot_taken":
                queues.mark_full(gate)
            answered, result = ticket, json.dumps(outcome)
            served += 1
            if _time.monotonic() >= deadline:
                queues.take(gate, "", answered, result)  # record it, take nothing
                return served
    finally:
        if holding:  # time is up (or an error): let the next request or poll take over
            queues.release(gate, owner)


def slot_request(
    *,
    kind: str,
    location: Location,
    demand: dict[int, int],
    start: datetime,
    name: str = "",
    email: str = "",
    phone: str = "",
    replay_key: str = "",
    now: datetime | None = None,
) -> Outcome:
    """Ask for the slot at ``start`` through its gate (see the module text). The caller has
    checked the per-IP limit and verified the proof of work; ``replay_key``
    (``proof_of_work.check``) is marked used in the same round trip that counts the arrival
    ("" when the caller has marked it already). ``now`` (tests, demo) is passed to the
    booking service only when the request is served at once."""
    if kind not in KINDS:
        raise ValueError(kind)
    wish = {
        "kind": kind,
        "location_id": location.id,
        "demand": {str(k): v for k, v in demand.items()},
        "start": start.isoformat(),
    }
    person = {"name": name, "email": email, "phone": phone} if kind == "book" else {}
    gate = store.gate_of(location.id, int(start.timestamp()))
    owner, ticket = new_token()[:16], new_token()
    queues = store.queues()
    seq, state, full = queues.enter(
        gate,
        owner,
        ticket,
        json.dumps(wish),
        json.dumps(person) if person else "",
        replay_key=replay_key,
        demand_key=store.demand_key(demand),
    )
    if state == store.REPLAYED:
        raise proof_of_work.replayed()
    if state == store.SOLD_OUT:  # the index showed it full moments ago: one round trip
        return Outcome(_sold_out(), arrival=seq)
    slot = (location, demand, start)
    if state == store.GO:
        result = _serve_at_once(gate, owner, wish | person, slot=slot, full=full, now=now)
        return Outcome(result, arrival=seq)
    if _sold_out_from_index(gate, slot, now) and queues.answer(
        gate, ticket, json.dumps(_sold_out())
    ):  # never served: no booking path (a holder may have taken it meanwhile – and booked it)
        return Outcome(_sold_out(), arrival=seq)
    drain(gate)
    return ticket_outcome(ticket) or Outcome(None, ticket, 1, seq)


def door(
    *,
    location: Location,
    demand: dict[int, int],
    start: datetime,
    replay_key: str = "",
    rate_key: str = "",
    rate_limit: int = 0,
) -> Outcome | None:
    """The door before Django (``api/door.py``): while the gate remembers the slot sold out
    for this demand, the whole answer in one Redis script – per-IP count (``rate_key``,
    ``common.rate_limit_key``; raises 429 over ``rate_limit``), proof of work marked used
    (raises ``altcha_replayed``), arrival counted, "ausgebucht" – exactly what
    :func:`slot_request` answers such a request after its own checks. None, with nothing
    counted or marked, in every other case (no Redis, gate not known sold out): the request
    then goes through the API as before."""
    queues = store.queues()
    if not isinstance(queues, store.RedisQueues):
        return None
    gate = store.gate_of(location.id, int(start.timestamp()))
    seq, state = queues.door(
        gate,
        store.demand_key(demand),
        replay_key=replay_key,
        rate_key=rate_key,
        rate_limit=rate_limit,
    )
    if state == store.PASS:
        return None
    if state == store.LIMITED:
        raise common.too_many_requests()
    if state == store.REPLAYED:
        raise proof_of_work.replayed()
    return Outcome(_sold_out(), arrival=seq)


def _sold_out_from_index(gate: str, slot: tuple, now: datetime | None) -> bool:
    """Ask the index; when it shows the slot full, the gate remembers it for a moment."""
    location, demand, start = slot
    if not availability.sold_out(location, demand, start, now_or(now)):
        return False
    store.queues().mark_sold_out(gate, store.demand_key(demand))
    return True


def _serve_at_once(
    gate: str, owner: str, request: dict, *, slot: tuple, full: bool, now: datetime | None
) -> dict:
    """The request holds the gate: book (or hear "ausgebucht" from the index if a booking
    here was refused before), then serve whoever came meanwhile and let go."""
    try:
        if full and _sold_out_from_index(gate, slot, now):
            return _sold_out()
        result = _serve(request, now)
        if result.get("code") == "slot_taken":
            store.queues().mark_full(gate)
        return result
    finally:
        drain(gate, owner, own_answered=True)  # who came meanwhile; then let go


def ticket_outcome(ticket: str) -> Outcome | None:
    """The state of a waiting ticket (None: unknown or expired)."""
    state = store.ticket_state(ticket)
    if state is None:
        return None
    result = json.loads(state["result"]) if state["result"] else None
    return Outcome(result, ticket, state["position"], state["seq"])


def ticket_poll(*, ticket: str) -> Outcome | None:
    """A waiting citizen asks again: move the queue on if nobody holds the gate, then the
    ticket's state (one round trip when it has been answered already)."""
    fields = store.queues().ticket(ticket) if ticket and len(ticket) <= 100 else None
    if fields is None or "gate" not in fields:
        return None
    if fields.get("result"):
        return Outcome(json.loads(fields["result"]), ticket, 0, int(fields.get("seq", 0)))
    drain(fields["gate"])
    return ticket_outcome(ticket)
