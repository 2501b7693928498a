"""Hypothesis: whatever citizens hold, book and cancel, counters are never double-booked
and every appointment lies inside opening hours on the slot grid."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.appointments.models import Appointment
from rathaus.appointments.services import booking
from rathaus.appointments.tests.helpers import NOW, at, make_office
from rathaus.core.problems import DomainError

S = Appointment.Status
operation = st.tuples(
    st.sampled_from(["hold", "hold", "hold", "cancel"]),
    st.integers(min_value=0, max_value=23),  # start index on the 10-minute grid, 08:00–11:50
    st.integers(min_value=1, max_value=3),  # count of the 15-minute service
    st.booleans(),  # Kfz (30 min, first counter only) instead of Ausweis
)


@pytest.fixture
def office(db, town):
    return make_office(town, counters=2)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=15))
def test_no_overlap_and_inside_opening_hours(office, ops):
    location, counters, ausweis, kfz = office
    Appointment.objects.all().delete()
    held = []
    for action, index, count, use_kfz in ops:
        if action == "cancel":
            if held:
                booking.appointment_cancel(appointment=held.pop(0), now=NOW)
            continue
        demand = {kfz.id: 1} if use_kfz else {ausweis.id: count}
        start = at(2, 8) + timedelta(minutes=10 * index)
        try:
            hold, _ = booking.appointment_hold(
                location=location, demand=demand, start=start, now=NOW
            )
        except DomainError as exc:
            # taken (409) or no slot at all for this demand at this time (422)
            assert exc.status in (409, 422)
            continue
        held.append(hold)
    rows = list(
        Appointment.objects.filter(status__in=Appointment.BLOCKING).values_list(
            "counter_id", "start", "end"
        )
    )
    for i, (c1, s1, e1) in enumerate(rows):
        assert at(2, 8) <= s1 and e1 <= at(2, 12)
        assert (s1 - at(2, 8)).total_seconds() % 600 == 0
        for c2, s2, e2 in rows[i + 1 :]:
            assert not (c1 == c2 and s1 < e2 and s2 < e1), "double booking"
