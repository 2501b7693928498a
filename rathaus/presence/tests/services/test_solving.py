"""Solver jobs: stored plans pass the independent checker; infeasible, cancel, replan."""

import threading
import time
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.core.models import Employee, KitPool, Location, OrgUnit, Qualification, Room, User
from rathaus.engines.roster import watched
from rathaus.engines.roster.checker import check
from rathaus.presence.models import (
    Absence,
    Activity,
    CoverageRequirement,
    PlanAssignment,
    PlanningPeriod,
    SolverJob,
)
from rathaus.presence.roster_adapter import plan as plan_adapter
from rathaus.presence.roster_adapter import problem as problem_adapter
from rathaus.presence.services import absences, solving
from rathaus.presence.tests.conftest import MONDAY, build_town, make_period

pytestmark = pytest.mark.django_db


def stored_plan_is_valid(period) -> bool:
    problem, ctx = problem_adapter.build_problem(period)
    rows = plan_adapter.current_assignments(period)
    return check(problem, plan_adapter.to_engine(rows, ctx)).ok


def test_solve_job_stores_a_plan_the_checker_accepts(solved, world):
    job = solved.jobs.get()
    assert job.status == SolverJob.Status.DONE and job.progress == 100
    assert job.started_at and job.finished_at
    assert "Plan berechnet" in job.message
    rows = PlanAssignment.objects.filter(period=solved)
    assert rows.count() == 11 * 14  # everyone, every day
    assert stored_plan_is_valid(solved)
    # Clerks have no home office: a shift or their back office; the cohorts never share a shift.
    clerk_rows = rows.filter(employee__in=world["clerks"], day=MONDAY)
    assert {r.activity for r in clerk_rows} <= {Activity.SHIFT, Activity.OFFICE}
    assert rows.filter(day=MONDAY, activity=Activity.SHIFT).count() >= 2
    a, b = world["cohorts"]
    for day in solved.days[:5]:
        shifts_a = set(
            rows.filter(employee__in=a.members.all(), day=day).values_list("shift_type", flat=True)
        )
        shifts_b = set(
            rows.filter(employee__in=b.members.all(), day=day).values_list("shift_type", flat=True)
        )
        assert not (shifts_a & shifts_b) - {None}
    # Weekends are off; kits never exceed the pool.
    assert set(rows.filter(day=MONDAY + timedelta(days=5)).values_list("activity", flat=True)) == {
        Activity.OFF
    }
    for day in solved.days:
        home_kits = rows.filter(
            day=day, activity=Activity.HOME, employee__equipment_need="full_kit"
        ).count()
        assert home_kits <= (3 if day < MONDAY + timedelta(days=7) else 4)


def test_infeasible_period_shows_the_explanation_not_an_empty_plan(client, period, world):
    # Four people per early shift, but only four clerks who must also cover the late shift.
    CoverageRequirement.objects.filter(
        period=period, shift_type=world["early"], qualification=None
    ).update(required=4)
    client.force_login(world["users"]["planner"])
    response = client.post(f"/planung/zeitraeume/{period.pk}/berechnen/", follow=True)
    assert response.status_code == 200
    period.refresh_from_db()
    assert period.status == "infeasible"
    assert not PlanAssignment.objects.filter(period=period).exists()
    assert period.explanation and all(r["message"] for r in period.explanation)
    page = client.get(f"/planung/zeitraeume/{period.pk}/").content.decode()
    assert "Kein Plan möglich" in page
    assert period.explanation[0]["message"] in page.replace("&#x27;", "'").replace("&quot;", '"')


def test_cancel_before_start_keeps_previous_plan(solved, world):
    before = list(
        PlanAssignment.objects.filter(period=solved).values_list("employee_id", "day", "activity")
    )
    job = SolverJob.objects.create(
        municipality=solved.municipality, period=solved, cancel_requested=True
    )
    solving.job_run(job_id=job.pk)
    job.refresh_from_db()
    solved.refresh_from_db()
    assert job.status == SolverJob.Status.CANCELLED
    assert solved.status == "solved"
    assert (
        list(
            PlanAssignment.objects.filter(period=solved).values_list(
                "employee_id", "day", "activity"
            )
        )
        == before
    )


def test_cancel_during_the_search_stops_it(period, world, monkeypatch):
    """The cancel flag is read while CP-SAT runs; the search stops and no plan is stored.

    The flag is set once CP-SAT has reported its first solution, and that solution callback
    waits until the job's thread has read the flag: whether the poll comes before the search
    ends no longer depends on the machine's speed (a fast or a starved thread raced before).
    """
    job = SolverJob.objects.create(municipality=period.municipality, period=period)
    searching = threading.Event()
    real = watched._run_watched
    stopped = {}

    def cancel_once_searching(run, report, cancel):
        def flagged():
            if not searching.is_set():
                return False
            SolverJob.objects.filter(pk=job.pk).update(cancel_requested=True)
            return cancel()  # the job's own check reads the flag from the database

        def watched_run(keep, stop):
            def keep_until_stopped(p):
                keep(p)
                if p.message == "Lösung gefunden":  # said inside CP-SAT's solution callback
                    searching.set()
                    _wait_for(stop)

            plan = run(keep_until_stopped, stop)
            stopped["engine"] = stop() and "Abgebrochen" in plan.notes
            return plan

        return real(watched_run, report, flagged)

    monkeypatch.setattr(watched, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(watched, "_run_watched", cancel_once_searching)
    monkeypatch.setattr("rathaus.presence.services.solving.progress_interval", lambda: 0.0)
    period.time_limit_seconds = 30
    period.save()
    solving.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert searching.is_set()
    assert job.status == SolverJob.Status.CANCELLED, job.message
    assert "abgebrochen" in job.message
    assert not PlanAssignment.objects.filter(period=period).exists()
    # The engine itself stopped early (should_stop) instead of running to its time limit.
    assert stopped.get("engine")


def _wait_for(condition, ceiling=90.0):
    """Until ``condition()`` holds; the ceiling only ends a broken run."""
    deadline = time.monotonic() + ceiling
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


def test_cancel_view_sets_the_flag(client, period, world):
    job = SolverJob.objects.create(
        municipality=period.municipality, period=period, status="running"
    )
    client.force_login(world["users"]["planner"])
    response = client.post(f"/planung/auftraege/{job.pk}/abbrechen/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.cancel_requested


def test_replan_from_date_keeps_the_past_and_counts_changes(solved, world):
    before = {
        (r.employee_id, r.day): (r.activity, r.room_id, r.shift_type_id)
        for r in PlanAssignment.objects.filter(period=solved)
    }
    cut = MONDAY + timedelta(days=7)
    # Shift team A goes into quarantine from the second Monday.
    absences.absence_create(
        actor=None,
        employees=list(world["cohorts"][0].members.all()),
        start=cut,
        end=cut + timedelta(days=4),
        kind="quarantine",
    )
    job = solving.job_start(
        actor=world["users"]["planner"], period=solved, kind="replan", replan_from=cut
    )
    job.refresh_from_db()
    assert job.status == "done", job.message
    after = {
        (r.employee_id, r.day): (r.activity, r.room_id, r.shift_type_id)
        for r in PlanAssignment.objects.filter(period=solved)
    }
    for key, value in before.items():
        if key[1] < cut:
            assert after[key] == value  # the past stays fixed
    changed = sum(1 for k in before if before[k] != after[k])
    assert job.changed_cells == changed > 0
    assert (
        f"{changed} Einträge geändert" in job.message
        or f"{changed} Eintrag geändert" in job.message
    )
    for member in world["cohorts"][0].members.all():
        assert after[(member.pk, cut)][0] == Activity.ABSENT
    assert stored_plan_is_valid(solved)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    min_onsite=st.integers(0, 3),
    pandemic=st.booleans(),
    separation=st.sampled_from(["day", "shift"]),
    kits=st.integers(0, 4),
    early=st.integers(1, 3),
)
def test_every_saved_plan_passes_the_checker(
    town, make_user, min_onsite, pandemic, separation, kits, early
):
    """Whatever the rules: either a stored plan that the independent checker accepts, or an
    infeasible period with a non-empty explanation and no plan."""
    Absence.objects.all().delete()
    PlanAssignment.objects.all().delete()

    PlanningPeriod.objects.all().delete()
    Employee.objects.all().delete()
    Room.objects.all().delete()
    Location.objects.all().delete()
    Qualification.objects.all().delete()
    OrgUnit.objects.all().delete()
    KitPool.objects.all().delete()
    User.objects.all().delete()
    world = build_town(town, make_user=make_user)
    world["pool"].changes.update(delta=kits)
    period = make_period(
        town,
        world,
        weeks=1,
        mode="pandemic" if pandemic else "normal",
        min_onsite_per_week=min_onsite,
        cohort_separation=separation,
        time_limit_seconds=10,
    )
    CoverageRequirement.objects.filter(
        period=period, shift_type=world["early"], qualification=None
    ).update(required=early)
    job = solving.job_start(actor=None, period=period)
    job.refresh_from_db()
    period.refresh_from_db()
    assert job.status in ("done", "failed")
    if period.status == "solved":
        assert stored_plan_is_valid(period)
    elif job.status == "done":
        assert period.status == "infeasible"
        assert period.explanation
        assert not PlanAssignment.objects.filter(period=period).exists()
