"""Terminagent: double opt-in, offers in order of registration, time-of-day wishes, deadlines."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail

from rathaus.appointments.models import (
    Appointment,
    WaitingListEntry,
    WaitingListOffer,
)
from rathaus.appointments.selectors import availability
from rathaus.appointments.services import booking, maintenance, waiting_list
from rathaus.appointments.tests.helpers import NOW, at, fill_day, make_office, waiting
from rathaus.core.problems import DomainError

S = Appointment.Status
pytestmark = pytest.mark.django_db(transaction=True)


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
