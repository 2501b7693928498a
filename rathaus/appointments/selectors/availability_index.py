"""The shared booking index: busy counter time per location and day, updated in place.

Before, every booking bumped a version and the next availability request of every web
process re-read the location's whole window (~50,000 rows) and rebuilt its index (p95
0.26–0.30 s). Now every write that changes a counter's busy time sends the new state of its
row to this index right after its commit, and a reader brings only the days whose version
changed up to date – from the day's change log, i.e. exactly the fields changed since its
copy, not the whole day; the combined per-counter lists are concatenated, never re-read from
the database.

Storage (Redis when the cache is django-redis, shared by every web process; otherwise a
process-local store with the same operations – tests and the single-process demo):

* hash ``…appointments:ix:<location>:<YYYYMMDD>`` (UTC date of the start): field =
  appointment id, value = ``"counter start end until stamp"`` in epoch seconds, ``until``
  = when the row stops occupying the counter (hold expiry, confirmation deadline, release
  after a cancellation, :data:`FOREVER`; 0 = no longer), ``stamp`` = microseconds when the
  change was made; field ``*`` marks a day that was built from the database;
* hash ``…appointments:ixv:<location>``: field day → version, incremented by every change;
* list ``…appointments:ixl:<location>:<YYYYMMDD>``: the day's change log, one entry per
  version (``version field value …`` separated by tabs: the fields that version set), the last
  :data:`LOG_CAP` kept; written by the same script as the day, emptied when the day is
  rebuilt or forgotten, and only kept for a built day – so a copy at version ``v`` plus the
  entries ``v+1 … current`` is exactly the day (:func:`sync_days`); a copy not covered
  reloads the whole day.

Consistency with the booking transaction:

1. A change is stamped inside its transaction (after the row lock) and written on commit
   (``transaction.on_commit``): a rolled-back change never reaches the index, and a store
   keeps, per appointment, the state with the newest stamp (arrival order does not matter).
2. Expiry needs no write: readers drop rows whose ``until`` has passed, so a hold frees its
   time exactly when it expires, in every process.
3. A day without the ``*`` marker (first use, Redis restarted or evicted it) is rebuilt
   from the database and merged: database rows replace fields stamped more than
   :data:`MERGE_MARGIN_S` before the read; younger fields may come from transactions the
   read did not see, so they stay.
4. Between a commit and its on-commit write (well under a millisecond) a just-taken slot
   may still look free; booking it then fails in the database (exclusion constraint or
   locked re-check, answer 409) – the index never decides a booking.
"""

from __future__ import annotations

import logging
import threading
import time as _time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import chain

from django.core.cache import cache
from django_redis import get_redis_connection

from rathaus.appointments import conf
from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import redis_batch
from rathaus.engines import availability as engine

log = logging.getLogger(__name__)
S = Appointment.Status

FOREVER = 2**40  # "until" of rows that occupy their time for good (confirmed, served, …)
MERGE_MARGIN_S = 60  # longer than any booking transaction (between its stamp and its commit)
_MARKER = "*"
LOG_CAP = 64  # change-log entries kept per day; a copy further behind reloads the day
_OCCUPYING = (S.CONFIRMED, S.CHECKED_IN, S.CALLED, S.SERVED, S.NO_SHOW)
_INDEXED = (*_OCCUPYING, S.HELD, S.PENDING, S.CANCELLED)


# --------------------------------------------------------------------------- rows


def day_key(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%d")


def _epoch(value: datetime | None) -> int:
    return int(value.timestamp()) if value is not None else 0


def until_of(status: str, hold_expires_at, confirm_deadline, pool_release_at) -> int:
    """Until when a row occupies its counter (epoch seconds; 0 = not at all) – the same
    rule as ``availability.blocking_q``, as a time instead of a filter."""
    if status in _OCCUPYING:
        return FOREVER
    if status == S.HELD:
        return _epoch(hold_expires_at)
    if status == S.PENDING:
        return _epoch(confirm_deadline)
    if status == S.CANCELLED:
        return _epoch(pool_release_at)
    return 0


_stamp_lock = threading.Lock()
_last_stamp = 0


def new_stamp() -> int:
    """Microseconds, strictly increasing within the process (Lua numbers are doubles:
    microseconds stay exact, nanoseconds would not)."""
    global _last_stamp
    with _stamp_lock:
        _last_stamp = max(_last_stamp + 1, _time.time_ns() // 1000)
        return _last_stamp


@dataclass(frozen=True)
class Change:
    """The new state of one appointment in one day's hash (``until`` 0 = gone)."""

    day: str
    field: str
    value: str
    stamp: int


def changes_for(
    *,
    appointment_id: int,
    counter_id: int | None,
    start: datetime,
    end: datetime,
    until: int,
    old_start: datetime | None = None,
) -> list[Change]:
    """The index writes for one appointment's new state (and its old day after a move)."""
    stamp = new_stamp()
    field = str(appointment_id)
    if counter_id is None:
        until = 0
    value = f"{counter_id or 0} {_epoch(start)} {_epoch(end)} {until} {stamp}"
    out = [Change(day_key(start), field, value, stamp)]
    if old_start is not None and day_key(old_start) != out[0].day:
        out.append(Change(day_key(old_start), field, f"0 0 0 0 {stamp}", stamp))
    return out


@dataclass(frozen=True)
class Synced:
    """What a copy of a day needs: ``kind`` "d" = the change-log entries after it (each
    ``version field value …``, tab-separated), "f" = the whole day (field, value, field, value, …),
    "m" = the day is not built (rebuild it from the database); ``version`` = the day's."""

    version: int
    kind: str
    items: list[str]


def _row_value(counter_id, start, end, until, stamp) -> str:
    return f"{counter_id} {start} {end} {until} {stamp}"


# --------------------------------------------------------------------------- stores

_WRITE_LUA = """
local changed = 0
local now = tonumber(ARGV[3])
local taken, freed, applied = {}, {}, {}
for i = 4, #ARGV, 3 do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  if (not cur) or tonumber(string.match(cur, '(%d+)$')) < tonumber(ARGV[i + 2]) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    changed = 1
    applied[#applied + 1] = ARGV[i] .. '\t' .. ARGV[i + 1]
    local nc, ns, ne, nu = string.match(ARGV[i + 1], '^(%d+) (%d+) (%d+) (%d+)')
    ns, ne, nu = tonumber(ns), tonumber(ne), tonumber(nu)
    local same = false
    if cur then
      local oc, os, oe, ou = string.match(cur, '^(%d+) (%d+) (%d+) (%d+)')
      os, oe, ou = tonumber(os), tonumber(oe), tonumber(ou)
      if ou > now then
        same = nu > now and oc == nc and os == ns and oe == ne
        if not same then freed[#freed + 1] = os end
      end
    end
    if nu > now and not same then taken[#taken + 1] = {ns, ne} end
  end
end
if changed == 1 then
  local version = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  if redis.call('HEXISTS', KEYS[1], '*') == 1 then
    redis.call('RPUSH', KEYS[4], version .. '\t' .. table.concat(applied, '\t'))
    redis.call('LTRIM', KEYS[4], -LOG_CAP, -1)
    redis.call('EXPIRE', KEYS[4], ARGV[2])
  else
    redis.call('DEL', KEYS[4])
  end
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], 7776000)
  redis.call('HINCRBY', KEYS[3], '#', 1)
  redis.call('EXPIRE', KEYS[3], 86400)
  local entries = redis.call('HGETALL', KEYS[3])
  for j = 1, #entries, 2 do
    if entries[j] ~= '#' then
      local es, ee = string.match(entries[j + 1], '^(%d+) (%d+)')
      es, ee = tonumber(es), tonumber(ee)
      local drop = es == 0 and #freed > 0
      for _, t in ipairs(taken) do
        if es > 0 and t[1] < ee and t[2] > es then drop = true end
      end
      for _, f in ipairs(freed) do
        if es > 0 and f < ee then drop = true end
      end
      if drop then redis.call('HDEL', KEYS[3], entries[j]) end
    end
  end
end
return changed
"""

_CLEAR_EARLIEST_LUA = """
local gen = tonumber(redis.call('HGET', KEYS[1], '#') or '0')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '#', gen + 1)
redis.call('EXPIRE', KEYS[1], 86400)
return gen + 1
"""

_PUT_EARLIEST_LUA = """
if (redis.call('HGET', KEYS[1], '#') or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], 86400)
return 1
"""

_MERGE_LUA = """
local fresh = {}
for i = 5, #ARGV, 2 do fresh[ARGV[i]] = ARGV[i + 1] end
local limit = tonumber(ARGV[4])
local cur = redis.call('HGETALL', KEYS[1])
for i = 1, #cur, 2 do
  local f = cur[i]
  if f ~= '*' then
    if tonumber(string.match(cur[i + 1], '(%d+)$')) >= limit then
      fresh[f] = nil
    elseif not fresh[f] then
      redis.call('HDEL', KEYS[1], f)
    end
  end
end
for f, v in pairs(fresh) do redis.call('HSET', KEYS[1], f, v) end
redis.call('HSET', KEYS[1], '*', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], 7776000)
redis.call('DEL', KEYS[4])
local gen = tonumber(redis.call('HGET', KEYS[3], '#') or '0')
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[3], '#', gen + 1)
redis.call('EXPIRE', KEYS[3], 86400)
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
"""

_SYNC_LUA = """
local out = {}
for i = 1, #ARGV, 2 do
  local day, have = ARGV[i], tonumber(ARGV[i + 1])
  local day_key, log_key = KEYS[i + 1], KEYS[i + 2]
  local version = tonumber(redis.call('HGET', KEYS[1], day) or '0')
  local part = {version}
  if redis.call('HEXISTS', day_key, '*') == 0 then
    part[2] = 'm'
  else
    local behind = version - have
    if have >= 0 and behind >= 0 and behind <= LOG_CAP then
      local log = {}
      if behind > 0 then log = redis.call('LRANGE', log_key, -behind, -1) end
      if behind == 0 or (#log == behind and tonumber(string.match(log[1], '^(%d+)')) == have + 1) then
        part[2] = 'd'
        for _, entry in ipairs(log) do part[#part + 1] = entry end
      end
    end
    if not part[2] then
      part[2] = 'f'
      for _, item in ipairs(redis.call('HGETALL', day_key)) do part[#part + 1] = item end
    end
  end
  out[#out + 1] = part
end
return out
"""


def _stamp_of(value: str) -> int:
    return int(value.rsplit(" ", 1)[1])


def _ttl(day: str) -> int:
    """A day's hash lives until two days after the day (the window starts a day back)."""
    end = datetime.strptime(day, "%Y%m%d").replace(tzinfo=UTC) + timedelta(days=3)
    return max(60, int(end.timestamp() - _time.time()))


def _interval(value: str) -> tuple[str, int, int, int]:
    counter, start, end, until = value.split(" ")[:4]
    return counter, int(start), int(end), int(until)


def _moved_time(old: str | None, new: str, now: int) -> tuple[tuple[int, int] | None, int | None]:
    """What a write did to its counter's time: (taken interval, start of freed time) – the
    same rule as the Lua write script."""
    nc, ns, ne, nu = _interval(new)
    same = False
    freed = None
    if old is not None:
        oc, os_, oe, ou = _interval(old)
        if ou > now:
            same = nu > now and (oc, os_, oe) == (nc, ns, ne)
            if not same:
                freed = os_
    taken = (ns, ne) if nu > now and not same else None
    return taken, freed


def _earliest_outdated(entry: str, taken: list[tuple[int, int]], freed: list[int]) -> bool:
    """Does a change make a stored earliest slot wrong? Time taken that overlaps the slot,
    or time freed that starts before the slot ends (an earlier slot may exist now); for
    "nothing free" (start 0) any freed time."""
    start, end = (int(x) for x in entry.split(" ")[:2])
    if start == 0:
        return bool(freed)
    return any(s < end and e > start for s, e in taken) or any(f < end for f in freed)


class RedisStore:
    """The index in Redis: shared by all web processes; writes are Lua scripts (atomic)."""

    def __init__(self, client=None, prefix: str | None = None) -> None:
        """``client``/``prefix``: a redis-py client and key prefix (tests); by default the
        cache's connection and its key prefix."""
        self.client = client if client is not None else get_redis_connection("default")
        self.prefix = prefix if prefix is not None else cache.make_key("appointments:")
        self._write = self.client.register_script(_WRITE_LUA.replace("LOG_CAP", str(LOG_CAP)))
        self._merge = self.client.register_script(_MERGE_LUA)
        self._sync = self.client.register_script(_SYNC_LUA.replace("LOG_CAP", str(LOG_CAP)))
        self._clear_earliest = self.client.register_script(_CLEAR_EARLIEST_LUA)
        self._put_earliest = self.client.register_script(_PUT_EARLIEST_LUA)

    def _day_key(self, location_id: int, day: str) -> str:
        return f"{self.prefix}ix:{location_id}:{day}"

    def _version_key(self, location_id: int) -> str:
        return f"{self.prefix}ixv:{location_id}"

    def _earliest_key(self, location_id: int) -> str:
        return f"{self.prefix}ixe:{location_id}"

    def _log_key(self, location_id: int, day: str) -> str:
        return f"{self.prefix}ixl:{location_id}:{day}"

    def write(
        self,
        location_id: int,
        changes: Iterable[Change],
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """``failed``: called with the error if the write of a single day, which may be sent
        later (:mod:`redis_batch`), fails; other errors are raised."""
        by_day: dict[str, list] = {}
        for c in changes:
            by_day.setdefault(c.day, []).extend((c.field, c.value, c.stamp))
        now = int(_time.time())
        calls = [
            (
                [
                    self._day_key(location_id, day),
                    self._version_key(location_id),
                    self._earliest_key(location_id),
                    self._log_key(location_id, day),
                ],
                [day, _ttl(day), now, *args],
            )
            for day, args in by_day.items()
        ]
        if len(calls) == 1:  # a booking: one EVALSHA, sent with the booking's other scripts
            redis_batch.run(self._write, keys=calls[0][0], args=calls[0][1], failed=failed)
            return
        pipe = self.client.pipeline(transaction=False)
        for keys, args in calls:
            self._write(keys=keys, args=args, client=pipe)
        pipe.execute()

    def earliest_get(
        self, location_ids: list[int], demand: str
    ) -> dict[int, tuple[str, str | None]]:
        pipe = self.client.pipeline(transaction=False)
        for location_id in location_ids:
            pipe.hmget(self._earliest_key(location_id), "#", demand)
        return {
            location_id: ((gen or b"0").decode(), value.decode() if value else None)
            for location_id, (gen, value) in zip(location_ids, pipe.execute(), strict=True)
        }

    def earliest_put(self, location_id: int, demand: str, gen: str, value: str) -> bool:
        keys = [self._earliest_key(location_id)]
        return bool(self._put_earliest(keys=keys, args=[gen, demand, value]))

    def earliest_clear(self, location_id: int) -> None:
        self._clear_earliest(keys=[self._earliest_key(location_id)])

    def versions(self, location_ids: list[int]) -> dict[int, dict[str, int]]:
        pipe = self.client.pipeline(transaction=False)
        for location_id in location_ids:
            pipe.hgetall(self._version_key(location_id))
        return {
            location_id: {k.decode(): int(v) for k, v in raw.items()}
            for location_id, raw in zip(location_ids, pipe.execute(), strict=True)
        }

    def days(self, location_id: int, days: list[str]) -> dict[str, dict[str, str] | None]:
        pipe = self.client.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(self._day_key(location_id, day))
        out: dict[str, dict[str, str] | None] = {}
        for day, raw in zip(days, pipe.execute(), strict=True):
            fields = {k.decode(): v.decode() for k, v in raw.items()}
            out[day] = fields if _MARKER in fields else None
        return out

    def merge(self, location_id: int, day: str, fields: dict[str, str], stamp: int) -> int:
        keys = [
            self._day_key(location_id, day),
            self._version_key(location_id),
            self._earliest_key(location_id),
            self._log_key(location_id, day),
        ]
        limit = stamp - MERGE_MARGIN_S * 1_000_000
        args = [day, _ttl(day), stamp, limit, *chain.from_iterable(fields.items())]
        return int(self._merge(keys=keys, args=args))

    def sync(self, location_id: int, have: dict[str, int]) -> dict[str, Synced]:
        """Per day what a copy at version ``have[day]`` (-1 = none) needs, read atomically:
        the change-log entries after it, or the whole day, or "missing"."""
        keys = [self._version_key(location_id)]
        args: list = []
        for day, version in have.items():
            keys += [self._day_key(location_id, day), self._log_key(location_id, day)]
            args += [day, version]
        out = {}
        for day, (version, kind, *items) in zip(
            have, self._sync(keys=keys, args=args), strict=True
        ):
            out[day] = Synced(int(version), kind.decode(), [x.decode() for x in items])
        return out

    def forget(self, location_id: int) -> None:
        # bump every day's version too, so that no process keeps its copy of a dropped day
        version_key = self._version_key(location_id)
        pipe = self.client.pipeline(transaction=True)
        for day in self.client.hkeys(version_key):
            pipe.delete(self._day_key(location_id, day.decode()))
            pipe.delete(self._log_key(location_id, day.decode()))
            pipe.hincrby(version_key, day, 1)
        pipe.execute()
        self.earliest_clear(location_id)


class LocalStore:
    """The same operations in this process's memory (no Redis: tests, the SQLite demo)."""

    def __init__(self) -> None:
        self._days: dict[tuple[int, str], dict[str, str]] = {}
        self._versions: dict[int, dict[str, int]] = {}
        self._earliest: dict[int, dict[str, str]] = {}
        self._logs: dict[tuple[int, str], list[str]] = {}
        self._lock = threading.Lock()

    def write(self, location_id: int, changes: Iterable[Change], failed=None) -> None:
        now = int(_time.time())
        by_day: dict[str, list[Change]] = {}
        for c in changes:
            by_day.setdefault(c.day, []).append(c)
        with self._lock:
            taken: list[tuple[int, int]] = []
            freed: list[int] = []
            for day, day_changes in by_day.items():
                self._write_day_locked(location_id, day, day_changes, now, (taken, freed))
            entries = self._earliest.get(location_id, {})
            for demand in [d for d in entries if d != "#"]:
                if _earliest_outdated(entries[demand], taken, freed):
                    del entries[demand]

    def _write_day_locked(self, location_id, day, changes, now, moved) -> None:
        """One day's part of a write, as the Lua script: newest stamp wins, one version and
        one change-log entry per day (the log only extends a day that was built)."""
        fields = self._days.setdefault((location_id, day), {})
        applied = []
        for c in changes:
            current = fields.get(c.field)
            if current is None or _stamp_of(current) < c.stamp:
                fields[c.field] = c.value
                applied += [c.field, c.value]
                took, freed_at = _moved_time(current, c.value, now)
                moved[0].extend([took] if took else [])
                moved[1].extend([freed_at] if freed_at is not None else [])
        if not applied:
            return
        versions = self._versions.setdefault(location_id, {})
        versions[day] = version = versions.get(day, 0) + 1
        if _MARKER in fields:
            log = self._logs.setdefault((location_id, day), [])
            log.append("\t".join([str(version), *applied]))
            del log[:-LOG_CAP]
        else:
            self._logs.pop((location_id, day), None)
        entries = self._earliest.setdefault(location_id, {})
        entries["#"] = str(int(entries.get("#", "0")) + 1)

    def sync(self, location_id: int, have: dict[str, int]) -> dict[str, Synced]:
        with self._lock:
            versions = self._versions.get(location_id, {})
            return {
                day: self._sync_day_locked(location_id, day, versions.get(day, 0), version)
                for day, version in have.items()
            }

    def _sync_day_locked(self, location_id: int, day: str, version: int, have: int) -> Synced:
        fields = self._days.get((location_id, day))
        if not fields or _MARKER not in fields:
            return Synced(version, "m", [])
        behind = version - have
        if have >= 0 and 0 <= behind <= LOG_CAP:
            log = self._logs.get((location_id, day), [])[-behind:] if behind else []
            if len(log) == behind and (not log or int(log[0].split("\t", 1)[0]) == have + 1):
                return Synced(version, "d", list(log))
        return Synced(version, "f", list(chain.from_iterable(fields.items())))

    def earliest_get(
        self, location_ids: list[int], demand: str
    ) -> dict[int, tuple[str, str | None]]:
        with self._lock:
            out = {}
            for location_id in location_ids:
                entries = self._earliest.get(location_id, {})
                out[location_id] = (entries.get("#", "0"), entries.get(demand))
            return out

    def earliest_put(self, location_id: int, demand: str, gen: str, value: str) -> bool:
        with self._lock:
            entries = self._earliest.setdefault(location_id, {})
            if entries.get("#", "0") != gen:
                return False
            entries[demand] = value
            return True

    def earliest_clear(self, location_id: int) -> None:
        with self._lock:
            self._clear_earliest_locked(location_id)

    def _clear_earliest_locked(self, location_id: int) -> None:
        gen = int(self._earliest.get(location_id, {}).get("#", "0"))
        self._earliest[location_id] = {"#": str(gen + 1)}

    def versions(self, location_ids: list[int]) -> dict[int, dict[str, int]]:
        with self._lock:
            return {i: dict(self._versions.get(i, {})) for i in location_ids}

    def days(self, location_id: int, days: list[str]) -> dict[str, dict[str, str] | None]:
        with self._lock:
            out: dict[str, dict[str, str] | None] = {}
            for day in days:
                fields = self._days.get((location_id, day))
                out[day] = dict(fields) if fields and _MARKER in fields else None
            return out

    def merge(self, location_id: int, day: str, fields: dict[str, str], stamp: int) -> int:
        limit = stamp - MERGE_MARGIN_S * 1_000_000
        with self._lock:
            current = self._days.setdefault((location_id, day), {})
            for name, value in list(current.items()):
                if name == _MARKER:
                    continue
                if _stamp_of(value) >= limit:
                    continue  # a younger write wins over the database read
                if name not in fields:
                    del current[name]
            for name, value in fields.items():
                if name not in current or _stamp_of(current[name]) < limit:
                    current[name] = value
            current[_MARKER] = str(stamp)
            self._logs.pop((location_id, day), None)
            self._clear_earliest_locked(location_id)
            versions = self._versions.setdefault(location_id, {})
            versions[day] = versions.get(day, 0) + 1
            return versions[day]

    def forget(self, location_id: int) -> None:
        with self._lock:
            versions = self._versions.setdefault(location_id, {})
            for key in [k for k in self._days if k[0] == location_id]:
                del self._days[key]
                self._logs.pop(key, None)
                versions[key[1]] = versions.get(key[1], 0) + 1
            self._clear_earliest_locked(location_id)


_store: RedisStore | LocalStore | None = None
_store_lock = threading.Lock()


def store() -> RedisStore | LocalStore:
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                _store = RedisStore() if conf.availability_index_in_redis() else LocalStore()
    return _store


def write(location_id: int, changes: list[Change]) -> None:
    """Apply changes (called on commit). A failure is logged, never raised after a commit:
    the day then shows the old state until the periodic refresh rebuilds it."""

    def failed(exc: Exception) -> None:
        log.warning("availability index write failed (location %s)", location_id, exc_info=exc)
        _forget_quietly(location_id)

    try:
        store().write(location_id, changes, failed)
    except Exception as exc:  # noqa: BLE001 - the booking is committed; the index is only a view
        failed(exc)


def _forget_quietly(location_id: int) -> None:
    try:
        store().forget(location_id)
    except Exception:  # noqa: BLE001 - see write()
        log.warning("availability index: could not forget location %s", location_id)


def forget(location_id: int) -> None:
    """Drop a location's days (rows written around the services, e.g. a bulk load): the
    next read rebuilds them from the database."""
    store().forget(location_id)
    with _cache_lock:
        for key in [k for k in _day_cache if k[0] == location_id]:
            del _day_cache[key]
        _combined.pop(location_id, None)
        _joined.pop(location_id, None)


# --------------------------------------------------------------------------- reading

Row = tuple[int, int, int, int]  # (start, end, until, stamp) of one field


@dataclass(frozen=True, eq=False)  # compared by identity: "the same cached day"
class _Day:
    """A process's copy of one day: every field (gone ones too, for the newest-stamp rule)
    grouped by counter, and per counter the busy lists of the rows that still occupy."""

    version: int
    rows: dict[int, dict[str, Row]]  # counter → field → row
    owner: dict[str, int]  # field → counter
    per_counter: dict[int, tuple[list[int], list[int]]]  # (starts, ends), ordered
    untils: dict[int, int]  # per counter the first ``until`` of its busy rows
    valid_until: int  # epoch s: the first ``until`` after the time per_counter was made for
    spans: dict[int, int]  # per counter the longest busy row (s), for results per local day


@dataclass(frozen=True, eq=False)
class Window:
    """A location's booking index for a window and the day copies it was joined from
    (UTC day ``YYYYMMDD`` → copy); ``longest`` = the longest busy row in it (s)."""

    index: engine.BookingIndex
    days: dict[str, _Day]
    valid_until: int
    longest: int

    def parts_touching(self, start: int, end: int) -> tuple[_Day | None, ...]:
        """The copies of every UTC day that can hold a row overlapping [start, end) (rows
        are filed under the UTC day of their start; None = a day outside the window).
        The same objects mean the same busy intervals there: copies are never changed."""
        first = datetime.fromtimestamp(start - self.longest, UTC).date()
        last = datetime.fromtimestamp(max(start, end - 1), UTC).date()
        return tuple(
            self.days.get((first + timedelta(days=n)).strftime("%Y%m%d"))
            for n in range((last - first).days + 1)
        )


_day_cache: dict[tuple[int, str], _Day] = {}
_combined: dict[int, Window] = {}
_cache_lock = threading.Lock()


def clear_process_cache() -> None:
    global _store
    with _cache_lock:
        _day_cache.clear()
        _combined.clear()
        _joined.clear()
    _store = None


def _parse_value(value: str) -> tuple[int, Row]:
    counter, start, end, until, stamp = value.split(" ")
    return int(counter), (int(start), int(end), int(until), int(stamp))


def _counter_lists(rows: dict[str, Row], now: int):
    """A counter's busy (starts, ends) ordered by start, the first ``until`` among them and
    the longest row; (None, FOREVER, 0) if nothing occupies it."""
    live = sorted(row for row in rows.values() if row[2] > now)
    if not live:
        return None, FOREVER, 0
    lists = ([r[0] for r in live], [r[1] for r in live])
    return lists, min(r[2] for r in live), max(r[1] - r[0] for r in live)


def _with_lists(
    version: int,
    rows: dict[int, dict[str, Row]],
    owner: dict[str, int],
    now: int,
    previous: _Day | None,
    counters: Iterable[int] | None = None,
) -> _Day:
    """The day with the busy lists of ``counters`` (all if None) made for ``now``; the
    others are taken from ``previous``. A counter whose lists equal ``previous``'s keeps
    those very lists, so the combined index rebuilds only the counters that changed."""
    per_counter = dict(previous.per_counter) if counters is not None and previous else {}
    untils = dict(previous.untils) if counters is not None and previous else {}
    spans = dict(previous.spans) if counters is not None and previous else {}
    old_lists = previous.per_counter if previous is not None else {}
    for counter in rows if counters is None else counters:
        lists, until, span = _counter_lists(rows.get(counter, {}), now)
        if lists is None:
            per_counter.pop(counter, None)
            untils.pop(counter, None)
            spans.pop(counter, None)
            continue
        old = old_lists.get(counter)
        per_counter[counter] = old if old is not None and old == lists else lists
        untils[counter] = until
        spans[counter] = span
    valid = min(untils.values(), default=FOREVER)
    return _Day(version, rows, owner, per_counter, untils, valid, spans)


def _full_day(version: int, items: list[str], now: int, previous: _Day | None) -> _Day:
    """A day from all its fields (field, value, field, value, …)."""
    rows: dict[int, dict[str, Row]] = {}
    owner: dict[str, int] = {}
    for name, value in zip(items[::2], items[1::2], strict=True):
        if name == _MARKER:
            continue
        counter, row = _parse_value(value)
        rows.setdefault(counter, {})[name] = row
        owner[name] = counter
    return _with_lists(version, rows, owner, now, previous)


def _applied(day: _Day, version: int, entries: list[str], now: int) -> _Day:
    """``day`` with change-log entries applied (newest stamp wins, as in the store): only
    the touched counters' fields are copied and their busy lists made again."""
    rows = dict(day.rows)
    owner = dict(day.owner)
    touched: set[int] = set()
    for entry in entries:
        items = entry.split("\t")
        for name, value in zip(items[1::2], items[2::2], strict=True):
            counter, row = _parse_value(value)
            was = owner.get(name)
            if was is not None:
                if rows[was][name][3] >= row[3]:
                    continue
                if was not in touched:
                    rows[was] = dict(rows[was])
                    touched.add(was)
                del rows[was][name]
            if counter not in touched:
                rows[counter] = dict(rows.get(counter, {}))
                touched.add(counter)
            rows[counter][name] = row
            owner[name] = counter
    for counter in touched:
        if not rows[counter]:  # its last field moved to another counter
            del rows[counter]
    return _with_lists(version, rows, owner, now, day, touched)


def _current(day: _Day, now: int) -> _Day:
    """A hold or deadline in the day ran out: its lists again for ``now`` (no fetch)."""
    if day.valid_until > now:
        return day
    return _with_lists(day.version, day.rows, day.owner, now, day)


def sync_days(
    chosen: RedisStore | LocalStore,
    location_id: int,
    copies: dict[str, _Day | None],
    now: int,
) -> dict[str, _Day | None]:
    """Bring copies of days up to date in one round trip: a copy a few changes behind gets
    exactly those changes (the day's change log), one too far behind or none at all the
    whole day; None = the day is not built in the store (rebuild it from the database)."""
    have = {day: copy.version if copy is not None else -1 for day, copy in copies.items()}
    out: dict[str, _Day | None] = {}
    for day, synced in chosen.sync(location_id, have).items():
        copy = copies[day]
        if synced.kind == "m":
            out[day] = None
        elif synced.kind == "d" and copy is not None:
            out[day] = _current(_applied(copy, synced.version, synced.items, now), now)
        else:
            out[day] = _full_day(synced.version, synced.items, now, copy)
    return out


def _days_between(since: datetime, until: datetime) -> list[str]:
    first = since.astimezone(UTC).date()
    last = until.astimezone(UTC).date()
    return [(first + timedelta(days=n)).strftime("%Y%m%d") for n in range((last - first).days + 1)]


def _rebuild(location_id: int, days: list[str]) -> dict[str, int]:
    """Fallback: read the days from the database and merge them into the store."""
    stamp = new_stamp()
    first = datetime.strptime(days[0], "%Y%m%d").replace(tzinfo=UTC)
    last = datetime.strptime(days[-1], "%Y%m%d").replace(tzinfo=UTC)
    rows = Appointment.objects.filter(
        location_id=location_id,
        counter__isnull=False,
        start__gte=first,
        start__lt=last + timedelta(days=1),
        status__in=_INDEXED,
    ).values_list(
        "pk",
        "counter_id",
        "start",
        "end",
        "status",
        "hold_expires_at",
        "confirm_deadline",
        "pool_release_at",
    )
    by_day: dict[str, dict[str, str]] = {day: {} for day in days}
    merged_stamp = stamp - MERGE_MARGIN_S * 1_000_000
    for pk, counter_id, start, end, status, hold, confirm, release in rows.iterator(2000):
        fields = by_day.get(day_key(start))
        if fields is None:
            continue  # a day between the missing ones that is already indexed
        until = until_of(status, hold, confirm, release)
        if until:
            fields[str(pk)] = _row_value(
                counter_id, _epoch(start), _epoch(end), until, merged_stamp
            )
    return {day: store().merge(location_id, day, by_day[day], stamp) for day in days}


def refresh(location_id: int, since: datetime, until: datetime) -> int:
    """Merge the days of the window from the database (the periodic safety net)."""
    days = _days_between(since, until)
    _rebuild(location_id, days)
    return len(days)


def _load_days(location_id: int, stale: dict[str, _Day | None], now: int) -> dict[str, _Day]:
    """Sync stale days; days not built in the store are rebuilt from the database first
    (a day a concurrent forget() dropped again counts as empty until the next read)."""
    loaded = sync_days(store(), location_id, stale, now)
    missing = [day for day, part in loaded.items() if part is None]
    if missing:
        _rebuild(location_id, missing)
        loaded.update(sync_days(store(), location_id, dict.fromkeys(missing), now))
    out = {
        day: part if part is not None else _with_lists(-1, {}, {}, now, None)
        for day, part in loaded.items()
    }
    with _cache_lock:
        for day, part in out.items():
            _day_cache[(location_id, day)] = part
    return out


def _current_days(location_id: int, days: list[str], versions: dict[str, int], now: int):
    stale: dict[str, _Day | None] = {}
    for day in days:
        cached = _day_cache.get((location_id, day))
        if cached is None or cached.version != versions.get(day, 0):
            stale[day] = cached
    loaded = _load_days(location_id, stale, now) if stale else {}
    out = []
    for day in days:
        cached = loaded.get(day) or _day_cache.get((location_id, day))
        if cached is None:  # dropped by a concurrent forget(): read it again
            cached = _load_days(location_id, {day: None}, now)[day]
        if cached.valid_until <= now:  # a hold or deadline expired: drop it, no fetch
            cached = _current(cached, now)
            with _cache_lock:
                _day_cache[(location_id, day)] = cached
        out.append(cached)
    return tuple(out)


_NO_ROWS: tuple[list[int], list[int]] = ([], [])


@dataclass(frozen=True, eq=False)
class _Joined:
    """A location's per-counter indexes and the day copies they were joined from; ``exact``
    = the counters whose index holds exactly the days' lists one after the other (no
    overlapping rows merged), so a changed day can be spliced into it in place."""

    names: tuple[str, ...]
    parts: tuple[_Day, ...]
    counters: dict[int, engine.BookingIndex]
    exact: frozenset[int]


# per location: the last joined window (read under the lock-free rule: replaced, never changed)
_joined: dict[int, _Joined] = {}


def _join_counter(counter: int, parts: tuple[_Day, ...]) -> tuple[engine.BookingIndex, bool]:
    """One counter's index from all its day lists (and whether it is their exact join)."""
    lists = [p.per_counter.get(counter, _NO_ROWS) for p in parts]
    starts = list(chain.from_iterable(s for s, _ in lists))
    ends = list(chain.from_iterable(e for _, e in lists))
    index = engine.BookingIndex.from_intervals({counter: (starts, ends)})
    return index, index.intervals(counter)[0] is starts


def _splice_counter(
    counter: int, index: engine.BookingIndex, before: tuple[_Day, ...], parts: tuple[_Day, ...]
) -> engine.BookingIndex | None:
    """``index`` (the exact join of ``before``) with every changed day list of ``counter``
    put in its place: costs the changed days and a copy of the lists, not a re-check of the
    window. None if a splice would need merging (then join it again)."""
    offset = 0
    result: engine.BookingIndex | None = index
    for old_day, new_day in zip(before, parts, strict=True):
        new = new_day.per_counter.get(counter, _NO_ROWS)
        old = old_day.per_counter.get(counter, _NO_ROWS)
        if new is not old:
            result = result.spliced(counter, offset, offset + len(old[0]), new[0], new[1])
            if result is None:
                return None
        offset += len(new[0])
    return result


def _changed_counters(before: tuple[_Day, ...], parts: tuple[_Day, ...]) -> set[int]:
    touched: set[int] = set()
    for old_day, new_day in zip(before, parts, strict=True):
        if old_day is not new_day:
            old, new = old_day.per_counter, new_day.per_counter
            touched.update(c for c in old.keys() | new.keys() if old.get(c) is not new.get(c))
    return touched


def _combine(location_id: int, names: tuple[str, ...], parts: tuple[_Day, ...]):
    """The window's index. For the same window as last time only the counters whose day
    lists changed are touched, and their changed days are spliced in (a booking changes one
    day of one counter); for another window (a new day began) every counter is joined."""
    previous = _joined.get(location_id)
    if previous is None or previous.names != names:
        counters_all = set(chain.from_iterable(p.per_counter for p in parts))
        built = {c: _join_counter(c, parts) for c in counters_all}
        counters = {c: index for c, (index, _) in built.items()}
        exact = {c for c, (_, is_exact) in built.items() if is_exact}
    else:
        counters, exact = dict(previous.counters), set(previous.exact)
        for counter in _changed_counters(previous.parts, parts):
            old = counters.get(counter)
            index = (
                _splice_counter(counter, old, previous.parts, parts)
                if old is not None and counter in exact
                else None
            )
            if index is not None:
                exact.add(counter)
            else:
                index, is_exact = _join_counter(counter, parts)
                (exact.add if is_exact else exact.discard)(counter)
            counters[counter] = index
    with _cache_lock:
        _joined[location_id] = _Joined(names, parts, counters, frozenset(exact))
    return engine.BookingIndex.from_counters(counters)


def booking_windows(
    windows: dict[int, tuple[datetime, datetime]], now: datetime
) -> dict[int, Window]:
    """The booking index of each location for its window (since, until) with the day
    copies it was joined from: one round trip for all versions, then only the days that
    changed; expired holds and deadlines drop out by time."""
    now_s = int(now.timestamp())
    all_versions = store().versions(list(windows))
    out = {}
    for location_id, (since, until) in windows.items():
        names = _days_between(since, until)
        parts = _current_days(location_id, names, all_versions[location_id], now_s)
        combined = _combined.get(location_id)
        if (
            combined is not None
            and list(combined.days) == names
            and all(a is b for a, b in zip(combined.days.values(), parts, strict=True))
            and now_s < combined.valid_until
        ):
            out[location_id] = combined
            continue
        window = Window(
            index=_combine(location_id, tuple(names), parts),
            days=dict(zip(names, parts, strict=True)),
            valid_until=min((p.valid_until for p in parts), default=FOREVER),
            longest=max((max(p.spans.values(), default=0) for p in parts), default=0),
        )
        with _cache_lock:
            _combined[location_id] = window
        out[location_id] = window
    return out


def booking_indexes(
    windows: dict[int, tuple[datetime, datetime]], now: datetime
) -> dict[int, engine.BookingIndex]:
    """:func:`booking_windows`, only the indexes."""
    return {loc: window.index for loc, window in booking_windows(windows, now).items()}


def busy_rows(location_id: int, day: date, now: datetime) -> list[tuple[int, int, int]]:
    """(counter, start, end) occupying time on a UTC day (for tests and checks)."""
    key = day.strftime("%Y%m%d")
    versions = store().versions([location_id])[location_id]
    parts = _current_days(location_id, [key], versions, int(now.timestamp()))
    return sorted(
        (counter, s, e)
        for counter, (starts, ends) in parts[0].per_counter.items()
        for s, e in zip(starts, ends, strict=True)
    )


def busy_counters(location_id: int, start: datetime, end: datetime, now: datetime) -> set[int]:
    """Counters on which something occupies [start, end) (rows are filed under the UTC day
    of their start, so the day before is read too)."""
    days = _days_between(start - timedelta(days=1), end)
    versions = store().versions([location_id])[location_id]
    lo, hi = int(start.timestamp()), int(end.timestamp())
    busy = set()
    for part in _current_days(location_id, days, versions, int(now.timestamp())):
        for counter, (starts, ends) in part.per_counter.items():
            if counter not in busy and any(
                s < hi and e > lo for s, e in zip(starts, ends, strict=True)
            ):
                busy.add(counter)
    return busy


# --------------------------------------------------------------------------- earliest slot
#
# Per location and demand the earliest free slot, in the hash ``…appointments:ixe:<location>``
# (field = demand key, value = ``"start end valid_until counters"``; start 0 = nothing free),
# so "earliest slot anywhere" reads one field per location in one pipeline instead of
# computing every location. The write script drops exactly the entries a change can make
# wrong (time taken overlapping the slot; time freed starting before the slot's end; any
# freed time for "nothing free"); field ``#`` counts the location's writes, and an entry is
# stored only if no write came between reading ``#`` and computing it (compare and set).
# ``valid_until`` bounds what the scripts cannot see: a hold or deadline running out, the
# slot falling inside the minimum notice, midnight and the setup's cache age.


@dataclass(frozen=True)
class Earliest:
    start: int  # epoch seconds; 0 = nothing free
    end: int
    valid_until: int
    counters: tuple[int, ...]

    def encode(self) -> str:
        counters = ",".join(map(str, self.counters)) or "-"
        return f"{self.start} {self.end} {self.valid_until} {counters}"

    @classmethod
    def decode(cls, value: str) -> Earliest:
        start, end, valid_until, counters = value.split(" ")
        ids = () if counters == "-" else tuple(int(c) for c in counters.split(","))
        return cls(int(start), int(end), int(valid_until), ids)


def demand_key(demand: dict[int, int]) -> str:
    return ",".join(f"{service}:{count}" for service, count in sorted(demand.items()))


def earliest_read(
    location_ids: list[int], demand: str, now: int
) -> dict[int, tuple[str, Earliest | None]]:
    """Per location its write count and its stored earliest slot if still valid (one round
    trip for all locations); None = compute it."""
    out = {}
    for location_id, (gen, value) in store().earliest_get(location_ids, demand).items():
        entry = Earliest.decode(value) if value else None
        out[location_id] = (gen, entry if entry is not None and entry.valid_until > now else None)
    return out


def earliest_store(location_id: int, demand: str, gen: str, entry: Earliest) -> bool:
    """Store a computed entry unless the location was written since ``gen`` was read."""
    try:
        return store().earliest_put(location_id, demand, gen, entry.encode())
    except Exception:  # noqa: BLE001 - only a shortcut; the answer was computed anyway
        log.warning("availability index: could not store an earliest slot", exc_info=True)
        return False


def forget_earliest(location_id: int) -> None:
    """The location's setup changed (hours, closures, counters): drop its earliest slots."""
    store().earliest_clear(location_id)


def valid_until(location_id: int) -> int:
    """When the location's current combined index stops being valid (a hold or deadline in
    it runs out); :data:`FOREVER` if none."""
    combined = _combined.get(location_id)
    return combined.valid_until if combined is not None else 0
