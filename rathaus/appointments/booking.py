"""PostgreSQL fast path of a new booking: choose the counter and insert in one statement.

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

from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction

from rathaus.appointments.models import Appointment, AppointmentItem

S = Appointment.Status
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
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


def _columns():
    return [f for f in Appointment._meta.concrete_fields if not f.primary_key]


def insert_first_free(
    *,
    appointment: Appointment,
    counter_ids: list[int],
    demand: dict[int, int],
    day_start: datetime,
    day_end: datetime,
    now: datetime,
) -> Appointment | None:
    """Insert ``appointment`` (unsaved, all fields but the counter set) on the least loaded
    free counter of ``counter_ids``; returns it saved, or None if no counter qualified."""
    import psycopg  # only used on PostgreSQL

    table = Appointment._meta.db_table
    items = AppointmentItem._meta.db_table
    fields = _columns()
    names, values = [], []
    for field in fields:
        names.append(connection.ops.quote_name(field.column))
        if field.attname == "counter_id":
            values.append("free.id")
        else:
            values.append("%s")
    params_row = [
        f.get_db_prep_save(f.pre_save(appointment, True), connection)
        for f in fields
        if f.attname != "counter_id"
    ]
    blocking = ", ".join(["%s"] * len(_BLOCKING))
    blocking_now = ", ".join(["%s"] * len(_BLOCKING_NOW))
    sql = f"""
WITH cand AS (SELECT unnest(%s::bigint[]) AS id),
free AS (
  SELECT cand.id FROM cand
  WHERE NOT EXISTS (
    SELECT 1 FROM {table} a
    WHERE a.counter_id = cand.id AND a.start < %s AND a.start > %s AND a."end" > %s
      AND (a.status IN ({blocking}) OR (a.status = %s AND a.pool_release_at > %s)))
  ORDER BY (
    SELECT count(*) FROM {table} d
    WHERE d.counter_id = cand.id AND d.start < %s AND d.start > %s AND d."end" > %s
      AND (d.status IN ({blocking_now})
           OR (d.status = %s AND d.hold_expires_at > %s)
           OR (d.status = %s AND d.confirm_deadline > %s)
           OR (d.status = %s AND d.pool_release_at > %s))
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
SELECT id, counter_id FROM ins"""  # noqa: S608 - table and column names are ours
    service_ids = list(demand)
    counts = [demand[s] for s in service_ids]
    remaining = list(counter_ids)
    for _attempt in range(len(remaining)):
        params = [
            remaining,
            appointment.end,
            appointment.start - _MAX_SPAN,
            appointment.start,
            *_BLOCKING,
            S.CANCELLED,
            now,
            day_end,
            day_start - _MAX_SPAN,
            day_start,
            *_BLOCKING_NOW,
            S.HELD,
            now,
            S.PENDING,
            now,
            S.CANCELLED,
            now,
            *params_row,
            service_ids,
            counts,
        ]
        try:
            if connection.in_atomic_block:
                with transaction.atomic():
                    row = _execute(sql, params)
            else:
                row = _execute(sql, params)
        except (IntegrityError, psycopg.errors.IntegrityError):
            # a concurrent booking took the chosen counter (the constraint waited for its
            # commit); the next statement sees its row and picks another counter or none
            continue
        if row is None:
            return None
        appointment.pk, appointment.counter_id = row
        appointment._state.adding = False
        appointment._state.db = connection.alias
        return appointment
    return None
