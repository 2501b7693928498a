"""Manual edits against the hard rules, publishing with e-mails, .ics feed, Excel export."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from icalendar import Calendar
from openpyxl import load_workbook

from rathaus.core.models import AuditEntry
from rathaus.presence.models import Activity, FairnessRecord, PlanAssignment, PlanVersion
from rathaus.presence.services import publishing
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
    single, other = world["rooms"][2], world["rooms"][0]  # 1 seat, 2 seats
    anna, ben = world["office_staff"][:2]
    PlanAssignment.objects.filter(period=solved, day=MONDAY, room=single).exclude(
        employee=anna
    ).update(activity=Activity.HOME, room=None)
    PlanAssignment.objects.filter(period=solved, employee=anna, day=MONDAY).update(
        activity="office", room=single
    )
    PlanAssignment.objects.filter(period=solved, employee=ben, day=MONDAY).update(
        activity="office", room=other
    )
    response = client.post(cell_url(solved, ben, MONDAY), {"activity": "office", "room": single.pk})
    assert response.status_code == 422
    assert f"Raum {single.number}: am Montag, 03.03. sind mehr Personen eingeplant als Plätze" in (
        response.content.decode()
    )
    assert PlanAssignment.objects.get(period=solved, employee=ben, day=MONDAY).room == other


def test_edit_within_the_rules_is_saved_and_audited(client, solved, world):
    client.force_login(world["users"]["planner"])
    # The social worker needs no kit and has a room of her own: home <-> office is always
    # allowed as long as she keeps two office days a week.
    katrin, room = world["worker"], world["rooms"][4]
    rows = list(
        PlanAssignment.objects.filter(
            period=solved, employee=katrin, day__lt=MONDAY + timedelta(days=5)
        )
    )
    home = [r for r in rows if r.activity == Activity.HOME]
    office = [r for r in rows if r.activity == Activity.OFFICE]
    if home:
        row, data, want = (
            home[0],
            {"activity": "office", "room": room.pk},
            (Activity.OFFICE, room.pk),
        )
    else:
        assert len(office) > 2
        row, data, want = office[0], {"activity": "home"}, (Activity.HOME, None)
    response = client.post(cell_url(solved, katrin, row.day), data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.activity, row.room_id) == want
    assert AuditEntry.objects.filter(
        object_type="presence.PlanAssignment", object_id=str(row.pk)
    ).exists()
    grid = client.get(f"/planung/zeitraeume/{solved.pk}/plan/").content.decode()
    assert "Legende" in grid and "Homeoffice" in grid


def test_publish_sends_one_mail_per_employee_with_their_days(client, solved, world):
    client.force_login(world["users"]["planner"])
    response = client.post(
        f"/planung/zeitraeume/{solved.pk}/veroeffentlichen/", {"confirm": "1"}, follow=True
    )
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
    publishing.plan_publish(actor=None, period=solved, notify=False)
    anna = world["office_staff"][0]
    token = publishing.calendar_token_for(anna)
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
    client.force_login(world["users"]["employee"])
    with mock.patch("django.utils.timezone.localdate", return_value=MONDAY):
        assert (
            "Noch kein veröffentlichter Plan" in client.get("/planung/mein-plan/").content.decode()
        )
        publishing.plan_publish(actor=None, period=solved, notify=False)
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


def test_excel_export_neutralises_names_that_look_like_formulas(client, solved, world):
    employee = world["staff"][0]
    employee.last_name = '=HYPERLINK("http://example.invalid","Lohn")'
    employee.save()
    client.force_login(world["users"]["planner"])
    response = client.get(f"/planung/zeitraeume/{solved.pk}/export.xlsx")
    ws = load_workbook(io.BytesIO(response.content))["Plan"]
    names = {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}
    cell = names[employee.personnel_number]
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")
