"""Placing an appointment on a counter: :func:`place`, the one way to insert or move one.

No double booking, ever:

1. the requested start must be a slot of the location ignoring bookings (grid, hours,
   closures, policy; ``availability.open_slot``, a cached list of the day's slots);
2. PostgreSQL, new appointments: the fast path below (``insert_first_free``) picks the
   least loaded counter on which nothing occupies the time and inserts the row and its
   items in one statement;
3. moves, other databases (SQLite), and slots blocked only by expired holds/unconfirmed
   bookings: the locked path (``_place_locked``) – per candidate counter the per-counter-
   per-day lock (PostgreSQL: ``pg_try_advisory_xact_lock``; else an upsert of the
   :class:`CounterDayLock` row, which on SQLite takes the write lock), release of expired
   rows in the way, overlap re-check, insert/move; the constraint stays the final guard;
4. if no counter is left: 409 "Dieser Termin ist leider gerade vergeben worden."; a start
   that fails step 1 is no slot at all: 422 ``slot_not_bookable`` with the reason.

Fast path (PostgreSQL, new appointments only).
``insert_first_free`` runs one ``WITH … INSERT … SELECT`` statement that

1. takes the candidate counters of the (already validated) slot,
2. drops every counter on which something occupies ``[start, end)`` – a blocking row
   **including** expired holds and unconfirmed bookings (they still count for the
   exclusion constraint), or a cancelled row whose release delay has not passed,
3. picks the least loaded remaining counter of that day (ties: lowest id),
4. inserts the appointment and its items, and returns the new id and counter.

No lock is taken: the exclusion constraint ``appt_no_overlap_per_counter`` serialises
concurrent inserts on the same counter and time. A violation means someone else was
faster on that counter; the statement is repeated with that counter excluded. ``None``
means "no counter was free in this conservative sense" – the caller then runs the
locked path, which also releases expired holds/unconfirmed bookings in the way (or
answers 409).

In autocommit mode (HTTP requests) the statement is its own transaction: one database
round trip per booking; it is a server-side prepared statement (planned once per
connection). Inside an atomic block every attempt gets a savepoint so that a
constraint violation does not break the caller's transaction.
"""

from __future__ import annotations

import functools
import time as _time
from datetime import date, datetime, time, timedelta

import psycopg
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.appointments.models import Appointment, AppointmentItem, CounterDayLock
from rathaus.appointments.selectors import availability, availability_index, catalogue
from rathaus.core.models import Location
from rathaus.core.problems import Conflict, DomainError

S = Appointment.Status
MSG_TAKEN = gettext_lazy("Dieser Termin ist leider gerade vergeben worden.")
LOCK_NAMESPACE = 7_000_000_000_000_000  # advisory-lock keys of this app: namespace + counter/day
LOCK_ROUNDS = 25
_BLOCKING = tuple(str(s) for s in Appointment.BLOCKING)
# an appointment lies within one local day (opening hours); rows starting more than a day
# before the slot cannot overlap it – this bound lets the (counter, start) index do the work
_MAX_SPAN = timedelta(days=1)
_BLOCKING_NOW = (S.CONFIRMED, S.CHECKED_IN, S.CALLED, S.SERVED, S.NO_SHOW)


def available() -> bool:
    """The fast path needs PostgreSQL (exclusion constraint, ``unnest``, data-modifying CTEs)."""
    return connection.vendor == "postgresql"


def _execute(sql: str, params: list):
    """Run the statement as a server-side prepared statement on Django's connection (the
    plan of this large statement is made once per connection, not per booking)."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


@functools.cache
def _columns() -> tuple:
    return tuple(f for f in Appointment._meta.concrete_fields if not f.primary_key)


def _insert_sql(fields, with_email_limit: bool = False) -> str:
    """One statement: pick the least loaded free counter, insert the row and its items.

    ``with_email_limit``: the same statement also counts the address's active appointments
    and inserts nothing when they reach the limit (its first three parameters: address,
    now, limit); it always answers one row ``(id, counter_id, count)``, id None when
    nothing was inserted."""
    table = Appointment._meta.db_table
    items = AppointmentItem._meta.db_table
    names, values = [], []
    for field in fields:
        names.append(connection.ops.quote_name(field.column))
        if field.attname == "counter_id":
            values.append("free.id")
        else:
            values.append("%s")
    # statuses are our own constants, written as literals: fewer than 50 parameters lets
    # psycopg cache the statement's conversion instead of parsing it on every booking
    blocking = _literals(_BLOCKING)
    blocking_now = _literals(_BLOCKING_NOW)
    cancelled, held, pending = _literals([S.CANCELLED]), _literals([S.HELD]), _literals([S.PENDING])
    active = _literals(Appointment.ACTIVE)
    limit_cte, limit_cond, answer = "", "", "SELECT id, counter_id FROM ins"
    if with_email_limit:
        limit_cte = f"lim AS ({_EMAIL_COUNT_SQL.format(table=table, active=active)}),\n"
        limit_cond = "(SELECT n FROM lim) < %s AND "
        answer = "SELECT ins.id, ins.counter_id, lim.n FROM lim LEFT JOIN ins ON true"
    return f"""
WITH {limit_cte}cand AS (SELECT unnest(%s::bigint[]) AS id),
free AS (
  SELECT cand.id FROM cand
  WHERE {limit_cond}NOT EXISTS (
    SELECT 1 FROM {table} a
    WHERE a.counter_id = cand.id AND a.start < %s AND a.start > %s AND a."end" > %s
      AND (a.status IN ({blocking}) OR (a.status = {cancelled} AND a.pool_release_at > %s)))
  ORDER BY (
    SELECT count(*) FROM {table} d
    WHERE d.counter_id = cand.id AND d.start < %s AND d.start > %s AND d."end" > %s
      AND (d.status IN ({blocking_now})
           OR (d.status = {held} AND d.hold_expires_at > %s)
           OR (d.status = {pending} AND d.confirm_deadline > %s)
           OR (d.status = {cancelled} AND d.pool_release_at > %s))
  ), cand.id
  LIMIT 1
),
ins AS (
  INSERT INTO {table} ({", ".join(names)})
  SELECT {", ".join(values)} FROM free
  RETURNING id, counter_id
),
itm AS (
  INSERT INTO {items} (appointment_id, service_id, count)
  SELECT ins.id, s.sid, s.n FROM ins, unnest(%s::bigint[], %s::int[]) AS s(sid, n)
)
{answer}"""  # noqa: S608 - table and column names are ours


# the partial index ``appt_active_email_upper`` of migration 0004 answers it
_EMAIL_COUNT_SQL = (
    "SELECT count(*) AS n FROM {table} WHERE UPPER(citizen_email::text) = UPPER(%s) "
    'AND status IN ({active}) AND "end" > %s'
)


def active_count_for_email(email: str, now: datetime) -> int:
    """PostgreSQL: active future appointments of an e-mail address, as one prepared statement."""
    table = Appointment._meta.db_table
    sql = _EMAIL_COUNT_SQL.format(table=table, active=_literals(Appointment.ACTIVE))
    return int(_execute(sql, [email, now])[0])


class EmailLimitReached(Exception):  # noqa: N818 - a refusal, raised as the caller's problem
    """The address already has as many active appointments as the policy allows (the caller
    answers with its own message)."""


@functools.cache
def _insert_sql_once(fields: tuple, with_email_limit: bool = False) -> str:
    """The statement text is the same for every booking: built once per process."""
    return _insert_sql(fields, with_email_limit)


@functools.cache
def _converters(fields: tuple) -> tuple:
    """Per inserted column (the counter is chosen by the statement): the field and how its
    value becomes a parameter. Our values already have the column's Python type, so text is
    only passed through ``str``, aware datetimes, ids and None as they are – Django's
    ``pre_save``/``get_db_prep_save`` on 27 fields was a sixth of the web process's booking
    CPU. ``None``: through Django (field types not listed here, auto_now fields)."""
    out = []
    for field in fields:
        if field.attname == "counter_id":
            continue
        if isinstance(field, models.CharField):
            out.append((field, _text))
        elif isinstance(field, models.DateTimeField) and not (field.auto_now or field.auto_now_add):
            out.append((field, _aware))
        elif isinstance(field, models.ForeignKey):
            out.append((field, _same))
        else:
            out.append((field, None))
    return tuple(out)


def _text(field, value):
    return value if value is None or type(value) is str else str(value)


def _same(field, value):
    return value


def _aware(field, value):
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    return field.get_db_prep_save(value, connection)  # naive: Django's warning and zone


def _row(appointment: Appointment, fields: tuple) -> list:
    row = []
    for field, convert in _converters(fields):
        if convert is None:
            row.append(field.get_db_prep_save(field.pre_save(appointment, True), connection))
        else:
            row.append(convert(field, getattr(appointment, field.attname)))
    return row


def _literals(values) -> str:
    """SQL string literals of our own status constants (letters and underscores only)."""
    for value in values:
        if not str(value).replace("_", "").isalpha():
            raise ValueError(value)
    return ", ".join(f"'{value}'" for value in values)


_LOST = object()


def _try_insert(sql: str, params: list):
    """The inserted (id, counter_id), None if no counter was free, or ``_LOST`` when a
    concurrent booking won the chosen counter (then the caller looks again)."""
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                return _execute(sql, params)
        return _execute(sql, params)
    except (IntegrityError, psycopg.errors.IntegrityError):
        # a concurrent booking took the chosen counter (the constraint waited for its
        # commit); the next statement sees its row and picks another counter or none
        return _LOST
    except (OperationalError, psycopg.errors.OperationalError) as exc:
        if not _lost_race(exc):
            raise
        # two inserts checked the exclusion constraint against each other at once and
        # PostgreSQL aborted one of them: the other holds the slot, so look again
        return _LOST


def insert_first_free(
    *,
    appointment: Appointment,
    counter_ids: list[int],
    demand: dict[int, int],
    day_start: datetime,
    day_end: datetime,
    now: datetime,
    email_limit: int = 0,
) -> Appointment | None:
    """Insert ``appointment`` (unsaved, all fields but the counter set) on the least loaded
    free counter of ``counter_ids``; returns it saved, or None if no counter qualified.

    ``email_limit`` > 0: the same statement refuses the insert when the appointment's
    address already has that many active appointments (:class:`EmailLimitReached`) – the
    count costs no round trip of its own."""
    fields = _columns()
    params_row = _row(appointment, fields)
    sql = _insert_sql_once(fields, email_limit > 0)
    head = [appointment.citizen_email, now] if email_limit > 0 else []
    service_ids = list(demand)
    counts = [demand[s] for s in service_ids]
    remaining = list(counter_ids)
    for _attempt in range(len(remaining)):
        params = [
            *head,
            remaining,
            *([email_limit] if email_limit > 0 else []),
            appointment.end,
            appointment.start - _MAX_SPAN,
            appointment.start,
            now,
            day_end,
            day_start - _MAX_SPAN,
            day_start,
            now,
            now,
            now,
            *params_row,
            service_ids,
            counts,
        ]
        row = _try_insert(sql, params)
        if row is _LOST:
            continue
        if row is not None and email_limit > 0:
            if row[2] >= email_limit:
                raise EmailLimitReached
            row = None if row[0] is None else row[:2]
        if row is None:
            return None
        appointment.pk, appointment.counter_id = row
        appointment._state.adding = False
        appointment._state.db = connection.alias
        return appointment
    return None


def _lost_race(exc: BaseException) -> bool:
    """A deadlock or serialization failure between two concurrent bookings of one slot."""
    return is_transaction_rollback(exc)


def is_transaction_rollback(exc: BaseException) -> bool:
    """PostgreSQL SQLSTATE class 40 (40P01 deadlock, 40001 serialization failure).

    Checked by SQLSTATE: psycopg 3's DeadlockDetected and SerializationFailure are not
    subclasses of its TransactionRollback (psycopg2's TransactionRollbackError does not exist).
    """
    if connection.vendor != "postgresql":
        return False
    cause = exc if hasattr(exc, "sqlstate") else exc.__cause__
    return str(getattr(cause, "sqlstate", "") or "").startswith("40")


# --------------------------------------------------------------------------- locked path


def index_after_commit(
    appointment: Appointment, *, old_start: datetime | None = None, gone: bool = False
) -> None:
    """Send the appointment's new state to the shared availability index once the
    transaction commits (stamped now, i.e. after the row lock: see ``availability_index``).

    ``gone``: the row was deleted; ``old_start``: it was moved from there."""
    until = (
        0
        if gone
        else availability_index.until_of(
            appointment.status,
            appointment.hold_expires_at,
            appointment.confirm_deadline,
            appointment.pool_release_at,
        )
    )
    changes = availability_index.changes_for(
        appointment_id=appointment.pk,
        counter_id=appointment.counter_id,
        start=appointment.start,
        end=appointment.end,
        until=until,
        old_start=old_start,
    )
    location_id = appointment.location_id
    transaction.on_commit(lambda: availability_index.write(location_id, changes))


def _lock_counter_day(counter_id: int, day: date) -> bool:
    """Take the per-counter-per-day lock for this transaction; False if someone else holds it.

    PostgreSQL: a transaction-level advisory lock, tried without waiting, so two bookings
    that try counters in different orders can never deadlock (the exclusion constraint
    stays the final guard). Other databases: an upsert of the :class:`CounterDayLock` row
    (on SQLite the write takes the database's write lock, which serialises bookings).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s)",
                [LOCK_NAMESPACE + counter_id * 1_000_000 + day.toordinal()],
            )
            return bool(cursor.fetchone()[0])
        table = CounterDayLock._meta.db_table
        cursor.execute(
            f"INSERT INTO {table} (counter_id, date) VALUES (%s, %s) "  # noqa: S608 - our table
            "ON CONFLICT (counter_id, date) DO UPDATE SET date = EXCLUDED.date",
            [counter_id, day.isoformat()],
        )
        return True


def _overlap_after_release(counter_id, start, end, now, exclude_id=None) -> bool:
    """Under the lock: is [start, end) taken on the counter? Releases expired holds and
    unconfirmed bookings in the way (they still count for the database constraint)."""
    rows = Appointment.objects.filter(
        counter_id=counter_id,
        start__lt=end,
        end__gt=start,
        status__in=[*Appointment.BLOCKING, S.CANCELLED],
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    expired_holds, expired_pending = [], []
    for pk, status, hold_until, confirm_until, release_at in rows.values_list(
        "pk", "status", "hold_expires_at", "confirm_deadline", "pool_release_at"
    ):
        if status == S.HELD and hold_until is not None and hold_until <= now:
            expired_holds.append(pk)
        elif status == S.PENDING and confirm_until is not None and confirm_until <= now:
            expired_pending.append(pk)
        elif status == S.CANCELLED:
            if release_at is not None and release_at > now:
                return True
        else:
            return True
    if expired_holds:
        Appointment.objects.filter(pk__in=expired_holds).delete()
    if expired_pending:
        Appointment.objects.filter(pk__in=expired_pending).update(status=S.EXPIRED)
    return False


def _lockable(counter_ids, day: date):
    """Yield counters whose day lock this transaction holds, in the given order; counters
    locked by a concurrent booking are retried a few times after short pauses."""
    pending = list(counter_ids)
    for round_ in range(LOCK_ROUNDS):
        busy = []
        for counter_id in pending:
            if _lock_counter_day(counter_id, day):
                yield counter_id
            else:
                busy.append(counter_id)
        if not busy:
            return
        pending = busy
        _time.sleep(0.002 * (round_ + 1))


def place(
    *,
    location: Location,
    demand: dict[int, int],
    start: datetime,
    now: datetime,
    fields,
    slot=None,
    move: Appointment | None = None,
    exclude_counters=(),
    setup=None,
    email_limit: int = 0,
) -> Appointment:
    """Insert (or move) an appointment into a free slot; 409 if none of its counters is free.

    New appointments on PostgreSQL: one statement picks the least loaded free counter and
    inserts the row and its items (:func:`insert_first_free`; the exclusion
    constraint serialises concurrent inserts). Moves, other databases, and slots blocked
    only by expired holds/unconfirmed bookings take the locked path (:func:`_place_locked`).

    ``email_limit`` > 0 (PostgreSQL, new appointments): refuse with
    :class:`EmailLimitReached` when ``fields["citizen_email"]`` already has that many active
    appointments – counted inside the insert statement on the fast path.
    """
    if slot is None:
        setup = setup or availability.location_setup(location, now)
        slot = availability.open_slot(location, demand, start, now, setup=setup)
        if slot is None:  # past, too soon, off the grid, closed: say so, not "taken"
            raise DomainError(
                "slot_not_bookable",
                availability.unbookable_reason(setup, start, now),
                status=422,
                errors=[{"field": "start", "message": _("Keine buchbare Uhrzeit.")}],
            )
    tz = catalogue.local_tz(location)
    day = slot.start.astimezone(tz).date()
    day_start = datetime.combine(day, time(0), tzinfo=tz)
    candidates = [c for c in slot.counter_ids if c not in exclude_counters]
    fast = move is None and available() and bool(candidates)
    if email_limit > 0 and not fast:
        _refuse_over_email_limit(fields["citizen_email"], email_limit, now)
    if fast:
        placed = insert_first_free(
            appointment=Appointment(
                municipality_id=location.municipality_id,
                location=location,
                start=slot.start,
                end=slot.end,
                created=now,
                **fields,
            ),
            counter_ids=candidates,
            demand=demand,
            day_start=day_start,
            day_end=day_start + timedelta(days=1),
            now=now,
            email_limit=email_limit,
        )
        if placed is not None:
            index_after_commit(placed)
            return placed
    if connection.in_atomic_block:
        return _place_locked(location, demand, slot, now, fields, move, candidates, day, day_start)
    with transaction.atomic():
        return _place_locked(location, demand, slot, now, fields, move, candidates, day, day_start)


def _refuse_over_email_limit(email: str, limit: int, now: datetime) -> None:
    if active_count_for_email(email, now) >= limit:
        raise EmailLimitReached


def _place_locked(location, demand, slot, now, fields, move, candidates, day, day_start):
    """Per candidate counter (least loaded first): day lock, overlap re-check (releasing
    expired holds/unconfirmed bookings in the way), insert or move. Must run in a
    transaction. Queries: the day's rows on the candidate counters (load and overlaps),
    then per tried counter the lock, the overlap re-check and the insert."""
    rows = Appointment.objects.filter(
        counter_id__in=candidates, start__lt=day_start + timedelta(days=1), end__gt=day_start
    ).filter(availability.blocking_q(now))
    if move is not None:
        rows = rows.exclude(pk=move.pk)
    load = dict.fromkeys(candidates, 0)
    busy = set()
    for counter_id, row_start, row_end in rows.values_list("counter_id", "start", "end"):
        load[counter_id] += 1
        if row_start < slot.end and slot.start < row_end:
            busy.add(counter_id)
    ordered = sorted((c for c in candidates if c not in busy), key=lambda c: (load[c], c))
    exclude_id = move.pk if move is not None else None
    old_start = move.start if move is not None else None
    for counter_id in _lockable(ordered, day):
        try:
            with transaction.atomic():
                if _overlap_after_release(counter_id, slot.start, slot.end, now, exclude_id):
                    continue
                if move is not None:
                    move.counter_id = counter_id
                    move.start, move.end = slot.start, slot.end
                    move.save(update_fields=["counter", "start", "end", *fields])
                    appointment = move
                else:
                    appointment = Appointment.objects.create(
                        municipality_id=location.municipality_id,
                        location=location,
                        counter_id=counter_id,
                        start=slot.start,
                        end=slot.end,
                        created=now,
                        **fields,
                    )
                    AppointmentItem.objects.bulk_create(
                        [
                            AppointmentItem(appointment=appointment, service_id=s, count=n)
                            for s, n in demand.items()
                        ]
                    )
        except IntegrityError:
            # PostgreSQL's exclusion constraint: someone else was faster on this counter
            continue
        except OperationalError as exc:
            if not _lost_race(exc):
                raise
            continue
        index_after_commit(appointment, old_start=old_start)
        return appointment
    raise Conflict("slot_taken", str(MSG_TAKEN))
