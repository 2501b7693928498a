"""An absence entered after publishing reaches the planner as a conflict (issue 11, point 17)."""

from datetime import timedelta

import pytest
import time_machine

from rathaus.core.models import AuditEntry
from rathaus.core.problems import Conflict, NotFound
from rathaus.presence.models import Absence, Activity, PlanAssignment, SolverJob
from rathaus.presence.selectors.conflicts import absence_conflicts
from rathaus.presence.selectors.plan import plan_grid, room_occupancy
from rathaus.presence.selectors.published import my_entries, today_presence
from rathaus.presence.services import absences, conflicts, publishing

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(solved):
    publishing.plan_publish(actor=None, period=solved, notify=False)
    solved.refresh_from_db()
    return solved


def office_day(period, world):
    """An office worker and a day the published plan has them in the office."""
    for employee in world["office_staff"]:
        row = (
            PlanAssignment.objects.filter(
                period=period, employee=employee, activity=Activity.OFFICE
            )
            .order_by("day")
            .first()
        )
        if row is not None:
            return employee, row
    pytest.fail("no office day in the plan")


def leave(employee, day, days=1):
    (absence,) = absences.absence_create(
        actor=None,
        employees=[employee],
        start=day,
        end=day + timedelta(days=days - 1),
        kind=Absence.Kind.LEAVE,
    )
    return absence


def test_leave_after_publishing_is_listed_for_the_planner(client, published, world):
    employee, row = office_day(published, world)
    assert absence_conflicts(published) == []
    absence = leave(employee, row.day)
    (conflict,) = absence_conflicts(published)
    assert conflict.absence == absence and conflict.days == [row.day]
    assert conflict.onsite_days == 1
    client.force_login(world["users"]["planner"])
    page = client.get(f"/planung/zeitraeume/{published.pk}/").content.decode()
    assert "1 Konflikt mit einer Abwesenheit" in page
    assert f"{employee.first_name} {employee.last_name}" in page
    assert "Als abwesend einplanen" in page and f"Ab {row.day:%d.%m.%Y} neu planen" in page
    with time_machine.travel(published.start, tick=False):
        client.force_login(world["users"]["planner"])  # a session of that day
        index = client.get("/planung/").content.decode()
    assert "1 Konflikt</a>" in index


def test_absent_office_days_do_not_count_as_on_site(published, world):
    employee, row = office_day(published, world)
    user = world["users"]["planner"]
    groups, counts_before = today_presence(user, row.day)
    names = [n for g in groups for n, _where in g.people]
    assert f"{employee.last_name}, {employee.first_name}" in names
    leave(employee, row.day)
    groups, counts = today_presence(user, row.day)
    names = [n for g in groups for n, _where in g.people]
    assert f"{employee.last_name}, {employee.first_name}" not in names
    assert counts["office"] == counts_before["office"] - 1
    assert counts["absent"] == counts_before["absent"] + 1
    # The employee's own plan shows the leave, the grid marks the conflict and the room frees.
    (entry,) = [c for e, c in my_entries(employee, row.day, row.day)]
    assert entry.activity == Activity.ABSENT and entry.code == "U"
    (grid_row,) = plan_grid(published, employee_id=employee.pk)
    cell = next(c for c in grid_row.cells if c.day == row.day)
    assert cell.conflict == "Urlaub"
    room = next(r for r in room_occupancy(published) if r.room.pk == row.room_id)
    day = next(d for d in room.days if d.day == row.day)
    assert f"{employee.first_name} {employee.last_name}" not in day.names


def test_resolving_changes_the_plan_and_clears_the_conflict(client, published, world):
    employee, row = office_day(published, world)
    absence = leave(employee, row.day)
    client.force_login(world["users"]["planner"])
    response = client.post(
        f"/planung/zeitraeume/{published.pk}/konflikte/{absence.pk}/loesen/", follow=True
    )
    text = response.content.decode()
    assert "Konflikt gelöst: 1 Tag ist jetzt als abwesend eingeplant." in text
    assert "Bitte den Plan erneut veröffentlichen" in text
    row.refresh_from_db()
    assert (row.activity, row.room_id) == (Activity.ABSENT, None)
    assert absence_conflicts(published) == []
    assert "Konflikt mit" not in text
    assert AuditEntry.objects.filter(summary__startswith="Konflikt mit Abwesenheit").exists()
    with pytest.raises(NotFound):  # resolved twice
        conflicts.conflict_resolve(actor=None, period=published, absence_id=absence.pk)


def test_resolving_is_refused_while_the_period_is_solving(published, world, town):
    employee, row = office_day(published, world)
    absence = leave(employee, row.day)
    SolverJob.objects.create(municipality=town, period=published, status="running")
    with pytest.raises(Conflict):
        conflicts.conflict_resolve(actor=None, period=published, absence_id=absence.pk)
    row.refresh_from_db()
    assert row.activity == Activity.OFFICE


def test_an_absence_the_plan_already_respects_is_no_conflict(published, world):
    employee, row = office_day(published, world)
    PlanAssignment.objects.filter(pk=row.pk).update(activity=Activity.ABSENT, room=None)
    leave(employee, row.day)
    assert absence_conflicts(published) == []
