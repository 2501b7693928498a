# ruff: noqa: F401, F811  (pytest fixtures imported from counter_fixtures)
"""The clerk's pages for a caller: book, find by name, move, cancel (issue 11)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from rathaus.appointments.models import Appointment
from rathaus.appointments.tests.counter_fixtures import (
    clerk,
    live_office,
    local_now,
    make_appointment,
    office_hours,
)
from rathaus.core.models import AuditEntry, Role

S = Appointment.Status
pytestmark = pytest.mark.django_db


def test_clerk_books_for_a_caller_in_two_steps(client, clerk, live_office):
    location, _counters, ausweis, _kfz, _paula = live_office
    client.force_login(clerk)
    url = reverse("appointments:caller_book", kwargs={"location_id": location.pk})
    assert client.get(url).status_code == 200
    today = local_now().date().isoformat()  # the office is open all day today
    search = {f"leistung_{ausweis.pk}": "1", "tag": today}
    step2 = client.get(url, search)
    body = step2.content.decode()
    assert step2.status_code == 200 and "Termin buchen" in body and 'name="start"' in body
    start = step2.context["form"].fields["start"].choices[-1][0]
    missing = client.post(url, {**search, "start": start, "name": ""})
    assert missing.status_code == 422
    assert "Bitte geben Sie den Namen der anrufenden Person an." in missing.content.decode()
    done = client.post(url, {**search, "start": start, "name": "Ida Telefon", "phone": "0201"})
    assert done.status_code == 302
    booked = Appointment.objects.get(citizen_name="Ida Telefon")
    assert booked.status == S.CONFIRMED and booked.source == "staff"
    assert AuditEntry.objects.filter(object_id=str(booked.pk), actor=clerk).exists()
    found = client.get(done["Location"]).content.decode()
    assert "Termin gebucht für Ida Telefon" in found and f"gefunden-{booked.pk}" in found


def test_search_by_name_then_move_and_cancel(client, clerk, live_office):
    location, (c1, _c2), ausweis, _kfz, _paula = live_office
    later = (local_now() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    otto = make_appointment(location, c1, later, ausweis, name="Otto Findbar", email="")
    client.force_login(clerk)
    find = reverse("appointments:caller_find", kwargs={"location_id": location.pk})
    body = client.get(find, {"q": "findbar"}).content.decode()
    assert "Otto Findbar" in body and "Paula Beispiel" not in body
    assert client.get(find, {"q": "x"}).status_code == 400  # too short, message at the field
    move = reverse("appointments:caller_move", kwargs={"appointment_id": otto.pk})
    day = local_now().date()  # open all day today: move it to this evening
    page = client.get(move, {"tag": day.isoformat()})
    start = page.context["form"].fields["start"].choices[-1][0]
    assert client.post(move, {"tag": day.isoformat(), "start": start}).status_code == 302
    otto.refresh_from_db()
    assert otto.start == datetime.fromisoformat(start)
    cancel = reverse("appointments:caller_cancel", kwargs={"appointment_id": otto.pk})
    assert "Ja, Termin absagen" in client.get(cancel).content.decode()
    assert client.post(cancel).status_code == 302
    otto.refresh_from_db()
    assert otto.status == S.CANCELLED


def test_caller_pages_are_scoped_and_need_the_counter_permission(
    client, make_user, other_town, town, live_office
):
    location, _c, _a, _k, paula = live_office
    urls = [
        reverse("appointments:caller_book", kwargs={"location_id": location.pk}),
        reverse("appointments:caller_find", kwargs={"location_id": location.pk}),
        reverse("appointments:caller_move", kwargs={"appointment_id": paula.pk}),
        reverse("appointments:caller_cancel", kwargs={"appointment_id": paula.pk}),
    ]
    client.force_login(make_user(Role.EMPLOYEE, municipality=town))
    assert {client.get(u).status_code for u in urls} == {403}
    client.force_login(make_user(Role.CLERK, municipality=other_town))
    assert {client.get(u).status_code for u in urls} == {404}
