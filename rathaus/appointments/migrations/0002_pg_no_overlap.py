"""PostgreSQL only: no two blocking appointments on one counter may overlap in time.

SQLite keeps working without it (the booking service's per-counter-per-day row lock
serialises bookings there). The condition lists the blocking statuses of
``Appointment.BLOCKING``; walk-in tickets have no counter (NULL never equals NULL).
"""

from django.db import migrations

BLOCKING = ("held", "pending_confirmation", "confirmed", "checked_in", "called", "served", "no_show")

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE appointments_appointment
  ADD CONSTRAINT appt_no_overlap_per_counter
  EXCLUDE USING gist (counter_id WITH =, tstzrange(start, "end", '[)') WITH &&)
  WHERE (status IN ({", ".join(f"'{s}'" for s in BLOCKING)}));
"""
DROP = "ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS appt_no_overlap_per_counter;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
