"""Every demo login walks its main job in the demo town, loaded at varied dates and hours.

The demo is loaded once per moment (a Monday 10:30 in opening hours, a Saturday 23:00, the
coming 24 December 09:00, when the town hall is closed) with ``load_demo --now`` while the
clock is travelled there (``time_machine``; the live server is a thread of this process, so
its "now" is the same). The tests of one moment share that demo and one live server; each
walk checks every page it visits with axe and asserts what the role would notice.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

from rathaus.appointments.models import Appointment
from rathaus.core.models import Employee, User
from rathaus.core.testing import browser_sign_in

# django_db makes pytest-django set up the test database; each test runs in a transaction of
# its own connection, the live server's thread reads and writes the module's demo committed.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

BERLIN = ZoneInfo("Europe/Berlin")


def _upcoming(weekday: int, at: time) -> datetime:
    """The next such weekday after today (in the future, so that cookies stay valid)."""
    today = date.today()
    day = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    return datetime.combine(day, at, tzinfo=BERLIN)


def _christmas_eve() -> datetime:
    today = date.today()
    year = today.year if date(today.year, 12, 24) > today else today.year + 1
    return datetime(year, 12, 24, 9, 0, tzinfo=BERLIN)


MOMENTS = {
    "monday-10:30": lambda: _upcoming(0, time(10, 30)),
    "saturday-23:00": lambda: _upcoming(5, time(23, 0)),
    "24-december-09:00": _christmas_eve,
}


@dataclass
class Demo:
    url: str
    now: datetime
    blocker: object

    @property
    def counter_open(self) -> bool:
        """The Bürgerbüro is open at this moment (Monday 10:30 only, of the three)."""
        return self.now.weekday() == 0 and time(8) <= self.now.time() < time(12)


@pytest.fixture(scope="module", params=list(MOMENTS))
def demo(request, django_db_setup, django_db_blocker):
    moment = MOMENTS[request.param]()
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        RATHAUS_PRESENCE_DETERMINISTIC=True,
    )
    with django_db_blocker.unblock(), fast, time_machine.travel(moment, tick=True):
        call_command("load_demo", now=moment, stdout=io.StringIO())
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield Demo(server.url, moment, django_db_blocker)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def _login(page, demo: Demo, username: str) -> None:
    browser_sign_in(page, demo.url, username)
    assert "/konto/anmelden/" not in page.url, f"{username} could not log in"


def _visit(page, demo: Demo, path: str, axe_check) -> str:
    response = page.goto(f"{demo.url}{path}")
    assert response is not None and response.status == 200, (path, response and response.status)
    axe_check(page)
    return page.locator("main").inner_text()


def _heading(page) -> str:
    return page.get_by_role("heading", level=1).first.inner_text()


def _working_day(day: date, step: int) -> date:
    """The next (step 1) or previous (step -1) weekday that is not 24/31 December."""
    day += timedelta(days=step)
    while day.weekday() >= 5 or (day.month, day.day) in ((12, 24), (12, 31), (12, 25), (12, 26)):
        day += timedelta(days=step)
    return day


# --------------------------------------------------------------------------- employees


def test_mitarbeiterin_sees_her_plan_and_enters_a_wish_and_an_absence(page, demo, axe_check):
    _login(page, demo, "mitarbeiterin")
    with demo.blocker.unblock():
        user = User.objects.get(username="mitarbeiterin")
        employee = Employee.objects.get(user=user)
    assert (user.first_name, user.last_name) == (employee.first_name, employee.last_name)
    assert user.first_name == "Sabine"  # a woman's name for "mitarbeiterin"
    assert "Sabine Ostermann" in page.locator("body").inner_text()
    text = _visit(page, demo, "/planung/mein-plan/", axe_check)
    assert "Sabine Ostermann" in text
    assert "Noch kein veröffentlichter Plan." not in text  # the current week is published
    day = _working_day(demo.now.date(), 1) + timedelta(days=7)
    wish = page.locator("form", has=page.locator("input[name=form][value=wish]"))
    wish.locator("[name=wish-day]").fill(day.isoformat())
    wish.locator("[name=wish-kind]").select_option("prefer_home")
    wish.get_by_role("button", name="Wunsch speichern").click()
    page.wait_for_load_state()
    axe_check(page)
    assert f"{day:%d.%m.%Y}: lieber Homeoffice" in page.locator("main").inner_text()
    start = _working_day(day, 1)
    absence = page.locator("form", has=page.locator("input[name=form][value=absence]"))
    absence.locator("[name=absence-start]").fill(start.isoformat())
    absence.locator("[name=absence-end]").fill(start.isoformat())
    absence.locator("[name=absence-kind]").select_option("leave")
    absence.get_by_role("button", name="Abwesenheit eintragen").click()
    page.wait_for_load_state()
    axe_check(page)
    assert f"{start:%d.%m.%Y}–{start:%d.%m.%Y}: Urlaub" in page.locator("main").inner_text()


def test_teamleitung_sees_who_is_in_and_the_plans(page, demo, axe_check):
    _login(page, demo, "teamleitung")
    text = _visit(page, demo, "/planung/heute/", axe_check)
    if demo.now.weekday() < 5 and (demo.now.month, demo.now.day) not in ((12, 24), (12, 31)):
        # a working day: the published plan puts people in the office and in shifts
        match = re.search(r"(\d+) im Büro, (\d+) in Schichten", text)
        assert match and int(match.group(1)) > 10 and int(match.group(2)) > 0, text[:500]
    text = _visit(page, demo, "/planung/", axe_check)
    assert "Präsenzplan KW" in text and "(4 Wochen)" in text


def test_planung_opens_the_planning_grid_of_the_published_week(page, demo, axe_check):
    _login(page, demo, "planung")
    _visit(page, demo, "/planung/", axe_check)
    page.get_by_role("link", name=re.compile(r"Präsenzplan KW")).first.click()
    page.wait_for_load_state()
    axe_check(page)
    with demo.blocker.unblock():
        from rathaus.presence.models import PlanningPeriod  # noqa: PLC0415

        period = PlanningPeriod.objects.filter(name__startswith="Präsenzplan KW").get()
        shift_times = list(
            period.shift_types.order_by("start_time").values_list("start_time", "end_time")
        )
    assert shift_times[0][0] >= time(8) and max(end for _s, end in shift_times) <= time(18)
    text = _visit(page, demo, f"/planung/zeitraeume/{period.pk}/plan/", axe_check)
    assert "Ostermann" in text  # the grid lists the staff by name


# --------------------------------------------------------------------------- citizen office


def test_buergerbuero_works_the_counter_day(page, demo, axe_check):
    _login(page, demo, "buergerbuero")
    text = _visit(page, demo, "/termine/schalter/", axe_check)
    assert "Tagesübersicht" in _heading(page)
    if demo.counter_open:
        # a day in progress: done, waiting or at the counter, and still to come
        assert "erledigt" in text and "bestätigt" in text
        assert "angemeldet" in text or "aufgerufen" in text
    # the last working day is history, the next one is booked
    last = _working_day(demo.now.date(), -1)
    text = _visit(page, demo, f"/termine/schalter/?tag={last.isoformat()}", axe_check)
    assert "erledigt" in text and "nicht erschienen" in text
    following = _working_day(demo.now.date(), 1)
    text = _visit(page, demo, f"/termine/schalter/?tag={following.isoformat()}", axe_check)
    assert "bestätigt" in text
    # a walk-in ticket: issued in opening hours, refused with the reason otherwise
    _visit(page, demo, "/termine/schalter/", axe_check)
    page.get_by_role("link", name="Wartemarke ausgeben").first.click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_label("Anmeldung Wohnsitz").select_option("1")
    page.get_by_role("button", name="Wartemarke ausgeben").click()
    page.wait_for_load_state()
    axe_check(page)
    body = page.locator("main").inner_text()
    if demo.counter_open:
        assert re.search(r"W\d{3}", body), body
    else:
        assert "Keine Wartemarke möglich" in body


def test_buergerbuero_statistics_have_real_figures(page, demo, axe_check):
    _login(page, demo, "buergerbuero")
    _visit(page, demo, "/termine/statistik/", axe_check)
    no_shows = page.get_by_test_id("no-show-rate").inner_text()
    match = re.search(r"\((\d+) von (\d+)\)", no_shows)
    assert match and int(match.group(1)) > 0 and int(match.group(2)) > 100, no_shows


def test_no_appointments_on_christmas_eve_and_new_years_eve(demo):
    with demo.blocker.unblock():
        days = {
            d.date()
            for d in Appointment.objects.filter(location__municipality__slug="musterstadt")
            .exclude(status=Appointment.Status.CANCELLED)
            .values_list("start", flat=True)
            .iterator()
            for d in [d.astimezone(BERLIN)]
        }
    assert days and not {d for d in days if (d.month, d.day) in ((12, 24), (12, 31), (12, 25))}


# --------------------------------------------------------------------------- elections


def test_wahlamt_sees_the_counting_and_the_upcoming_election(page, demo, axe_check):
    _login(page, demo, "wahlamt")
    text = _visit(page, demo, "/wahlen/", axe_check)
    assert "Bürgermeisterwahl" in text and "Landratswahl" in text
    page.get_by_role("link", name="Bürgermeisterwahl", exact=True).click()
    page.wait_for_load_state()
    axe_check(page)
    assert "26 von 31" in page.locator("main").inner_text()


# --------------------------------------------------------------------------- leadership


def test_buergermeisterin_starts_at_her_cockpit(page, demo, axe_check):
    _login(page, demo, "buergermeisterin")
    text = _visit(page, demo, "/", axe_check)
    assert "/steuerung/" in page.url
    assert "Katrin Albrecht" in page.locator("body").inner_text() or text


@pytest.mark.parametrize(
    ("username", "path", "expected"),
    [
        ("admin", "/stammdaten/beschaeftigte/", "Albrecht, Katrin"),
        ("regionadmin", "/stammdaten/beschaeftigte/", "Albrecht, Katrin"),
        ("kaemmerer", "/steuerung/", "Projekt"),
        ("projektleitung", "/steuerung/", "Projekt"),
        ("fachbereichsleitung", "/steuerung/", "Projekt"),
        ("ratsmitglied", "/steuerung/", "Projekt"),
        ("gremienbuero", "/gremien/auftraege/", "Auftr"),
        ("beteiligung", "/beteiligung/verwaltung/", "Verfahren"),
        ("moderation", "/beteiligung/verwaltung/moderation/", "Moderation"),
        ("koordination", "/standards/", "Personalausweis"),
        ("helferin", "/personalpool/meine-einsaetze/", "Bürgertelefon"),
        ("region-pool", "/personalpool/", "Personalpool"),
        ("wahlamt2", "/wahlen/", "Bürgermeisterwahl"),
    ],
)
def test_role_sees_its_work(page, demo, axe_check, username, path, expected):
    _login(page, demo, username)
    with demo.blocker.unblock():
        user = User.objects.get(username=username)
    assert user.first_name and user.last_name, f"{username} has no name"
    text = _visit(page, demo, "/", axe_check)
    text = _visit(page, demo, path, axe_check)
    assert expected in text, text[:2000]
