"""A clerk books, moves and cancels for a caller: same rules as online, audited, counted
as "durch Bürgerbüro", an e-mail only with an address (issue 11)."""

from __future__ import annotations

import pytest
from django.core import mail

from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import caller as caller_selectors
from rathaus.appointments.selectors import statistics as statistics_selectors
from rathaus.appointments.services import caller as caller_services
from rathaus.appointments.tests.helpers import NOW, at, make_office
from rathaus.core.models import AuditEntry, Role
from rathaus.core.problems import Conflict, DomainError

S = Appointment.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(town, make_user):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    return location, counters[0], ausweis, kfz, make_user(Role.CLERK, municipality=town)


def book(desk, start, *, name="Hans Anrufer", email="", phone="0201 123"):
    location, _c, ausweis, _k, clerk = desk
    return caller_services.appointment_book_for_caller(
        actor=clerk,
        location=location,
        demand={ausweis.pk: 1},
        start=start,
        name=name,
        email=email,
        phone=phone,
        now=NOW,
    )


def test_booking_for_a_caller_is_confirmed_audited_and_counted_as_staff(
    desk, django_capture_on_commit_callbacks
):
    location, _c, _a, _k, clerk = desk
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(desk, at(1, 9))
    assert appointment.status == S.CONFIRMED and appointment.source == "staff"
    assert appointment.citizen_name == "Hans Anrufer" and appointment.citizen_email == ""
    assert mail.outbox == []  # no address, no e-mail
    entry = AuditEntry.objects.get(object_id=str(appointment.pk), action="create")
    assert entry.actor_id == clerk.pk and "Bürgerbüro" in entry.summary
    stats = statistics_selectors.statistics([location], at(1, 9).date(), at(1, 9).date(), now=NOW)
    assert ("staff", "durch Bürgerbüro", 1) in stats.by_source


def test_booking_for_a_caller_with_an_address_sends_the_confirmation(
    desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(desk, at(1, 9), email="hans@example.org")
    assert [m.subject for m in mail.outbox] == ["Terminbestätigung"]
    assert "/termine/t/" in mail.outbox[0].body


def test_booking_for_a_caller_keeps_the_rules_of_online_booking(desk):
    book(desk, at(1, 9))
    with pytest.raises(Conflict) as taken:  # the only counter is busy at 09:00
        book(desk, at(1, 9), name="Zweite Person")
    assert taken.value.code == "slot_taken"
    for no_slot in (at(1, 9, 35), at(1, 13)):  # off the 10-minute grid, after opening hours
        with pytest.raises(DomainError) as refused:
            book(desk, no_slot)
        assert refused.value.code == "slot_not_bookable" and refused.value.status == 422
    with pytest.raises(DomainError) as bad:
        book(desk, at(1, 10), name="")
    assert bad.value.errors[0]["field"] == "name"
    with pytest.raises(DomainError):
        book(desk, at(1, 10), email="keine-adresse")
    assert Appointment.objects.filter(source="staff").count() == 1


def test_moving_and_cancelling_for_a_caller_are_audited_and_mailed(
    desk, django_capture_on_commit_callbacks
):
    _l, _c, _a, _k, clerk = desk
    appointment = book(desk, at(1, 9), email="hans@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = caller_services.appointment_move_for_caller(
            actor=clerk, appointment=appointment, start=at(1, 10, 30), now=NOW
        )
    assert moved.start == at(1, 10, 30)
    assert [m.subject for m in mail.outbox] == ["Ihr Termin wurde verschoben"]
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = caller_services.appointment_cancel_for_caller(
            actor=clerk, appointment=moved, now=NOW
        )
    assert cancelled.status == S.CANCELLED
    actions = AuditEntry.objects.filter(object_id=str(appointment.pk), actor=clerk)
    assert {e.summary for e in actions} >= {"Termin verschoben", "Termin abgesagt"}


def test_find_by_part_of_the_name_or_the_number(desk):
    location, _c, _a, _k, _clerk = desk
    hans = book(desk, at(1, 9))
    book(desk, at(1, 10), name="Grete Sommer")
    found = caller_selectors.appointments_find(location=location, query="ANRUF", now=NOW)
    assert [f.appointment.pk for f in found] == [hans.pk]
    assert found[0].changeable
    by_number = caller_selectors.appointments_find(location=location, query=str(hans.pk), now=NOW)
    assert [f.appointment.pk for f in by_number] == [hans.pk]
    assert caller_selectors.appointments_find(location=location, query="Niemand", now=NOW) == []
