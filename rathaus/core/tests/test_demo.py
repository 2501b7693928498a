"""The demo town loads completely, and loading it again changes nothing."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command

from rathaus.appointments.models import Appointment
from rathaus.core.models import Employee, KitPool, Municipality, OrgUnit, Room, User
from rathaus.elections.models import Election
from rathaus.presence.models import Absence, ShiftType

BERLIN = ZoneInfo("Europe/Berlin")
# loaded as on a Monday morning before Christmas: history, a day in progress, Christmas ahead
NOW = datetime(2026, 12, 21, 10, 30, tzinfo=BERLIN)

SKIP_MODELS = {"sessions.Session", "axes.AccessLog", "axes.AccessAttempt", "admin.LogEntry"}


def fingerprint():
    rows = {}
    for model in apps.get_models():
        if model._meta.label in SKIP_MODELS:
            continue
        rows[model._meta.label] = model.objects.count()
    return rows


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_demo_town_is_complete_and_idempotent(capsys):
    call_command("load_demo", "--now", NOW.isoformat())
    printed = capsys.readouterr().out
    assert "buergerbuero" in printed and "rathaus-demo" in printed
    # the apps' own demo logins are printed too, with their roles' labels
    assert "gremienbuero" in printed and "Gremienbüro" in printed
    assert "koordination" in printed and "Koordination Region" in printed
    town = Municipality.objects.get(slug="musterstadt")
    assert Municipality.objects.filter(region=town.region).count() == 3
    assert 180 <= Employee.objects.filter(municipality=town).count() <= 220
    assert 10 <= OrgUnit.objects.filter(municipality=town, kind="office").count() <= 14
    rooms = Room.objects.filter(municipality=town)
    assert 85 <= rooms.count() <= 95 and set(rooms.values_list("capacity_normal", flat=True)) == {
        1,
        2,
        3,
    }
    assert (
        Employee.objects.filter(municipality=town, org_unit__code="33", job_role="clerk").count()
        == 12
    )
    pool = KitPool.objects.get(municipality=town)

    today = NOW.date()
    assert pool.stock_on(today) == 60 and pool.stock_on(today + timedelta(days=21)) == 80
    for role_login in (
        "mitarbeiterin",
        "teamleitung",
        "planung",
        "buergerbuero",
        "wahlamt",
        "buergermeisterin",
        "admin",
        "regionadmin",
    ):
        assert User.objects.get(username=role_login).roles
    _assert_people(town)
    _assert_counter_day(town)
    _assert_elections_and_shifts(town)
    before = fingerprint()
    call_command("load_demo", "--now", NOW.isoformat())
    assert fingerprint() == before


def _assert_people(town):
    """No two people of a unit share a name; each login carries its person's name."""
    names = Counter(
        Employee.objects.filter(municipality=town).values_list(
            "org_unit", "first_name", "last_name"
        )
    )
    assert max(names.values()) == 1
    for user in User.objects.filter(municipality__region=town.region):
        assert user.first_name and user.last_name, user.username
        employee = Employee.objects.filter(user=user).first()
        if employee:
            assert (employee.first_name, employee.last_name) == (user.first_name, user.last_name)
    assert User.objects.get(username="mitarbeiterin").first_name == "Sabine"
    assert User.objects.get(username="buergermeisterin").first_name == "Katrin"
    assert User.objects.get(username="helferin").first_name == "Hanna"
    # a believable spread of leave over Christmas, never the whole citizen office
    leave = Absence.objects.filter(municipality=town, start__lte=date(2026, 12, 28))
    leave = leave.filter(end__gte=date(2026, 12, 28))
    staff = Employee.objects.filter(municipality=town).count()
    assert 0.15 * staff < leave.count() < 0.5 * staff
    assert leave.filter(employee__job_role="clerk").count() <= 4


def _assert_counter_day(town):
    """History with waiting times, a day in progress, bookings ahead, none on 24/31 Dec."""
    rows = Appointment.objects.filter(municipality=town).exclude(status="cancelled")
    S = Appointment.Status
    past = rows.filter(start__lt=NOW - timedelta(days=60))
    assert past.filter(status=S.SERVED, called_at__isnull=False).count() > 1000
    assert past.filter(status=S.NO_SHOW).exists()
    day_start = datetime.combine(NOW.date(), time(0), tzinfo=BERLIN)
    today = rows.filter(start__gte=day_start, start__lt=day_start + timedelta(days=1))
    statuses = set(today.values_list("status", flat=True))
    assert {S.SERVED, S.CONFIRMED} <= statuses and statuses & {S.CHECKED_IN, S.CALLED}
    assert rows.filter(start__gt=NOW + timedelta(days=7), status=S.CONFIRMED).exists()
    for closed in (date(2026, 12, 24), date(2026, 12, 31), date(2026, 10, 31), date(2026, 12, 25)):
        start = datetime.combine(closed, time(0), tzinfo=BERLIN)
        assert not rows.filter(start__gte=start, start__lt=start + timedelta(days=1)).exists()


def _assert_elections_and_shifts(town):
    elections = {e.title: e for e in Election.objects.filter(municipality=town)}
    counting = elections["Bürgermeisterwahl"]
    assert counting.status == "counting" and counting.date == date(2026, 12, 20)
    assert elections["Bürgermeisterwahl 2021"].status == "final"
    upcoming = next(e for t, e in elections.items() if t.startswith("Landratswahl"))
    assert upcoming.status == "preparation" and upcoming.date > NOW.date()
    # the citizen office's shifts lie inside its opening hours (08:00–18:00)
    for shift in ShiftType.objects.filter(period__municipality=town):
        assert time(8) <= shift.start_time and shift.end_time <= time(18), shift
