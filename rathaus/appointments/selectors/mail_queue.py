"""The citizens' e-mail queue in Redis: one list entry per e-mail, sent by a Celery worker
in batches.

Before, every booking published its own Celery task (kombu builds, serialises and sends a
message per booking: ~1 ms of the web process's CPU) and the worker paid Celery's per-task
cost and two ORM queries per e-mail. Now the booking's commit appends one line to a Redis
list (one script: one round trip, no message building). Only a push that finds no worker
awake (the ``awake`` key is missing) also publishes the drain task
(:func:`rathaus.appointments.tasks.send_queued_mails`); the draining worker keeps the key
alive while it works and waits up to :data:`LINGER_SECONDS` for more jobs before it lets go
(the same script checks that the queue is empty), so under load one task sends thousands
of e-mails and no wake-up is lost. The worker takes up to :data:`BATCH` jobs at a time,
loads their appointments with one query, builds the messages and hands them to one mail
connection.

Keys (the cache's prefix): ``…appointments:mailq`` – the waiting jobs, oldest first;
``…appointments:mailq:taken`` – jobs a worker has taken but not yet reported sent (a sorted
set, score = when taken); ``…appointments:mailq:awake`` – a worker drains the queue
(expires after :data:`AWAKE_MS` if it dies). Every step is one atomic Redis call, so two workers never take the
same job. A job taken by a worker that died is put back after :data:`RECOVER_SECONDS`
(checked by every drain and by the periodic task every minute): **exactly once** as long as
workers stop the normal way (a warm shutdown finishes its batch), **at least once** if one
is killed after handing a batch to the mail server and before reporting it (that batch is
sent again). A job is a JSON list ``[kind, appointment id, token, extra, base url, nonce]``;
the nonce keeps two equal jobs apart.

Without Redis and a broker (tests, the SQLite demo, inline tasks) the services queue one
Celery task per e-mail as before (:func:`enabled`).
"""

from __future__ import annotations

import json
import secrets
import threading
import time as _time
from collections.abc import Callable

from django.core.cache import cache
from django_redis import get_redis_connection

from rathaus.appointments import conf
from rathaus.appointments.selectors import redis_batch

BATCH = 100
RECOVER_SECONDS = 120
AWAKE_MS = 30_000  # longer than one drain run (mails.QUEUE_SECONDS)
LINGER_SECONDS = 1.0  # a drainer waits this long for more jobs before it lets go
POLL_SECONDS = 0.1

# append a job; 1 if no worker is awake (the caller publishes the drain task)
_PUSH_LUA = """
redis.call('RPUSH', KEYS[1], ARGV[1])
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""

# the drainer: stay awake, take up to ARGV[1] jobs
_TAKE_LUA = """
redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
local jobs = redis.call('LRANGE', KEYS[1], 0, ARGV[1] - 1)
if #jobs == 0 then return jobs end
redis.call('LTRIM', KEYS[1], #jobs, -1)
for _, job in ipairs(jobs) do redis.call('ZADD', KEYS[2], ARGV[2], job) end
return jobs
"""

# the drainer lets go only if nothing waits (else a push may have relied on it: go on)
_SLEEP_LUA = """
if redis.call('LLEN', KEYS[1]) > 0 then return 0 end
redis.call('DEL', KEYS[2])
return 1
"""

# jobs taken before ARGV[1] go back to the head of the queue (they are the oldest)
_RECOVER_LUA = """
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for i = #stale, 1, -1 do
  redis.call('LPUSH', KEYS[1], stale[i])
  redis.call('ZREM', KEYS[2], stale[i])
end
return #stale
"""


def enabled() -> bool:
    """Queue in Redis only where a worker reads the same Redis: cache in Redis and a broker."""
    return conf.availability_index_in_redis() and conf.celery_broker_configured()


def job(kind: str, appointment_id: int, token: str, extra: str, base_url: str) -> str:
    return json.dumps([kind, appointment_id, token, extra, base_url, secrets.token_hex(6)])


def job_fields(raw: str) -> tuple[str, int, str, str, str]:
    """(kind, appointment id, token, extra, base url) of a queued job."""
    kind, appointment_id, token, extra, base_url, _nonce = json.loads(raw)
    return kind, int(appointment_id), token, extra, base_url


class MailQueue:
    def __init__(self, client=None, prefix: str | None = None) -> None:
        """``client``/``prefix``: a redis-py client and key prefix (tests); by default the
        cache's connection and its key prefix."""
        self.client = client if client is not None else get_redis_connection("default")
        prefix = prefix if prefix is not None else cache.make_key("appointments:")
        self.queue_key, self.taken_key = f"{prefix}mailq", f"{prefix}mailq:taken"
        self.awake_key = f"{prefix}mailq:awake"
        self._push = self.client.register_script(_PUSH_LUA)
        self._take = self.client.register_script(_TAKE_LUA)
        self._sleep = self.client.register_script(_SLEEP_LUA)
        self._recover = self.client.register_script(_RECOVER_LUA)

    def push(self, raw: str) -> bool:
        """Append a job; True if no worker is awake (the caller then wakes one)."""
        return bool(self._push(keys=[self.queue_key, self.awake_key], args=[raw, AWAKE_MS]))

    def push_then(self, raw: str, wake: Callable[[], None]) -> None:
        """:meth:`push`, then ``wake()`` if no worker is awake. Inside
        :func:`redis_batch.together` the job is sent with the request's other scripts."""
        redis_batch.run(
            self._push,
            keys=[self.queue_key, self.awake_key],
            args=[raw, AWAKE_MS],
            then=lambda asleep: wake() if asleep else None,
        )

    def take(self, limit: int = BATCH, now: float | None = None) -> list[str]:
        """Up to ``limit`` of the oldest jobs, marked as taken (by this caller alone); the
        caller counts as awake from now on until it calls :meth:`sleep`."""
        now = _time.time() if now is None else now
        keys = [self.queue_key, self.taken_key, self.awake_key]
        raw = self._take(keys=keys, args=[limit, now, AWAKE_MS])
        return [v.decode() if isinstance(v, bytes) else v for v in raw]

    def sleep(self) -> bool:
        """Stop draining if the queue is empty (True); False: jobs wait, go on."""
        return bool(self._sleep(keys=[self.queue_key, self.awake_key]))

    def done(self, jobs: list[str]) -> None:
        """The jobs' e-mails were handed to the mail server: forget them."""
        if jobs:
            self.client.zrem(self.taken_key, *jobs)

    def recover(self, now: float | None = None) -> int:
        """Put jobs back that were taken more than :data:`RECOVER_SECONDS` ago (their worker
        died); returns how many."""
        now = _time.time() if now is None else now
        keys = [self.queue_key, self.taken_key]
        return int(self._recover(keys=keys, args=[now - RECOVER_SECONDS]))

    def waiting(self) -> int:
        return int(self.client.llen(self.queue_key))

    def taken(self) -> int:
        return int(self.client.zcard(self.taken_key))


_queue: MailQueue | None = None
_queue_lock = threading.Lock()


def queue() -> MailQueue:
    global _queue
    if _queue is None:
        with _queue_lock:
            if _queue is None:
                _queue = MailQueue()
    return _queue


def reset() -> None:
    """Forget the store object (tests switch caches)."""
    global _queue
    _queue = None
