"""PostgreSQL only: index for the per-e-mail limit of active appointments.

The booking path counts a citizen's active appointments with
``citizen_email__iexact`` (``UPPER(citizen_email::text) = UPPER(%s)``) and
``status IN (pending_confirmation, confirmed)``; without this partial expression index that
is a scan of the whole table on every booking. SQLite keeps working without it.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS appt_active_email_upper
  ON appointments_appointment (UPPER(citizen_email::text))
  WHERE status IN ('pending_confirmation', 'confirmed');
"""
DROP = "DROP INDEX IF EXISTS appt_active_email_upper;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0003_reminder_token")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
