"""Booking services: holds, double opt-in, limits, cancel delay, reschedule, reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import availability
from rathaus.appointments.selectors.appointments import appointment_get_by_token
from rathaus.appointments.services import booking, maintenance
from rathaus.appointments.tests.helpers import NOW, at, make_office
from rathaus.core.problems import DomainError

S = Appointment.Status
pytestmark = pytest.mark.django_db(transaction=True)


def book(location, service, start, email="erika@example.org", now=NOW, count=1):
    hold, token = booking.appointment_hold(
        location=location, demand={service.id: count}, start=start, now=now
    )
    return booking.appointment_book(hold_token=token, name="Erika Mustermann", email=email, now=now)


def test_counts_add_up_and_slots_disappear(town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    hold, _ = booking.appointment_hold(
        location=location, demand={ausweis.id: 2}, start=at(1, 8), now=NOW
    )
    assert hold.end - hold.start == timedelta(minutes=30)
    starts = [
        s.start for s in availability.slots_on(location, {ausweis.id: 1}, at(1, 8).date(), NOW)
    ]
    assert at(1, 8) not in starts and at(1, 8, 20) not in starts
    assert at(1, 8, 30) in starts


def test_same_slot_twice_is_409_when_full(town):
    location, counters, ausweis, kfz = make_office(town, counters=2)
    booking.appointment_hold(location=location, demand={ausweis.id: 1}, start=at(1, 9), now=NOW)
    booking.appointment_hold(location=location, demand={ausweis.id: 1}, start=at(1, 9), now=NOW)
    with pytest.raises(DomainError) as exc:
        booking.appointment_hold(location=location, demand={ausweis.id: 1}, start=at(1, 9), now=NOW)
    assert exc.value.status == 409
    assert exc.value.message == "Dieser Termin ist leider gerade vergeben worden."
    rows = Appointment.objects.filter(start=at(1, 9))
    assert sorted(rows.values_list("counter_id", flat=True)) == sorted(c.id for c in counters)


def test_service_only_at_some_counters(town):
    location, counters, ausweis, kfz = make_office(town, counters=3)
    hold, _ = booking.appointment_hold(
        location=location, demand={kfz.id: 1}, start=at(1, 10), now=NOW
    )
    assert hold.counter_id == counters[0].id
    with pytest.raises(DomainError):
        booking.appointment_hold(location=location, demand={kfz.id: 1}, start=at(1, 10), now=NOW)


def test_hold_expires_and_slot_returns(town):
    location, counters, ausweis, kfz = make_office(town, counters=1, hold_minutes=10)
    hold, token = booking.appointment_hold(
        location=location, demand={ausweis.id: 1}, start=at(1, 9), now=NOW
    )
    later = NOW + timedelta(minutes=11)
    with pytest.raises(DomainError) as exc:
        booking.appointment_book(hold_token=token, name="A", email="a@example.org", now=later)
    assert exc.value.status == 410
    # another citizen gets the slot after expiry even before the cleanup job ran
    other, _ = booking.appointment_hold(
        location=location, demand={ausweis.id: 1}, start=at(1, 9), now=later
    )
    assert other.counter_id == hold.counter_id
    assert not Appointment.objects.filter(pk=hold.pk).exists()


def test_double_opt_in_confirms_and_mails_ics(town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    appointment, token = book(location, ausweis, at(2, 9))
    assert appointment.status == S.PENDING
    assert len(mail.outbox) == 1
    assert f"/termine/t/{token}/bestaetigen/" in mail.outbox[0].body
    assert "Erika" not in str(Appointment.objects.get(pk=appointment.pk).token_hash)
    booking.appointment_confirm(token=token, now=NOW + timedelta(minutes=5))
    appointment.refresh_from_db()
    assert appointment.status == S.CONFIRMED
    assert len(mail.outbox) == 2
    confirmation = mail.outbox[1]
    assert f"/termine/t/{token}/" in confirmation.body
    name, content, mimetype = confirmation.attachments[0]
    assert name == "termin.ics" and mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == at(2, 9)
    assert event.decoded("dtend") == at(2, 9, 15)
    assert "Personalausweis" in str(event["summary"])
    assert location.street in str(event["location"])
    assert token in str(event["description"])


def test_unconfirmed_booking_is_released_after_60_minutes(town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    appointment, token = book(location, ausweis, at(2, 9))
    maintenance.appointments_release_expired(now=NOW + timedelta(minutes=59))
    appointment.refresh_from_db()
    assert appointment.status == S.PENDING
    assert at(2, 9) not in [
        s.start
        for s in availability.slots_on(
            location, {ausweis.id: 1}, at(2, 9).date(), NOW + timedelta(minutes=59)
        )
    ]
    maintenance.appointments_release_expired(now=NOW + timedelta(minutes=61))
    appointment.refresh_from_db()
    assert appointment.status == S.EXPIRED
    later = NOW + timedelta(minutes=61)
    assert at(2, 9) in [
        s.start for s in availability.slots_on(location, {ausweis.id: 1}, at(2, 9).date(), later)
    ]
    with pytest.raises(DomainError) as exc:
        booking.appointment_confirm(token=token, now=later)
    assert exc.value.status == 409


def test_limit_of_active_appointments_per_email(town):
    location, counters, ausweis, kfz = make_office(town, counters=1, max_active_per_email=2)
    book(location, ausweis, at(2, 9))
    book(location, ausweis, at(2, 10), email="ERIKA@example.org")
    with pytest.raises(DomainError) as exc:
        book(location, ausweis, at(2, 11))
    assert exc.value.status == 429
    assert "bereits 2 Termine" in exc.value.message


def test_limit_of_active_appointments_per_email_on_a_direct_booking(town):
    """On PostgreSQL the count rides in the insert statement: over the limit nothing is
    inserted and the time stays free for others."""
    location, counters, ausweis, kfz = make_office(town, counters=1, max_active_per_email=2)

    def book_direct(start, email="erika@example.org"):
        return booking.appointment_book_direct(
            location=location,
            demand={ausweis.id: 1},
            start=start,
            name="Erika Mustermann",
            email=email,
            now=NOW,
        )

    book_direct(at(2, 9))
    book_direct(at(2, 10), email="ERIKA@example.org")
    with pytest.raises(DomainError) as exc:
        book_direct(at(2, 11))
    assert exc.value.status == 429
    assert "bereits 2 Termine" in exc.value.message
    assert not Appointment.objects.filter(start=at(2, 11)).exists()
    other, _token = book_direct(at(2, 11), email="max@example.org")
    assert other.start == at(2, 11)


def test_cancelled_slot_returns_only_after_delay(town):
    location, counters, ausweis, kfz = make_office(town, counters=1, release_delay_minutes=30)
    appointment, token = book(location, ausweis, at(2, 9))
    booking.appointment_confirm(token=token, now=NOW)
    booking.appointment_cancel(appointment=appointment, now=NOW + timedelta(minutes=1))
    assert mail.outbox[-1].subject == "Ihr Termin ist abgesagt"

    def free(minutes):
        now = NOW + timedelta(minutes=minutes)
        return at(2, 9) in [
            s.start for s in availability.slots_on(location, {ausweis.id: 1}, at(2, 9).date(), now)
        ]

    assert not free(10)
    with pytest.raises(DomainError):
        booking.appointment_hold(
            location=location,
            demand={ausweis.id: 1},
            start=at(2, 9),
            now=NOW + timedelta(minutes=10),
        )
    assert free(32)
    booking.appointment_hold(
        location=location, demand={ausweis.id: 1}, start=at(2, 9), now=NOW + timedelta(minutes=32)
    )


def test_reschedule_is_an_atomic_swap(town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    appointment, token = book(location, ausweis, at(2, 9))
    booking.appointment_confirm(token=token, now=NOW)
    # overlapping its own old time is fine
    booking.appointment_reschedule(appointment=appointment, start=at(2, 9, 10), now=NOW)
    appointment.refresh_from_db()
    assert appointment.start == at(2, 9, 10) and appointment.status == S.CONFIRMED
    assert appointment_get_by_token(token=token).pk == appointment.pk
    other, _ = book(location, ausweis, at(2, 11), email="b@example.org")
    with pytest.raises(DomainError):
        booking.appointment_reschedule(appointment=appointment, start=at(2, 11), now=NOW)
    appointment.refresh_from_db()
    assert appointment.start == at(2, 9, 10)
    assert Appointment.objects.filter(status__in=Appointment.BLOCKING).count() == 2


def test_reminder_once_with_attend_and_release_links(town):
    location, counters, ausweis, kfz = make_office(town, counters=1, reminder_hours=24)
    appointment, token = book(location, ausweis, at(3, 9))
    booking.appointment_confirm(token=token, now=NOW)
    mail.outbox.clear()
    assert maintenance.appointments_send_reminders(now=at(2, 8)) == 0
    assert maintenance.appointments_send_reminders(now=at(2, 9, 30)) == 1
    assert maintenance.appointments_send_reminders(now=at(2, 10)) == 0
    body = mail.outbox[0].body
    assert "/termine/e/" in body and "/kommen/" in body and "/freigeben/" in body
    # the personal link of the confirmation still works
    assert appointment_get_by_token(token=token).pk == appointment.pk


def test_invalid_demand_is_a_german_domain_error(town, other_town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    foreign, *_ = make_office(other_town, counters=1)
    for demand in ({}, {"x": 1}, {ausweis.id: 99}, {ausweis.id: -1}, {10**20: 1}):
        with pytest.raises(DomainError):
            booking.appointment_hold(location=location, demand=demand, start=at(2, 9), now=NOW)
    other_service = foreign.counters.first().services.first()
    with pytest.raises(DomainError) as exc:
        booking.appointment_hold(
            location=location, demand={other_service.id: 1}, start=at(2, 9), now=NOW
        )
    assert exc.value.code == "unknown_service"


def test_public_holiday_has_no_slots(town):
    location, counters, ausweis, kfz = make_office(town, counters=1)
    # Karfreitag 2027 is 26 March
    assert availability.slots_on(location, {ausweis.id: 1}, at(26, 9).date(), NOW) == []
    assert availability.slots_on(location, {ausweis.id: 1}, at(25, 9).date(), NOW)
