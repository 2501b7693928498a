"""Closures rebook everyone to the nearest free slot, else cancel and enrol in the Terminagent."""

import pytest
from django.core import mail

from rathaus.appointments.models import (
    Appointment,
    ClosureOutcome,
    WaitingListEntry,
)
from rathaus.appointments.selectors.appointments import appointment_get_by_token
from rathaus.appointments.services import closures
from rathaus.appointments.tests.helpers import NOW, at, confirmed, fill_day, make_office

S = Appointment.Status
pytestmark = pytest.mark.django_db(transaction=True)


def test_closing_a_counter_rebooks_everyone_or_puts_them_on_the_waiting_list(town, make_user):
    location, counters, ausweis, kfz = make_office(town, counters=2, max_active_per_email=50)
    clerk = make_user("clerk", municipality=town)
    a, _ = confirmed(location, ausweis, at(2, 9), "a@example.org")
    b, _ = confirmed(location, ausweis, at(2, 9), "b@example.org")
    closed_counter = a.counter if a.counter_id != b.counter_id else counters[0]
    mail.outbox.clear()
    exception, outcomes = closures.closure_create(
        location=location,
        counter=closed_counter,
        day=at(2, 9).date(),
        reason="Quarantäne Team B",
        actor=clerk,
        now=NOW,
    )
    moved = list(outcomes)
    assert len(moved) == 1 and moved[0].result == ClosureOutcome.Result.REBOOKED
    affected = Appointment.objects.get(pk=moved[0].appointment_id)
    assert affected.counter_id != closed_counter.id
    assert affected.status == S.CONFIRMED
    # nearest free slot: same day on the other counter, right after the other appointment
    # 08:40 and 09:20 are both 20 minutes away (10-minute grid); ties go to the later one
    assert affected.start == at(2, 9, 20)
    assert mail.outbox[0].subject == "Ihr Termin wurde verlegt"
    assert "/termine/t/" in mail.outbox[0].body


def test_closing_the_whole_location_without_free_slots(town, make_user):
    location, counters, ausweis, kfz = make_office(
        town, counters=1, max_days_ahead=1, max_active_per_email=50
    )
    clerk = make_user("clerk", municipality=town)
    day1 = fill_day(location, ausweis, at(1, 8).date())
    fill_day(location, ausweis, at(2, 8).date())
    mail.outbox.clear()
    exception, outcomes = closures.closure_create(
        location=location, day=at(1, 8).date(), reason="Stromausfall", actor=clerk, now=NOW
    )
    assert len(outcomes) == len(day1)
    assert {o.result for o in outcomes} == {ClosureOutcome.Result.WAITING_LIST}
    assert all(o.notified for o in outcomes)
    assert Appointment.objects.filter(
        pk__in=[a.pk for a in day1], status=S.CANCELLED
    ).count() == len(day1)
    assert WaitingListEntry.objects.filter(status=WaitingListEntry.Status.ACTIVE).count() == len(
        day1
    )
    assert {m.subject for m in mail.outbox} == {"Ihr Termin muss leider entfallen"}


def test_moving_to_another_counter_at_the_same_time_sends_no_mail_and_keeps_the_link(
    town, make_user
):
    """Issue 11: "Ihr Termin wurde verlegt" went to citizens whose time did not change."""
    location, counters, ausweis, _kfz = make_office(town, counters=2, max_active_per_email=50)
    clerk = make_user("clerk", municipality=town)
    a, token = confirmed(location, ausweis, at(2, 9), "a@example.org")
    closed_counter = a.counter
    mail.outbox.clear()
    _exception, outcomes = closures.closure_create(
        location=location, counter=closed_counter, day=at(2, 9).date(), actor=clerk, now=NOW
    )
    a.refresh_from_db()
    assert a.start == at(2, 9) and a.counter_id != closed_counter.id
    assert outcomes[0].result == ClosureOutcome.Result.REBOOKED and not outcomes[0].notified
    assert mail.outbox == []
    assert appointment_get_by_token(token=token).pk == a.pk  # the personal link still works
