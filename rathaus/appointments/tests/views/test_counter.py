# ruff: noqa: F401, F811  (pytest fixtures imported from counter_fixtures)
"""Staff pages: day view, check-in, call-up, display, walk-in, closures, permissions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from rathaus.appointments.models import Appointment, BookingPolicy, DateException
from rathaus.appointments.services import counter as counter_services
from rathaus.appointments.tests.counter_fixtures import (
    clerk,
    live_office,
    local_now,
    make_appointment,
    office,
    office_hours,
    today_at,
)
from rathaus.appointments.tests.helpers import NOW, at, make_office
from rathaus.core.models import Role

S = Appointment.Status
pytestmark = pytest.mark.django_db


def day_url(location, **params):
    query = "&".join(f"{k}={v}" for k, v in {"standort": location.pk, **params}.items())
    return f"{reverse('appointments:staff_day')}?{query}"


def test_start_page_links_to_staff_pages(client, clerk):
    client.force_login(clerk)
    body = client.get("/").content.decode()
    assert reverse("appointments:staff_day") in body
    assert reverse("appointments:statistics") in body


def test_day_view_lists_appointments_with_status_and_filters_by_counter(client, clerk, live_office):
    location, (c1, c2), ausweis, _kfz, paula = live_office
    other = make_appointment(
        location, c2, paula.start, ausweis, name="Otto Zweiter", status=S.CANCELLED
    )
    client.force_login(clerk)
    response = client.get(day_url(location))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Paula Beispiel" in body and "Otto Zweiter" in body
    assert ausweis.name in body and "bestätigt" in body and "abgesagt" in body
    assert paula.start.astimezone(local_now().tzinfo).strftime("%H:%M") in body
    only_c2 = client.get(day_url(location, schalter=c2.pk)).content.decode()
    assert "Otto Zweiter" in only_c2 and "Paula Beispiel" not in only_c2
    assert other.pk


def test_day_view_bad_filters_never_fail(client, clerk, live_office):
    location, *_ = live_office
    client.force_login(clerk)
    response = client.get(day_url(location, tag="gestern", schalter="x", status="kaputt"))
    assert response.status_code == 400  # the page with the message at the field (issue 9)
    assert "Bitte ein gültiges Datum eingeben" in response.content.decode()
    assert client.get(f"{reverse('appointments:staff_day')}?standort=abc").status_code == 404


def test_check_in_and_call_from_the_day_view(client, clerk, live_office):
    location, (c1, c2), _ausweis, _kfz, paula = live_office
    client.force_login(clerk)
    response = client.post(
        reverse("appointments:staff_check_in", kwargs={"appointment_id": paula.pk}), follow=True
    )
    assert "Angemeldet – Wartenummer A001" in response.content.decode()
    paula.refresh_from_db()
    assert paula.status == S.CHECKED_IN
    response = client.post(
        reverse("appointments:staff_call_next", kwargs={"location_id": location.pk}),
        {"counter": c2.pk},
        follow=True,
    )
    assert "A001 wurde zu „Schalter 2“ aufgerufen" in response.content.decode()
    paula.refresh_from_db()
    assert paula.status == S.CALLED and paula.called_counter_id == c2.pk
    # the chosen counter is remembered for the next call
    assert client.session["appointments_staff_counter"] == c2.pk
    response = client.post(
        reverse("appointments:staff_call", kwargs={"appointment_id": paula.pk}),
        {"counter": c1.pk},
        follow=True,
    )
    assert "bereits zu „Schalter 2“ aufgerufen" in response.content.decode()
    response = client.post(
        reverse("appointments:staff_served", kwargs={"appointment_id": paula.pk}), follow=True
    )
    assert "A001: erledigt" in response.content.decode()


def test_check_in_by_number_form(client, clerk, live_office):
    location, _c, _a, _k, paula = live_office
    client.force_login(clerk)
    url = reverse("appointments:staff_check_in_number", kwargs={"location_id": location.pk})
    body = client.post(url, {"number": "Q123"}, follow=True).content.decode()
    assert "keinen Termin mit der Nummer „Q123“" in body
    body = client.post(url, {"number": ""}, follow=True).content.decode()
    assert "Bitte eine Wartenummer oder Terminnummer eingeben." in body
    body = client.post(url, {"number": str(paula.pk)}, follow=True).content.decode()
    assert "A001 ist angemeldet." in body


def test_call_next_without_counter_or_queue_gives_german_message(client, clerk, live_office):
    location, (c1, _c2), *_ = live_office
    client.force_login(clerk)
    url = reverse("appointments:staff_call_next", kwargs={"location_id": location.pk})
    body = client.post(url, {}, follow=True).content.decode()
    assert "Bitte wählen Sie den Schalter" in body
    body = client.post(url, {"counter": c1.pk}, follow=True).content.decode()
    assert "Zurzeit wartet niemand" in body


# --------------------------------------------------------------------------- display


def test_display_needs_the_right_token_and_shows_calls(client, clerk, live_office):
    location, (_c1, c2), _a, _k, paula = live_office
    token = BookingPolicy.objects.get(location=location).display_token
    assert client.get(reverse("appointments:display", args=["x" * 32])).status_code == 404
    assert client.get(reverse("appointments:display", args=[token[:-1] + "#"])).status_code == 404
    url = reverse("appointments:display", args=[token])
    page = client.get(url)  # no login needed
    assert page.status_code == 200
    body = page.content.decode()
    assert 'aria-live="polite"' in body and 'hx-trigger="every 4s"' in body
    assert "Noch kein Aufruf" in body
    assert "Paula" not in body

    counter_services.appointment_check_in(appointment=paula)
    counter_services.appointment_call(appointment=paula, counter=c2)
    body = client.get(url).content.decode()
    assert "A001" in body and "Schalter 2" in body
    assert "Paula" not in body  # no names on a public screen


def test_display_poll_answers_204_until_something_changes(client, live_office):
    location, (_c1, c2), _a, _k, paula = live_office
    token = BookingPolicy.objects.get(location=location).display_token
    page = client.get(reverse("appointments:display", args=[token])).content.decode()
    poll = page.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert client.get(poll).status_code == 204
    counter_services.appointment_check_in(appointment=paula)
    counter_services.appointment_call(appointment=paula, counter=c2)
    fresh = client.get(poll)
    assert fresh.status_code == 200
    body = fresh.content.decode()
    assert 'hx-swap-oob="innerHTML"' in body and "A001" in body and "Schalter 2" in body
    new_poll = body.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert client.get(new_poll).status_code == 204


def test_display_shows_the_last_eight_calls_newest_first(client, live_office):
    location, (c1, c2), ausweis, _k, _paula = live_office
    tickets = [
        counter_services.walk_in_issue(
            location=location, demand={ausweis.pk: 1}, now=today_at(0, 1) + timedelta(seconds=i)
        )
        for i in range(10)
    ]
    for i, ticket in enumerate(tickets):
        counter_services.appointment_call(
            appointment=ticket, counter=(c1, c2)[i % 2], now=today_at(0, 2) + timedelta(seconds=i)
        )
    token = BookingPolicy.objects.get(location=location).display_token
    body = client.get(reverse("appointments:display", args=[token])).content.decode()
    shown = [t.ticket_number for t in tickets if t.ticket_number in body]
    assert shown == [t.ticket_number for t in tickets[2:]]
    assert body.index("W010") < body.index("W009") < body.index("W003")


# --------------------------------------------------------------------------- walk-in tickets


def test_walk_in_ticket_page(client, clerk, live_office):
    location, _c, ausweis, _k, _p = live_office
    client.force_login(clerk)
    url = reverse("appointments:staff_walk_in", kwargs={"location_id": location.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {f"leistung_{ausweis.pk}": "1", "name": "Walter"})
    assert response.status_code == 302
    ticket = client.get(response["Location"])
    body = ticket.content.decode()
    assert "W001" in body and ausweis.name in body and "Ihre Wartenummer" in body


def test_walk_in_refused_with_german_message_when_closed_today(client, clerk, town):
    location, _c, ausweis, _k = make_office(town, counters=1)
    DateException.objects.create(
        municipality=town, location=location, date=local_now().date(), closed=True
    )
    client.force_login(clerk)
    url = reverse("appointments:staff_walk_in", kwargs={"location_id": location.pk})
    response = client.post(url, {f"leistung_{ausweis.pk}": "1"})
    assert response.status_code == 409
    assert "keine Kapazität für eine Wartemarke" in response.content.decode()
    assert not Appointment.objects.filter(source="walk_in").exists()
    response = client.post(url, {f"leistung_{ausweis.pk}": "0"})
    assert "Bitte wählen Sie mindestens eine Leistung aus." in response.content.decode()
    response = client.post(url, {f"leistung_{ausweis.pk}": "99"})
    assert "Bitte eine Anzahl aus der Liste wählen." in response.content.decode()


# --------------------------------------------------------------------------- closures


def test_closure_page_lists_each_affected_appointment_outcome(client, clerk, town):
    location, (c1, c2), ausweis, kfz = make_office(town, counters=2, max_days_ahead=1)
    DateException.objects.create(
        municipality=town, location=location, date=date(2027, 3, 2), closed=True
    )
    make_appointment(location, c1, at(1, 9), ausweis, name="Anna Umbuchbar")
    make_appointment(location, c1, at(1, 9, 30), kfz, name="Bernd Warteliste")
    make_appointment(location, c1, at(1, 10), kfz, name="Carla Ohnemail", email="", phone="0123")
    exception, outcomes = counter_services.closure_close(
        location=location, day=date(2027, 3, 1), counter=c1, reason="Quarantäne", now=NOW
    )
    assert len(outcomes) == 3
    client.force_login(clerk)
    body = client.get(
        reverse("appointments:staff_closure_detail", kwargs={"exception_id": exception.pk})
    ).content.decode()
    anna = body.split("Anna Umbuchbar", 1)[1].split("</tr>", 1)[0]
    # same time at the other counter: nothing changes for Anna, so no mail (issue 11, point 12)
    assert "gleiche Uhrzeit, jetzt an „Schalter 2“ – keine E-Mail nötig" in anna
    bernd = body.split("Bernd Warteliste", 1)[1].split("</tr>", 1)[0]
    assert "Warteliste" in bernd
    carla = body.split("Carla Ohnemail", 1)[1].split("</tr>", 1)[0]
    assert "keine E-Mail-Adresse" in carla and "0123" in carla


def test_closure_form_validates_in_german_and_closes(client, clerk, town):
    location, (c1, _c2), _a, _k = make_office(town, counters=2)
    client.force_login(clerk)
    url = reverse("appointments:staff_closure")
    assert client.get(url).status_code == 200
    yesterday = local_now().date() - timedelta(days=1)
    response = client.post(url, {"location": location.pk, "day": yesterday.isoformat()})
    assert response.status_code == 422
    assert "Vergangenheit" in response.content.decode()
    response = client.post(url, {"location": location.pk, "day": "kein Datum"})
    assert "Bitte ein gültiges Datum eingeben" in response.content.decode()
    future = local_now().date() + timedelta(days=100)  # beyond the booking window: no rows
    fields = {"location": location.pk, "day": future.isoformat(), "counter": c1.pk}
    preview = client.post(url, fields)  # first the consequences, nothing closed yet
    assert preview.status_code == 200
    assert "Es sind keine gebuchten Termine betroffen." in preview.content.decode()
    assert not DateException.objects.filter(location=location, date=future).exists()
    response = client.post(url, {**fields, "bestaetigt": "1"})
    assert response.status_code == 302
    closed = DateException.objects.get(location=location, date=future)
    assert closed.counter_id == c1.pk and closed.closed
    detail = client.get(response["Location"]).content.decode()
    assert "Es waren keine gebuchten Termine betroffen." in detail


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.PLANNER, Role.LEADERSHIP])
def test_counter_work_needs_clerk_or_admin(client, make_user, town, live_office, role):
    location, (c1, _c2), _a, _k, paula = live_office
    client.force_login(make_user(role, municipality=town))
    assert client.get(day_url(location)).status_code == 403
    for name, kwargs in [
        ("staff_check_in", {"appointment_id": paula.pk}),
        ("staff_served", {"appointment_id": paula.pk}),
        ("staff_call_next", {"location_id": location.pk}),
        ("staff_walk_in", {"location_id": location.pk}),
    ]:
        assert client.post(reverse(f"appointments:{name}", kwargs=kwargs)).status_code == 403
    assert client.get(reverse("appointments:staff_closure")).status_code == 403
    paula.refresh_from_db()
    assert paula.status == S.CONFIRMED


def test_statistics_permission(client, make_user, town):
    url = reverse("appointments:statistics")
    client.force_login(make_user(Role.EMPLOYEE, municipality=town))
    assert client.get(url).status_code == 403
    assert client.get(reverse("appointments:statistics_csv")).status_code == 403
    for role in (Role.CLERK, Role.LEADERSHIP, Role.MUNICIPALITY_ADMIN):
        client.force_login(make_user(role, municipality=town))
        assert client.get(url).status_code == 200


def test_admin_may_do_counter_work(client, make_user, town, live_office):
    location, *_ = live_office
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    assert client.get(day_url(location)).status_code == 200


def test_anonymous_is_sent_to_login(client, live_office):
    location, *_ = live_office
    response = client.get(day_url(location))
    assert response.status_code == 302 and "anmelden" in response["Location"]


def test_other_municipality_gets_404(client, make_user, other_town, live_office):
    location, (c1, _c2), _a, _k, paula = live_office
    stranger = make_user(Role.CLERK, Role.MUNICIPALITY_ADMIN, municipality=other_town)
    client.force_login(stranger)
    assert client.get(day_url(location)).status_code == 404
    for name, kwargs in [
        ("staff_check_in", {"appointment_id": paula.pk}),
        ("staff_call", {"appointment_id": paula.pk}),
        ("staff_served", {"appointment_id": paula.pk}),
        ("staff_no_show", {"appointment_id": paula.pk}),
        ("staff_call_next", {"location_id": location.pk}),
        ("staff_check_in_number", {"location_id": location.pk}),
        ("staff_walk_in", {"location_id": location.pk}),
    ]:
        response = client.post(reverse(f"appointments:{name}", kwargs=kwargs), {"counter": c1.pk})
        assert response.status_code == 404, name
    ticket = counter_services.walk_in_issue(
        location=location, demand={_a.pk: 1}, now=today_at(0, 1)
    )
    url = reverse("appointments:staff_ticket", kwargs={"appointment_id": ticket.pk})
    assert client.get(url).status_code == 404
    paula.refresh_from_db()
    assert paula.status == S.CONFIRMED
    # closure form: locations of another municipality are not even offered
    response = client.post(
        reverse("appointments:staff_closure"),
        {"location": location.pk, "day": (local_now().date() + timedelta(days=1)).isoformat()},
    )
    assert "Bitte wählen Sie einen Standort aus der Liste." in response.content.decode()
    assert not DateException.objects.filter(location=location, closed=True).exists()
    # statistics of the other town show none of this town's locations
    body = client.get(reverse("appointments:statistics")).content.decode()
    assert location.name not in body


# --------------------------------------------------------------------------- issue 11


def test_done_is_offered_only_after_the_call_and_call_again_and_undo_work(
    client, clerk, live_office
):
    location, (c1, _c2), _ausweis, _kfz, paula = live_office
    client.force_login(clerk)
    counter_services.appointment_check_in(appointment=paula)
    body = client.get(day_url(location)).content.decode()
    assert f'id="served-{paula.pk}"' not in body  # "Erledigt" before the call: gone
    client.post(
        reverse("appointments:staff_call", kwargs={"appointment_id": paula.pk}), {"counter": c1.pk}
    )
    body = client.get(day_url(location)).content.decode()
    assert f'id="served-{paula.pk}"' in body and f'id="call-again-{paula.pk}"' in body
    again = client.post(
        reverse("appointments:staff_call_again", kwargs={"appointment_id": paula.pk}), follow=True
    )
    assert "A001 wurde erneut zu „Schalter 1“ aufgerufen." in again.content.decode()
    client.post(reverse("appointments:staff_served", kwargs={"appointment_id": paula.pk}))
    undo = client.post(
        reverse("appointments:staff_undo", kwargs={"appointment_id": paula.pk}), follow=True
    )
    assert "A001: rückgängig gemacht – jetzt wieder „aufgerufen“." in undo.content.decode()
    paula.refresh_from_db()
    assert paula.status == S.CALLED


def test_day_view_poll_answers_204_until_a_check_in_elsewhere(client, clerk, live_office):
    location, _c, _a, _k, paula = live_office
    client.force_login(clerk)
    page = client.get(day_url(location))
    poll_query = page.context["poll_query"]
    poll = f"{reverse('appointments:staff_day_poll')}?{poll_query}"
    assert f'hx-get="{reverse("appointments:staff_day_poll")}' in page.content.decode()
    assert client.get(poll).status_code == 204
    counter_services.appointment_check_in(appointment=paula)  # at reception
    fresh = client.get(poll)
    body = fresh.content.decode()
    assert fresh.status_code == 200
    assert 'id="day-announce"' in body and "Neu angemeldet: A001." in body
    assert 'hx-swap-oob="innerHTML"' in body and f"termin-{paula.pk}" in body
    assert client.get(f"{reverse('appointments:staff_day_poll')}?standort=x").status_code == 404


def test_check_in_button_says_check_in_in_english(client, clerk, live_office):
    location, *_ = live_office
    client.force_login(clerk)
    body = client.get(day_url(location), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Check in" in body and "Log in<span" not in body
    assert "Tagesübersicht" not in body and "Aufruf" not in body


def test_closing_shows_the_consequences_and_asks_first(client, clerk, town):
    location, (c1, _c2), ausweis, _kfz = make_office(town, counters=2)
    day = local_now().date() + timedelta(days=7)
    while day.weekday() > 4:
        day += timedelta(days=1)
    start = local_now().replace(
        year=day.year, month=day.month, day=day.day, hour=9, minute=0, second=0, microsecond=0
    )
    make_appointment(location, c1, start, ausweis, name="Anna Gleichzeit")
    client.force_login(clerk)
    url = reverse("appointments:staff_closure")
    fields = {"location": location.pk, "day": day.isoformat(), "counter": c1.pk}
    preview = client.post(url, fields).content.decode()
    assert "Bitte prüfen: Folgen der Schließung" in preview
    assert "Gleiche Uhrzeit an einem anderen Schalter – keine E-Mail" in preview
    assert "Anna Gleichzeit" in preview and "Ja, jetzt schließen" in preview
    assert not DateException.objects.filter(location=location, date=day).exists()
    assert client.post(url, {**fields, "bestaetigt": "1"}).status_code == 302
    assert DateException.objects.filter(location=location, date=day, counter=c1).exists()
