# ruff: noqa: F401, F811  (pytest fixtures imported from counter_fixtures)
"""Counter work: check-in, fair call-up order, no double calls, walk-in capacity, closures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.appointments.models import Appointment, ClosureOutcome, DateException
from rathaus.appointments.selectors import counter as counter_selectors
from rathaus.appointments.services import counter as counter_services
from rathaus.appointments.tests.counter_fixtures import make_appointment, office
from rathaus.appointments.tests.helpers import NOW, at, make_office
from rathaus.core.models import AuditEntry
from rathaus.core.problems import Conflict, DomainError, NotFound

S = Appointment.Status
pytestmark = pytest.mark.django_db


def check_in(appointment, when):
    return counter_services.appointment_check_in(appointment=appointment, now=when)


def test_check_in_gives_waiting_numbers_in_order(office):
    location, (c1, c2), ausweis, _kfz = office
    a = make_appointment(location, c1, at(1, 9), ausweis)
    b = make_appointment(location, c2, at(1, 9), ausweis)
    assert check_in(b, at(1, 8, 50)).ticket_number == "A001"
    a = check_in(a, at(1, 8, 55))
    assert a.ticket_number == "A002"
    assert a.status == S.CHECKED_IN and a.checked_in_at == at(1, 8, 55)
    with pytest.raises(Conflict, match="bereits angemeldet"):
        check_in(a, at(1, 8, 56))


def test_check_in_by_ticket_or_appointment_number(office):
    location, (c1, _c2), ausweis, _kfz = office
    a = make_appointment(location, c1, at(1, 9), ausweis)
    checked = counter_services.appointment_check_in_by_number(
        location=location, number=str(a.pk), now=at(1, 8, 45)
    )
    assert checked.pk == a.pk and checked.ticket_number == "A001"
    with pytest.raises(Conflict):
        counter_services.appointment_check_in_by_number(
            location=location, number="a001", now=at(1, 8, 46)
        )
    with pytest.raises(NotFound, match="keinen Termin mit der Nummer „Z999“"):
        counter_services.appointment_check_in_by_number(
            location=location, number="Z999", now=at(1, 8, 46)
        )


def test_check_in_refused_on_another_day_and_for_cancelled(office):
    location, (c1, _c2), ausweis, _kfz = office
    tomorrow = make_appointment(location, c1, at(2, 9), ausweis)
    with pytest.raises(DomainError, match="nicht für heute"):
        check_in(tomorrow, at(1, 9))
    cancelled = make_appointment(location, c1, at(1, 10), ausweis, status=S.CANCELLED)
    with pytest.raises(Conflict, match="abgesagt"):
        check_in(cancelled, at(1, 9))


def test_call_up_order_is_fair_by_appointment_time_and_ticket_issue_time(office):
    location, (c1, c2), ausweis, _kfz = office
    a = make_appointment(location, c1, at(1, 9, 0), ausweis, name="A")
    b = make_appointment(location, c2, at(1, 9, 15), ausweis, name="B")
    later = make_appointment(location, c1, at(1, 10, 30), ausweis, name="später")
    check_in(b, at(1, 8, 50))  # came first, but booked later than A
    check_in(a, at(1, 8, 58))
    check_in(later, at(1, 9, 0))  # far too early for 10:30
    w1 = counter_services.walk_in_issue(location=location, demand={ausweis.pk: 1}, now=at(1, 9, 5))
    w2 = counter_services.walk_in_issue(location=location, demand={ausweis.pk: 1}, now=at(1, 9, 20))
    assert (w1.ticket_number, w2.ticket_number) == ("W001", "W002")

    order = [
        counter_services.appointment_call_next(counter=c2, now=at(1, 9, 20) + timedelta(seconds=i))
        for i in range(5)
    ]
    assert [x.pk for x in order] == [a.pk, w1.pk, b.pk, w2.pk, later.pk]
    assert all(x.status == S.CALLED and x.called_counter_id == c2.pk for x in order)
    with pytest.raises(Conflict, match="Zurzeit wartet niemand"):
        counter_services.appointment_call_next(counter=c2, now=at(1, 9, 30))


def test_appointment_not_yet_due_waits_behind_walk_ins(office):
    location, (c1, _c2), ausweis, _kfz = office
    early = make_appointment(location, c1, at(1, 10), ausweis)
    check_in(early, at(1, 9))
    walk_in = counter_services.walk_in_issue(
        location=location, demand={ausweis.pk: 1}, now=at(1, 9, 30)
    )
    entries = counter_selectors.queue(location, now=at(1, 9, 31))
    assert [(e.appointment.pk, e.due) for e in entries] == [(walk_in.pk, True), (early.pk, False)]
    # from five minutes before its time the appointment is due (key 10:00 > 9:30)
    entries = counter_selectors.queue(location, now=at(1, 9, 56))
    assert [e.appointment.pk for e in entries] == [walk_in.pk, early.pk]
    assert all(e.due for e in entries)


def test_counter_calls_only_citizens_it_can_serve(office):
    location, (c1, c2), ausweis, kfz = office
    car = make_appointment(location, c1, at(1, 9), kfz)
    check_in(car, at(1, 8, 55))
    with pytest.raises(Conflict, match="Schalter 2"):
        counter_services.appointment_call_next(counter=c2, now=at(1, 9))
    called = counter_services.appointment_call_next(counter=c1, now=at(1, 9))
    assert called.pk == car.pk


def test_same_citizen_cannot_be_called_twice(office):
    location, (c1, c2), ausweis, _kfz = office
    a = make_appointment(location, c1, at(1, 9), ausweis)
    check_in(a, at(1, 8, 55))
    counter_services.appointment_call(appointment=a, counter=c1, now=at(1, 9))
    with pytest.raises(Conflict, match="bereits zu „Schalter 1“ aufgerufen"):
        counter_services.appointment_call(appointment=a, counter=c2, now=at(1, 9, 1))
    with pytest.raises(Conflict):
        counter_services.appointment_call_next(counter=c2, now=at(1, 9, 1))
    a.refresh_from_db()
    assert a.called_counter_id == c1.pk and a.called_at == at(1, 9)


def test_call_refused_at_closed_or_foreign_counter(office, town):
    location, (c1, c2), ausweis, _kfz = office
    other_location, (foreign, _x), _a, _k = make_office(town, counters=2, name="Nebenstelle")
    a = make_appointment(location, c1, at(1, 9), ausweis)
    check_in(a, at(1, 8, 55))
    with pytest.raises(DomainError, match="anderen Standort"):
        counter_services.appointment_call(appointment=a, counter=foreign, now=at(1, 9))
    DateException.objects.create(
        municipality=town, location=location, counter=c2, date=date(2027, 3, 1), closed=True
    )
    with pytest.raises(DomainError, match="heute geschlossen"):
        counter_services.appointment_call(appointment=a, counter=c2, now=at(1, 9))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(
        st.tuples(st.booleans(), st.integers(0, 30), st.integers(0, 40)), min_size=1, max_size=8
    ),
    counters_pick=st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_property_everyone_called_once_in_fair_order(office, people, counters_pick):
    """Whatever arrives, calling from two counters calls each waiting person exactly once,
    and due people leave the queue in the order of their appointment/issue time."""
    location, counters, ausweis, _kfz = office
    with transaction.atomic():
        waiting = []
        for i, (walk_in, slot, arrival) in enumerate(people):
            arrive = at(1, 8, 30) + timedelta(minutes=arrival, seconds=i)
            if walk_in:
                w = counter_services.walk_in_issue(
                    location=location, demand={ausweis.pk: 1}, now=arrive
                )
                waiting.append(w.pk)
            else:
                start = at(1, 8) + timedelta(minutes=15 * (slot % 16))
                counter = counters[i % 2]
                if Appointment.objects.filter(
                    counter=counter, start__lt=start + timedelta(minutes=15), end__gt=start
                ).exists():
                    continue
                a = make_appointment(location, counter, start, ausweis)
                check_in(a, arrive)
                waiting.append(a.pk)
        now = at(1, 12)  # everyone is due
        keys = []
        called = []
        for pick in counters_pick + [True] * len(waiting):
            try:
                c = counter_services.appointment_call_next(counter=counters[int(pick)], now=now)
            except Conflict:
                break
            called.append(c.pk)
            keys.append(c.checked_in_at if c.source == "walk_in" else c.start)
        assert sorted(called) == sorted(waiting)
        assert len(set(called)) == len(called)
        assert keys == sorted(keys)
        transaction.set_rollback(True)


def test_served_and_no_show(office):
    location, (c1, c2), ausweis, _kfz = office
    a = make_appointment(location, c1, at(1, 9), ausweis)
    b = make_appointment(location, c2, at(1, 9), ausweis)
    future = make_appointment(location, c1, at(1, 11), ausweis)
    check_in(a, at(1, 8, 55))
    counter_services.appointment_call(appointment=a, counter=c1, now=at(1, 9))
    served = counter_services.appointment_mark_served(appointment=a, now=at(1, 9, 12))
    assert served.status == S.SERVED and served.served_at == at(1, 9, 12)
    with pytest.raises(Conflict):
        counter_services.appointment_mark_served(appointment=a, now=at(1, 9, 13))
    gone = counter_services.appointment_mark_no_show(appointment=b, now=at(1, 9, 20))
    assert gone.status == S.NO_SHOW and gone.no_show_at == at(1, 9, 20)
    with pytest.raises(DomainError, match="noch nicht begonnen"):
        counter_services.appointment_mark_no_show(appointment=future, now=at(1, 9, 20))


# --------------------------------------------------------------------------- walk-in capacity


def test_walk_in_refused_when_no_capacity_left(town):
    location, (c1,), ausweis, _kfz = make_office(town, counters=1)
    # 11:15: 45 minutes left at the only counter, 15 of them booked
    make_appointment(location, c1, at(1, 11, 30), ausweis)
    first = counter_services.walk_in_issue(
        location=location, demand={ausweis.pk: 1}, now=at(1, 11, 15)
    )
    assert first.status == S.CHECKED_IN and first.source == "walk_in"
    assert first.counter_id is None and first.ticket_number == "W001"
    counter_services.walk_in_issue(location=location, demand={ausweis.pk: 1}, now=at(1, 11, 15))
    with pytest.raises(Conflict, match="keine Kapazität für eine Wartemarke") as exc:
        counter_services.walk_in_issue(location=location, demand={ausweis.pk: 1}, now=at(1, 11, 15))
    assert exc.value.code == "no_walk_in_capacity"
    assert "frei 0 Minuten" in exc.value.message
    # once a ticket is served its time is free again; the refused one used no number
    counter_services.appointment_call(appointment=first, counter=c1, now=at(1, 11, 15))
    counter_services.appointment_mark_served(appointment=first, now=at(1, 11, 15))
    third = counter_services.walk_in_issue(
        location=location, demand={ausweis.pk: 1}, now=at(1, 11, 15)
    )
    assert third.ticket_number == "W003"


def test_walk_in_needs_a_counter_offering_all_services(town):
    location, (c1, c2), ausweis, kfz = make_office(town, counters=2)
    # Kfz (30 min) only at Schalter 1, which is fully booked from 11:00
    make_appointment(location, c1, at(1, 11), kfz, minutes=60)
    with pytest.raises(Conflict, match="benötigt 30 Minuten, frei 0 Minuten"):
        counter_services.walk_in_issue(location=location, demand={kfz.pk: 1}, now=at(1, 11))
    ticket = counter_services.walk_in_issue(
        location=location, demand={ausweis.pk: 2}, now=at(1, 11)
    )
    assert ticket.end - ticket.start == timedelta(minutes=30)


def test_walk_in_refused_when_closed_disabled_or_invalid(town):
    location, _counters, ausweis, _kfz = make_office(town, counters=1, walk_in_enabled=False)
    with pytest.raises(DomainError, match="keine Wartemarken"):
        counter_services.walk_in_issue(location=location, demand={ausweis.pk: 1}, now=at(1, 9))
    open_location, _c, service, _k = make_office(town, counters=1, name="Zweigstelle")
    with pytest.raises(Conflict, match="keine Kapazität"):  # Saturday: closed
        counter_services.walk_in_issue(location=open_location, demand={service.pk: 1}, now=at(6, 9))
    with pytest.raises(DomainError, match="mindestens eine Leistung"):
        counter_services.walk_in_issue(location=open_location, demand={}, now=at(1, 9))


# --------------------------------------------------------------------------- closures


@pytest.fixture
def closure_case(town):
    """Monday with three appointments at Schalter 1; Tuesday (the only other day) closed."""
    location, (c1, c2), ausweis, kfz = make_office(town, counters=2, max_days_ahead=1)
    DateException.objects.create(
        municipality=town, location=location, date=date(2027, 3, 2), closed=True
    )
    movable = make_appointment(location, c1, at(1, 9), ausweis, name="Anna Umbuchbar")
    stuck = make_appointment(location, c1, at(1, 9, 30), kfz, name="Bernd Warteliste")
    unreachable = make_appointment(
        location, c1, at(1, 10), kfz, name="Carla Ohnemail", email="", phone="0123 456"
    )
    return location, c1, c2, movable, stuck, unreachable


def test_closing_a_counter_handles_every_appointment(
    closure_case, django_capture_on_commit_callbacks, mailoutbox
):
    location, c1, c2, movable, stuck, unreachable = closure_case
    with django_capture_on_commit_callbacks(execute=True):
        exception, outcomes = counter_services.closure_close(
            location=location, day=date(2027, 3, 1), counter=c1, reason="Team B Quarantäne", now=NOW
        )
    results = {o.appointment_id: o for o in outcomes}
    assert results[movable.pk].result == ClosureOutcome.Result.REBOOKED
    assert results[movable.pk].new_start == at(1, 9)
    movable.refresh_from_db()
    assert movable.counter_id == c2.pk
    assert results[stuck.pk].result == ClosureOutcome.Result.WAITING_LIST
    assert results[unreachable.pk].result == ClosureOutcome.Result.CANCELLED
    assert {m.to[0] for m in mailoutbox} >= {"erika@example.org"}
    assert AuditEntry.objects.filter(
        object_type="appointments.DateException", object_id=str(exception.pk)
    ).exists()


def test_closure_refused_in_past_twice_or_for_foreign_counter(closure_case, town):
    location, c1, _c2, *_ = closure_case
    with pytest.raises(DomainError, match="Vergangenheit"):
        counter_services.closure_close(location=location, day=date(2027, 2, 26), now=NOW)
    counter_services.closure_close(location=location, day=date(2027, 3, 3), now=NOW)
    with pytest.raises(Conflict, match="bereits geschlossen"):
        counter_services.closure_close(location=location, day=date(2027, 3, 3), counter=c1, now=NOW)
    other, (foreign, _x), _a, _k = make_office(town, counters=2, name="Anderer Standort")
    with pytest.raises(DomainError, match="anderen Standort"):
        counter_services.closure_close(
            location=location, day=date(2027, 3, 4), counter=foreign, now=NOW
        )


# --------------------------------------------------------------------------- issue 11


def test_served_only_after_the_person_was_called(office):
    location, (c1, _c2), ausweis, _kfz = office
    a = check_in(make_appointment(location, c1, at(1, 9), ausweis), at(1, 8, 55))
    with pytest.raises(Conflict, match="bitte zuerst aufrufen") as exc:
        counter_services.appointment_mark_served(appointment=a, now=at(1, 9))
    assert exc.value.code == "not_servable"
    counter_services.appointment_call(appointment=a, counter=c1, now=at(1, 9))
    assert counter_services.appointment_mark_served(appointment=a, now=at(1, 9, 10)).status == (
        S.SERVED
    )


def test_call_again_shows_the_call_as_newest_on_the_display(office):
    location, (c1, c2), ausweis, _kfz = office
    a = check_in(make_appointment(location, c1, at(1, 9), ausweis), at(1, 8, 50))
    b = check_in(make_appointment(location, c2, at(1, 9), ausweis), at(1, 8, 55))
    counter_services.appointment_call(appointment=a, counter=c1, now=at(1, 9, 1))
    counter_services.appointment_call(appointment=b, counter=c2, now=at(1, 9, 2))
    before = counter_selectors.display_data(location, now=at(1, 9, 3))
    assert before.calls[0].ticket_number == b.ticket_number
    again = counter_services.appointment_call_again(appointment=a, now=at(1, 9, 4))
    assert again.status == S.CALLED and again.called_counter_id == c1.pk
    after = counter_selectors.display_data(location, now=at(1, 9, 5))
    assert after.calls[0].ticket_number == a.ticket_number
    assert after.calls[0].counter_name == "Schalter 1" and after.version != before.version
    waiting = make_appointment(location, c1, at(1, 10), ausweis)
    with pytest.raises(Conflict, match="erneut aufgerufen") as exc:
        counter_services.appointment_call_again(appointment=waiting, now=at(1, 9, 5))
    assert exc.value.code == "not_called"


def test_undo_served_and_no_show_restores_the_status_before(office, make_user, town):
    location, (c1, c2), ausweis, _kfz = office
    clerk = make_user("clerk", municipality=town)
    a = check_in(make_appointment(location, c1, at(1, 9), ausweis), at(1, 8, 55))
    counter_services.appointment_call(appointment=a, counter=c1, now=at(1, 9))
    counter_services.appointment_mark_served(appointment=a, now=at(1, 9, 5))
    undone = counter_services.appointment_undo_outcome(appointment=a, now=at(1, 9, 6), actor=clerk)
    assert undone.status == S.CALLED and undone.served_at is None
    assert AuditEntry.objects.filter(
        object_id=str(a.pk), actor=clerk, summary="Ergebnis am Schalter rückgängig gemacht"
    ).exists()
    b = make_appointment(location, c2, at(1, 9), ausweis)
    counter_services.appointment_mark_no_show(appointment=b, now=at(1, 9, 20))
    back = counter_services.appointment_undo_outcome(appointment=b, now=at(1, 9, 21))
    assert back.status == S.CONFIRMED and back.no_show_at is None
    with pytest.raises(Conflict, match="rückgängig") as exc:
        counter_services.appointment_undo_outcome(appointment=b, now=at(1, 9, 22))
    assert exc.value.code == "not_undoable"
    counter_services.appointment_mark_no_show(appointment=b, now=at(1, 9, 30))
    with pytest.raises(DomainError, match="nur am Tag des Termins") as late:
        counter_services.appointment_undo_outcome(appointment=b, now=at(2, 8))
    assert late.value.code == "not_today"


def test_closure_preview_names_each_consequence_and_changes_nothing(
    town, django_capture_on_commit_callbacks
):
    location, (c1, c2), ausweis, kfz = make_office(town, counters=2, max_days_ahead=1)
    DateException.objects.create(
        municipality=town, location=location, date=date(2027, 3, 2), closed=True
    )
    anna = make_appointment(location, c1, at(1, 9), ausweis, name="Anna Gleichzeit")
    dora = make_appointment(location, c1, at(1, 10), ausweis, name="Dora Neuzeit")
    make_appointment(location, c2, at(1, 10), ausweis, name="Emil Bleibt")
    make_appointment(location, c1, at(1, 9, 30), kfz, name="Bernd Warteliste")
    make_appointment(location, c1, at(1, 11), kfz, name="Carla Ohnemail", email="", phone="0123")
    with django_capture_on_commit_callbacks(execute=True):
        rows = counter_services.closure_preview(
            location=location, day=date(2027, 3, 1), counter=c1, now=NOW
        )
    kinds = {row.name: row.kind for row in rows}
    assert kinds == {
        "Anna Gleichzeit": "same_time",
        "Dora Neuzeit": "new_time",
        "Bernd Warteliste": "waiting_list",
        "Carla Ohnemail": "cancelled",
    }
    same = next(r for r in rows if r.kind == "same_time")
    assert same.new_start == at(1, 9) and same.new_counter == "Schalter 2"
    assert next(r for r in rows if r.kind == "cancelled").phone == "0123"
    # nothing happened: no closure, no outcome, no mail sent, appointments untouched (what
    # runs on commit is only the index forgetting its stored earliest slots)
    assert mail.outbox == []
    assert not DateException.objects.filter(date=date(2027, 3, 1)).exists()
    assert not ClosureOutcome.objects.exists()
    anna.refresh_from_db()
    dora.refresh_from_db()
    assert (anna.counter_id, anna.start, dora.start) == (c1.pk, at(1, 9), at(1, 10))
    assert Appointment.objects.filter(status=S.CANCELLED).count() == 0
    # the real closure does what the preview said
    _exception, outcomes = counter_services.closure_close(
        location=location, day=date(2027, 3, 1), counter=c1, now=NOW
    )
    assert sorted(o.appointment.citizen_name for o in outcomes) == sorted(kinds)
