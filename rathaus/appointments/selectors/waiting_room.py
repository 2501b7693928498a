"""The waiting room's queues: arrival order per slot, shared by every web process.

A *gate* is one start time at one location (``<location>:<epoch start>``). Every request
that wants to take that slot – a web hold, an API hold or direct booking – enters the gate
and gets an arrival number (``seq``, 1, 2, 3 … per gate). If nobody is queued and nobody
holds the gate, the request goes straight on (``go``: it holds the gate and runs its own
booking); otherwise it waits in the gate's queue with a ticket. Whoever holds the gate runs
the queued requests one after the other in arrival order (:mod:`services.waiting_room`).

Storage (Redis when the cache is django-redis; otherwise this process's memory – tests and
the single-process demo), every step one atomic Lua script:

* ``…appointments:wr:<gate>:seq`` – last arrival number; ``…:done`` – arrivals answered;
  ``…:q`` – list of waiting tickets, oldest first; ``…:lock`` – who holds the gate (a
  random owner id, expires after :data:`LOCK_MS` in case a process dies while holding it);
  ``…:soldout:<demand>`` – the availability index showed the slot full for this demand
  (services and counts: which counters qualify depends on them) less than
  :data:`SOLD_OUT_MS` ago: the door answers "ausgebucht" in the same script that counts the
  arrival, and the holder answers every waiting request with that demand at once (one
  round trip for the queue instead of one index read per request);
* ``…appointments:wrt:<ticket>`` – hash ``gate seq data person result dk`` of one request
  (``dk``: its demand, :func:`demand_key`).
  ``data`` is what it asks for (location, demand, start – the page's links need it while
  it waits); ``person`` its personal data (name, e-mail, phone of a direct booking), kept
  only while it waits: the script that hands the request to the holder deletes it, and
  an answer from the index deletes it too. Only a request nobody ever serves keeps it
  until its ticket expires (:data:`TICKET_SECONDS`).

The position shown to a waiting citizen is ``seq - done``: how many arrivals before them
(themselves included) have not been answered yet.
"""

from __future__ import annotations

import json
import threading
import time as _time

from django.core.cache import cache
from django_redis import get_redis_connection

from rathaus.appointments import conf
from rathaus.appointments.proof_of_work import REPLAY_SECONDS

LOCK_MS = 5000  # a holder renews it with every queued request it takes
# How long the index's "full" stands for the gate without asking the index again. A surge's
# losers hear "ausgebucht" with one Redis round trip; a place freed meanwhile (expired hold)
# shows at the door at most this much later – cancelled places return to the pool only
# after release_delay_minutes anyway.
SOLD_OUT_MS = 1000
GO, WAIT, SOLD_OUT, REPLAYED = "go", "wait", "sold_out", "replayed"
PASS, LIMITED = "pass", "limited"  # the door before Django: not sold out / per-IP limit hit
_STATES = {1: GO, 0: WAIT, 2: SOLD_OUT, -1: REPLAYED}
_DOOR_STATES = {0: PASS, 2: SOLD_OUT, -1: REPLAYED, 3: LIMITED}
RATE_SECONDS = 3700  # the per-IP counter's lifetime, as in ``services.common.rate_limit_ip``
TICKET_SECONDS = 600
GATE_SECONDS = 86400

# KEYS: seq q lock ticket full soldout(of this demand) replay done; ARGV: owner, lock ms,
# data, gate ttl, ticket ttl, ticket, gate, person, replay ttl ("0": no proof-of-work key to
# mark), demand key
_ENTER_LUA = """
if ARGV[9] ~= '0' and not redis.call('SET', KEYS[7], 1, 'NX', 'EX', ARGV[9]) then
  return {0, -1, 0}
end
local seq = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
if redis.call('EXISTS', KEYS[6]) == 1 then
  redis.call('INCR', KEYS[8])
  redis.call('EXPIRE', KEYS[8], ARGV[4])
  return {seq, 2, 1}
end
local full = redis.call('EXISTS', KEYS[5])
if redis.call('LLEN', KEYS[2]) == 0
   and redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {seq, 1, full}
end
redis.call('HSET', KEYS[4], 'seq', seq, 'data', ARGV[3], 'gate', ARGV[7], 'dk', ARGV[10])
if ARGV[8] ~= '' then redis.call('HSET', KEYS[4], 'person', ARGV[8]) end
redis.call('EXPIRE', KEYS[4], ARGV[5])
redis.call('RPUSH', KEYS[2], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return {seq, 0, full}
"""

# The door before Django (``api/door.py``): only while the gate is marked sold out for this
# demand does it count anything – the per-IP counter (as ``common.rate_limit_ip``: the same
# key, one-hour window), the proof of work's replay mark, the arrival number and its answer;
# otherwise it touches nothing and the request goes on through Django as before.
# KEYS: soldout(of this demand) replay seq done rate; ARGV: replay ttl ("0": no proof-of-work
# key), gate ttl, rate limit ("0": no per-IP limit), rate window ttl
_DOOR_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
if ARGV[3] ~= '0' then
  local count = redis.call('INCR', KEYS[5])
  if count == 1 then redis.call('EXPIRE', KEYS[5], ARGV[4]) end
  if count > tonumber(ARGV[3]) then return {0, 3} end
end
if ARGV[1] ~= '0' and not redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[1]) then
  return {0, -1}
end
local seq = redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[2])
redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[2])
return {seq, 2}
"""

# KEYS: lock q done; ARGV: owner ("" = only record the answer), lock ms, answered
# ("" = nothing to record, "-" = the holder's own request, else a ticket), its result,
# ticket key prefix, gate ttl, the "ausgebucht" answer for every waiting ticket whose
# demand is sold out at this gate, the gate's sold-out key prefix
_TAKE_LUA = """
if ARGV[3] ~= '' then
  redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], ARGV[6])
  if ARGV[3] ~= '-' then redis.call('HSET', ARGV[5] .. ARGV[3], 'result', ARGV[4]) end
end
if ARGV[1] == '' then return false end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  if redis.call('LLEN', KEYS[2]) == 0
     or not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return false
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
while true do
  local ticket = redis.call('LPOP', KEYS[2])
  if not ticket then
    redis.call('DEL', KEYS[1])
    return false
  end
  local key = ARGV[5] .. ticket
  local f = redis.call('HMGET', key, 'seq', 'data', 'result', 'person', 'dk')
  redis.call('HDEL', key, 'person')
  if not f[3] then
    if redis.call('EXISTS', ARGV[8] .. (f[5] or '')) == 0 then
      return {ticket, f[1] or '0', f[2] or '', f[4] or ''}
    end
    redis.call('HSET', key, 'result', ARGV[7])
    redis.call('INCR', KEYS[3])
  end
end
"""

# answer a waiting ticket only while it is still in the queue (not taken by a holder)
_ANSWER_LUA = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[3], 'result', ARGV[2])
redis.call('HDEL', KEYS[3], 'person')
return 1
"""

_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return redis.call('LLEN', KEYS[2])
"""


def gate_of(location_id: int, start_epoch: int) -> str:
    return f"{location_id}:{start_epoch}"


def demand_key(demand: dict) -> str:
    """``{service id: count}`` as a short stable text (``"12:2,13:1"``)."""
    return ",".join(f"{int(k)}:{v}" for k, v in sorted(demand.items(), key=lambda i: int(i[0])))


class RedisQueues:
    """The queues in Redis: shared by all web processes."""

    def __init__(self, client=None, prefix: str | None = None) -> None:
        """``client``/``prefix``: a redis-py client and key prefix (tests); by default the
        cache's connection and its key prefix."""
        self.client = client if client is not None else get_redis_connection("default")
        self.prefix = prefix if prefix is not None else cache.make_key("appointments:")
        self._enter = self.client.register_script(_ENTER_LUA)
        self._take = self.client.register_script(_TAKE_LUA)
        self._release = self.client.register_script(_RELEASE_LUA)
        self._answer = self.client.register_script(_ANSWER_LUA)
        self._door = self.client.register_script(_DOOR_LUA)

    def _gate(self, gate: str, part: str) -> str:
        return f"{self.prefix}wr:{gate}:{part}"

    def _ticket(self, ticket: str) -> str:
        return f"{self.prefix}wrt:{ticket}"

    def enter(
        self,
        gate: str,
        owner: str,
        ticket: str,
        data: str,
        person: str = "",
        *,
        replay_key: str = "",
        demand_key: str = "",
    ) -> tuple[int, str, bool]:
        """(arrival number, state, the gate was found full before) in one round trip.
        State: :data:`GO` (holds the gate now), :data:`WAIT` (queued with ``ticket``),
        :data:`SOLD_OUT` (the index showed the slot full moments ago: answered, counted as
        answered, nothing stored) or :data:`REPLAYED` (``replay_key``, the proof of work's
        key, was used before: not counted). ``person`` is stored only if the request waits."""
        keys = [
            self._gate(gate, "seq"),
            self._gate(gate, "q"),
            self._gate(gate, "lock"),
            self._ticket(ticket),
            self._gate(gate, "full"),
            self._gate(gate, f"soldout:{demand_key}"),
            cache.make_key(replay_key) if replay_key else self._gate(gate, "seq"),
            self._gate(gate, "done"),
        ]
        replay_ttl = REPLAY_SECONDS if replay_key else 0
        args = [owner, LOCK_MS, data, GATE_SECONDS, TICKET_SECONDS, ticket, gate, person]
        seq, state, full = self._enter(keys=keys, args=[*args, replay_ttl, demand_key])
        return int(seq), _STATES[int(state)], bool(full)

    def door(
        self,
        gate: str,
        demand_key: str,
        *,
        replay_key: str = "",
        rate_key: str = "",
        rate_limit: int = 0,
    ) -> tuple[int, str]:
        """The door before Django, one round trip: (arrival number, state). :data:`PASS`
        (the gate is not marked sold out for this demand: nothing counted, nothing marked),
        else – in the order the API checks them – :data:`LIMITED` (the per-IP counter
        ``rate_key``, a cache key without prefix, went over ``rate_limit``; 0 = no limit),
        :data:`REPLAYED` or :data:`SOLD_OUT` (arrival counted and answered, as
        :meth:`enter` does for the same request)."""
        seq_key = self._gate(gate, "seq")
        keys = [
            self._gate(gate, f"soldout:{demand_key}"),
            cache.make_key(replay_key) if replay_key else seq_key,
            seq_key,
            self._gate(gate, "done"),
            cache.make_key(rate_key) if rate_key else seq_key,
        ]
        args = [REPLAY_SECONDS if replay_key else 0, GATE_SECONDS, rate_limit, RATE_SECONDS]
        seq, state = self._door(keys=keys, args=args)
        return int(seq), _DOOR_STATES[int(state)]

    def take(
        self, gate: str, owner: str, answered: str = "", result: str = "", sold_out: str = ""
    ) -> tuple[str, int, str, str] | None:
        """Record the answer to ``answered`` ("-": the holder's own request), then the oldest
        waiting ticket (ticket, seq, data, person) if ``owner`` holds the gate or could take
        it – its personal data leave the store with it; None when nobody waits or someone
        else holds it. One round trip per served request. A waiting ticket whose demand is
        sold out at the gate (:meth:`mark_sold_out`) is answered ``sold_out`` in this same
        round trip (personal data deleted) and the next one is looked at; None when that
        empties the queue."""
        keys = [self._gate(gate, "lock"), self._gate(gate, "q"), self._gate(gate, "done")]
        args = [owner, LOCK_MS, answered, result, self._ticket(""), GATE_SECONDS, sold_out]
        args.append(self._gate(gate, "soldout:"))
        raw = self._take(keys=keys, args=args)
        if not raw:
            return None
        ticket, seq, data, person = (v.decode() if isinstance(v, bytes) else v for v in raw)
        return ticket, int(seq), data, person

    def release(self, gate: str, owner: str) -> int:
        keys = [self._gate(gate, "lock"), self._gate(gate, "q")]
        return int(self._release(keys=keys, args=[owner]))

    def answer(self, gate: str, ticket: str, result: str) -> bool:
        """Answer a waiting ticket outside the queue's order (sold out when it arrived) –
        only if it still waits: False when a holder has already taken it (it may be booking
        it right now; its answer then comes from the holder)."""
        keys = [self._gate(gate, "q"), self._gate(gate, "done"), self._ticket(ticket)]
        return bool(self._answer(keys=keys, args=[ticket, result, GATE_SECONDS]))

    def mark_full(self, gate: str) -> None:
        """From now on, requests at this gate ask the index before they book."""
        self.client.set(self._gate(gate, "full"), 1, ex=GATE_SECONDS)

    def mark_sold_out(self, gate: str, demand_key: str = "") -> None:
        """The index has just shown the slot full for this demand: for :data:`SOLD_OUT_MS`
        the door and the holder answer requests with this demand "ausgebucht" without asking
        it again."""
        self.client.set(self._gate(gate, f"soldout:{demand_key}"), 1, px=SOLD_OUT_MS)

    def ticket(self, ticket: str) -> dict | None:
        raw = self.client.hgetall(self._ticket(ticket))
        if not raw:
            return None
        return {k.decode(): v.decode() for k, v in raw.items()}

    def gate_done(self, gate: str) -> int:
        return int(self.client.get(self._gate(gate, "done")) or 0)


class LocalQueues:
    """The same operations in this process's memory (no Redis: tests, the SQLite demo)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq: dict[str, int] = {}
        self._done: dict[str, int] = {}
        self._queues: dict[str, list[str]] = {}
        self._holders: dict[str, tuple[str, float]] = {}
        self._tickets: dict[str, dict[str, str]] = {}
        self._full: set[str] = set()
        self._sold_out: dict[tuple[str, str], float] = {}

    def _holder(self, gate: str) -> str | None:
        holder = self._holders.get(gate)
        if holder is None or holder[1] < _time.monotonic():
            return None
        return holder[0]

    def _hold(self, gate: str, owner: str) -> None:
        self._holders[gate] = (owner, _time.monotonic() + LOCK_MS / 1000)

    def _is_sold_out(self, gate: str, demand_key: str) -> bool:
        return self._sold_out.get((gate, demand_key), 0.0) > _time.monotonic()

    def enter(
        self,
        gate: str,
        owner: str,
        ticket: str,
        data: str,
        person: str = "",
        *,
        replay_key: str = "",
        demand_key: str = "",
    ) -> tuple[int, str, bool]:
        with self._lock:
            if replay_key and not cache.add(replay_key, 1, REPLAY_SECONDS):
                return 0, REPLAYED, False
            seq = self._seq[gate] = self._seq.get(gate, 0) + 1
            if self._is_sold_out(gate, demand_key):
                self._done[gate] = self._done.get(gate, 0) + 1
                return seq, SOLD_OUT, True
            full = gate in self._full
            queue = self._queues.setdefault(gate, [])
            if not queue and self._holder(gate) is None:
                self._hold(gate, owner)
                return seq, GO, full
            self._tickets[ticket] = {"seq": str(seq), "data": data, "gate": gate}
            self._tickets[ticket]["dk"] = demand_key
            if person:
                self._tickets[ticket]["person"] = person
            queue.append(ticket)
            return seq, WAIT, full

    def take(
        self, gate: str, owner: str, answered: str = "", result: str = "", sold_out: str = ""
    ) -> tuple[str, int, str, str] | None:
        with self._lock:
            if answered:
                self._done[gate] = self._done.get(gate, 0) + 1
                if answered != "-":
                    self._tickets.setdefault(answered, {})["result"] = result
            if not owner:
                return None
            queue = self._queues.get(gate) or []
            holder = self._holder(gate)
            if holder != owner and (not queue or holder is not None):
                return None
            self._hold(gate, owner)
            while queue:
                ticket = queue.pop(0)
                fields = self._tickets.get(ticket, {})
                person = fields.pop("person", "")
                if "result" in fields:
                    continue
                if not self._is_sold_out(gate, fields.get("dk", "")):
                    return ticket, int(fields.get("seq", 0)), fields.get("data", ""), person
                fields["result"] = sold_out
                self._done[gate] = self._done.get(gate, 0) + 1
            self._holders.pop(gate, None)
            return None

    def release(self, gate: str, owner: str) -> int:
        with self._lock:
            if self._holder(gate) == owner:
                self._holders.pop(gate, None)
            return len(self._queues.get(gate) or [])

    def answer(self, gate: str, ticket: str, result: str) -> bool:
        with self._lock:
            queue = self._queues.get(gate) or []
            if ticket not in queue:
                return False
            queue.remove(ticket)
            self._done[gate] = self._done.get(gate, 0) + 1
            fields = self._tickets.setdefault(ticket, {})
            fields["result"] = result
            fields.pop("person", None)
            return True

    def mark_full(self, gate: str) -> None:
        with self._lock:
            self._full.add(gate)

    def mark_sold_out(self, gate: str, demand_key: str = "") -> None:
        with self._lock:
            self._sold_out[gate, demand_key] = _time.monotonic() + SOLD_OUT_MS / 1000

    def ticket(self, ticket: str) -> dict | None:
        with self._lock:
            fields = self._tickets.get(ticket)
            return dict(fields) if fields else None

    def gate_done(self, gate: str) -> int:
        with self._lock:
            return self._done.get(gate, 0)


_queues: RedisQueues | LocalQueues | None = None
_queues_lock = threading.Lock()


def queues() -> RedisQueues | LocalQueues:
    global _queues
    if _queues is None:
        with _queues_lock:
            if _queues is None:
                _queues = RedisQueues() if conf.availability_index_in_redis() else LocalQueues()
    return _queues


def reset() -> None:
    """Forget the store object (tests switch caches)."""
    global _queues
    _queues = None


def ticket_state(ticket: str) -> dict | None:
    """``{"seq", "position", "result"}`` of a ticket (result: the JSON answer or "");
    None if the ticket is unknown or expired."""
    if not ticket or len(ticket) > 100:
        return None
    fields = queues().ticket(ticket)
    if fields is None or "gate" not in fields:
        return None
    seq = int(fields.get("seq", 0))
    result = fields.get("result", "")
    position = 0 if result else max(1, seq - queues().gate_done(fields["gate"]))
    return {"seq": seq, "position": position, "result": result}


def ticket_slot(ticket: str) -> tuple[int, dict[int, int], str] | None:
    """(location id, demand, start ISO) a ticket asks for – for the page's links."""
    fields = queues().ticket(ticket) if ticket and len(ticket) <= 100 else None
    if not fields or not fields.get("data"):
        return None
    request = json.loads(fields["data"])
    return (
        request["location_id"],
        {int(k): v for k, v in request["demand"].items()},
        request["start"],
    )
