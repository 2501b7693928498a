"""Terminagent offers in order, closures that rebook everyone, retention of personal data."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.test import override_settings

from rathaus.appointments.models import (
    Appointment,
    ClosureOutcome,
    WaitingListEntry,
    WaitingListOffer,
)
from rathaus.appointments.selectors import availability
from rathaus.appointments.services import booking, closures, maintenance, waiting_list
from rathaus.appointments.tests.helpers import NOW, at, make_office
from rathaus.core.problems import DomainError

S = Appointment.Status
pytestmark = pytest.mark.django_db(transaction=True)


def confirmed(location, service, start, email, now=NOW):
    hold, token = booking.appointment_hold(
        location=location, demand={service.id: 1}, start=start, now=now
    )
    appointment, token = booking.appointment_book(
        hold_token=token, name=email.split("@")[0], email=email, now=now
    )
    booking.appointment_confirm(token=token, now=now)
    return appointment, token


def fill_day(location, service, day, now=NOW):
    """Book every free slot of a day (one counter)."""
    made = []
    while True:
        slots = availability.slots_on(location, {service.id: 1}, day, now)
        if not slots:
            return made
        made.append(
            confirmed(location, service, slots[0].start, f"fill{len(made)}@example.org", now)[0]
        )


def waiting(town, location, service, email, now=NOW, **kwargs):
    entry, token = waiting_list.waiting_list_entry_create(
        municipality=town,
        locations=[location],
        demand={service.id: 1},
        date_from=at(2, 8).date(),
        date_to=at(2, 8).date(),
        weekdays=[0, 1, 2, 3, 4],
        time_from=kwargs.get("time_from", time(8)),
        time_to=kwargs.get("time_to", time(12)),
        email=email,
        now=now,
    )
    return entry, token


def test_waiting_list_double_opt_in_and_offers_in_order(town):
    location, counters, ausweis, kfz = make_office(town, counters=1, max_active_per_email=50)
    booked = fill_day(location, ausweis, at(2, 8).date())
    first, first_token = waiting(town, location, ausweis, "erste@example.org")
    second, second_token = waiting(
        town, location, ausweis, "zweite@example.org", now=NOW + timedelta(minutes=1)
    )
    assert first.status == WaitingListEntry.Status.PENDING
    assert "terminagent" in mail.outbox[-1].body
    waiting_list.waiting_list_entry_confirm(token=first_token, now=NOW)
    waiting_list.waiting_list_entry_confirm(token=second_token, now=NOW)
    mail.outbox.clear()
    # one slot is freed: the earlier registration gets the offer, and the slot is held
    booking.appointment_cancel(appointment=booked[3], now=NOW, release_delay=False)
    offers = list(WaitingListOffer.objects.all())
    assert [o.entry_id for o in offers] == [first.id]
    offer = offers[0]
    assert offer.slot_start == booked[3].start
    assert offer.appointment.status == S.HELD
    assert availability.find_slot(location, {ausweis.id: 1}, booked[3].start, NOW) is None
    offer_mail = [m for m in mail.outbox if m.to == ["erste@example.org"]][0]
    offer_token = re.search(r"/termine/angebot/([^/]+)/", offer_mail.body).group(1)
    # the first declines: the same slot goes to the second
    waiting_list.waiting_list_offer_decline(token=offer_token, now=NOW + timedelta(minutes=5))
    offers = list(WaitingListOffer.objects.order_by("id"))
    assert [(o.entry_id, o.status) for o in offers] == [
        (first.id, WaitingListOffer.Status.DECLINED),
        (second.id, WaitingListOffer.Status.OFFERED),
    ]
    second_mail = [m for m in mail.outbox if m.to == ["zweite@example.org"]][0]
    token2 = re.search(r"/termine/angebot/([^/]+)/", second_mail.body).group(1)
    appointment, personal = waiting_list.waiting_list_offer_accept(
        token=token2, now=NOW + timedelta(minutes=6)
    )
    assert (
        appointment.status == S.CONFIRMED and appointment.source == Appointment.Source.WAITING_LIST
    )
    assert appointment.citizen_email == "zweite@example.org"
    assert WaitingListEntry.objects.get(pk=second.pk).status == WaitingListEntry.Status.FULFILLED
    assert mail.outbox[-1].subject == "Terminbestätigung"


def test_expired_offer_passes_to_next_entry(town):
    location, counters, ausweis, kfz = make_office(
        town, counters=1, offer_minutes=30, max_active_per_email=50
    )
    booked = fill_day(location, ausweis, at(2, 8).date())
    first, t1 = waiting(town, location, ausweis, "a@example.org")
    second, t2 = waiting(town, location, ausweis, "b@example.org", now=NOW + timedelta(seconds=1))
    waiting_list.waiting_list_entry_confirm(token=t1, now=NOW)
    waiting_list.waiting_list_entry_confirm(token=t2, now=NOW)
    booking.appointment_cancel(appointment=booked[0], now=NOW, release_delay=False)
    assert WaitingListOffer.objects.get().entry_id == first.id
    maintenance.appointments_release_expired(now=NOW + timedelta(minutes=31))
    statuses = list(WaitingListOffer.objects.order_by("id").values_list("entry_id", "status"))
    assert statuses == [(first.id, "expired"), (second.id, "offered")]


def test_waiting_list_respects_time_of_day(town):
    location, counters, ausweis, kfz = make_office(town, counters=1, max_active_per_email=50)
    booked = fill_day(location, ausweis, at(2, 8).date())
    entry, token = waiting(
        town, location, ausweis, "spaet@example.org", time_from=time(11), time_to=time(12)
    )
    waiting_list.waiting_list_entry_confirm(token=token, now=NOW)
    booking.appointment_cancel(appointment=booked[0], now=NOW, release_delay=False)  # 08:00
    assert not WaitingListOffer.objects.exists()
    late = [a for a in booked if a.start == at(2, 11)][0]
    booking.appointment_cancel(appointment=late, now=NOW, release_delay=False)
    assert WaitingListOffer.objects.get().slot_start == late.start


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


def test_tasks_run_inline(town):
    from rathaus.appointments import tasks

    location, counters, ausweis, kfz = make_office(town, counters=1)
    tasks.release_expired.delay()
    tasks.purge_personal_data.delay()
    tasks.send_reminders.delay()


def test_offer_accept_after_deadline_is_410(town):
    location, counters, ausweis, kfz = make_office(
        town, counters=1, offer_minutes=10, max_active_per_email=50
    )
    booked = fill_day(location, ausweis, at(2, 8).date())
    entry, token = waiting(town, location, ausweis, "c@example.org")
    waiting_list.waiting_list_entry_confirm(token=token, now=NOW)
    booking.appointment_cancel(appointment=booked[1], now=NOW, release_delay=False)
    offer_token = re.search(r"/termine/angebot/([^/]+)/", mail.outbox[-1].body).group(1)
    with pytest.raises(DomainError) as exc:
        waiting_list.waiting_list_offer_accept(token=offer_token, now=NOW + timedelta(minutes=11))
    assert exc.value.status == 410
