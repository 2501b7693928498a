"""Manual edits against the hard rules, publishing with e-mails, .ics feed, Excel export."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from icalendar import Calendar
from openpyxl import load_workbook

from rathaus.presence.models import Activity, FairnessRecord, PlanAssignment, PlanVersion
from rathaus.presence.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db


def cell_url(period, employee, day):
    return f"/planung/zeitraeume/{period.pk}/plan/{employee.pk}/{day.isoformat()}/"


def test_edit_that_breaks_a_hard_rule_is_refused_with_the_rule(client, solved, world):
    client.force_login(world["users"]["planner"])
    clerk = world["clerks"][0]
    row = PlanAssignment.objects.get(period=solved, employee=clerk, day=MONDAY)
    response = client.post(cell_url(solved, clerk, MONDAY), {"activity": "home"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "Änderung abgelehnt" in text
    assert "keinen Homeoffice-Arbeitsplatz" in text
    row.refresh_from_db()
    assert row.activity != Activity.HOME  # unchanged


def test_edit_that_overfills_a_room_is_refused(client, solved, world):
    client.force_login(world["users"]["planner"])
    room = world["rooms"][2]  # one seat
    day = MONDAY + timedelta(days=2)
    occupant = PlanAssignment.objects.filter(period=solved, day=day, room=room).first()
    if occupant is None:  # seat somebody there first, then try a second person
        first = PlanAssignment.objects.filter(
            period=solved, day=day, employee__in=world["office_staff"], activity=Activity.HOME
        ).first()
        assert client.post(
            cell_url(solved, first.employee, day), {"activity": "office", "room": room.pk}
        ).status_code in (302, 422)
        occupant = PlanAssignment.objects.filter(period=solved, day=day, room=room).first()
    other = (
        PlanAssignment.objects.filter(
            period=solved, day=day, employee__in=world["office_staff"][:5]
        )
        .exclude(employee=occupant.employee if occupant else None)
        .exclude(room=room)
        .first()
    )
    response = client.post(
        cell_url(solved, other.employee, day), {"activity": "office", "room": room.pk}
    )
    if occupant is not None:
        assert response.status_code == 422
        assert "mehr Personen eingeplant als Plätze" in response.content.decode()


def test_edit_within_the_rules_is_saved_and_audited(client, solved, world):
    from rathaus.core.models import AuditEntry

    client.force_login(world["users"]["planner"])
    # Find an office worker at home on a day with a free seat in their rooms and a spare week.
    for row in PlanAssignment.objects.filter(
        period=solved, activity=Activity.HOME, employee__in=world["office_staff"]
    ):
        for room in world["rooms"][:3]:
            used = PlanAssignment.objects.filter(period=solved, day=row.day, room=room).count()
            if used < room.capacity_normal:
                response = client.post(
                    cell_url(solved, row.employee, row.day), {"activity": "office", "room": room.pk}
                )
                if response.status_code == 302:
                    row.refresh_from_db()
                    assert (row.activity, row.room_id) == (Activity.OFFICE, room.pk)
                    assert AuditEntry.objects.filter(
                        object_type="presence.PlanAssignment", object_id=str(row.pk)
                    ).exists()
                    return
    pytest.fail("no edit within the rules was accepted")


def test_publish_sends_one_mail_per_employee_with_their_days(client, solved, world):
    client.force_login(world["users"]["planner"])
    response = client.post(f"/planung/zeitraeume/{solved.pk}/veroeffentlichen/", follow=True)
    assert response.status_code == 200
    assert "Plan veröffentlicht (Version 1)" in response.content.decode()
    solved.refresh_from_db()
    assert solved.status == "published"
    assert len(mail.outbox) == len(world["staff"]) == 11
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.email for e in world["staff"])
    anna = world["office_staff"][0]
    anna_mail = next(m for m in mail.outbox if m.to == [anna.email])
    first_row = PlanAssignment.objects.get(period=solved, employee=anna, day=MONDAY)
    assert "Mo" in anna_mail.body or "Montag" in anna_mail.body
    assert {"home": "Homeoffice", "office": "Büro", "shift": "Schicht"}[
        first_row.activity
    ] in anna_mail.body
    assert "/planung/kalender/" in anna_mail.body
    version = PlanVersion.objects.get(period=solved)
    assert version.mails_sent == 11 and len(version.assignments) == 11 * 14
    assert FairnessRecord.objects.filter(period=solved).count() == 11


def test_ics_feed_parses_and_contains_the_published_days(client, solved, world):
    from rathaus.presence import services

    services.publish(actor=None, period=solved, notify=False)
    anna = world["office_staff"][0]
    token = services.calendar_token_for(anna)
    with mock.patch("django.utils.timezone.localdate", return_value=MONDAY):
        response = client.get(f"/planung/kalender/{token.token}.ics")  # no login: calendar apps
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {ev.decoded("dtstart"): str(ev.get("summary")) for ev in cal.walk("VEVENT")}
    rows = PlanAssignment.objects.filter(period=solved, employee=anna).select_related("room")
    working = {
        r.day: r for r in rows if r.activity in (Activity.OFFICE, Activity.HOME, Activity.SHIFT)
    }
    assert set(events) == set(working)
    for day, row in working.items():
        if row.activity == Activity.HOME:
            assert events[day] == "Homeoffice"
        elif row.activity == Activity.OFFICE:
            assert events[day] == f"Büro – Raum {row.room.number}"
    assert client.get("/planung/kalender/falsch.ics").status_code == 404


def test_excel_export_has_the_plan_cells(client, solved, world):
    client.force_login(world["users"]["planner"])
    response = client.get(f"/planung/zeitraeume/{solved.pk}/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Plan"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Personalnummer", "Name", "OE"]
    assert header[3] == f"Mo {MONDAY:%d.%m.%Y}"
    by_number = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    assert len(by_number) == 11
    for emp in world["staff"]:
        excel_row = by_number[emp.personnel_number]
        for i, day in enumerate(solved.days):
            r = PlanAssignment.objects.select_related("room", "shift_type").get(
                period=solved, employee=emp, day=day
            )
            value = excel_row[3 + i].value
            if r.activity == Activity.OFFICE:
                assert value == f"B {r.room.number}"
            elif r.activity == Activity.HOME:
                assert value == "H"
            elif r.activity == Activity.SHIFT:
                assert value == r.shift_type.code
            elif r.activity == Activity.OFF:
                assert value == "–"
    assert wb["Legende"]["A2"].value == "B"


def test_my_plan_and_today_show_only_published_plans(client, solved, world, settings):
    from rathaus.presence import services

    client.force_login(world["users"]["employee"])
    with mock.patch("django.utils.timezone.localdate", return_value=MONDAY):
        assert (
            "Noch kein veröffentlichter Plan" in client.get("/planung/mein-plan/").content.decode()
        )
        services.publish(actor=None, period=solved, notify=False)
        page = client.get("/planung/mein-plan/").content.decode()
        assert "Noch kein veröffentlichter Plan" not in page
        assert f"{MONDAY:%d.%m.%Y} (heute)" in page
        today = client.get("/planung/heute/").content.decode()
        onsite = PlanAssignment.objects.filter(
            period=solved, day=MONDAY, activity__in=("office", "shift")
        )
        for r in onsite:
            assert r.employee.last_name in today
        assert "Rathaus, Etage" in today
