"""The Celery tasks run inline when no broker is configured."""

import pytest

from rathaus.appointments import tasks
from rathaus.appointments.tests.helpers import make_office

pytestmark = pytest.mark.django_db(transaction=True)


def test_tasks_run_inline(town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    tasks.release_expired.delay()
    tasks.purge_personal_data.delay()
    tasks.send_reminders.delay()
