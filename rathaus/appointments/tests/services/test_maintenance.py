"""Periodic jobs: retention blanks personal data but keeps the statistics."""

import pytest
from django.test import override_settings

from rathaus.appointments.models import Appointment
from rathaus.appointments.services import maintenance
from rathaus.appointments.tests.helpers import at, confirmed, make_office

S = Appointment.Status
pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(RATHAUS_APPOINTMENT_RETENTION_DAYS=30)
def test_retention_blanks_personal_data_but_keeps_statistics(town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    appointment, _ = confirmed(location, ausweis, at(2, 9), "weg@example.org")
    maintenance.personal_data_purge(now=at(31, 12))
    appointment.refresh_from_db()
    assert appointment.citizen_email == "weg@example.org"  # 29 days after: kept
    result = maintenance.personal_data_purge(now=at(2, 10, month=4))
    assert result["appointments"] == 1
    appointment.refresh_from_db()
    assert (appointment.citizen_name, appointment.citizen_email, appointment.citizen_phone) == (
        "",
        "",
        "",
    )
    assert appointment.status == S.CONFIRMED and appointment.start == at(2, 9)
    assert appointment.items.count() == 1
