"""Jobs cut short stay useful: a lost worker, a cancel or a time-out keeps the last valid
plan, the job page says what happened in plain words and offers to run again."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.core.models import AuditEntry
from rathaus.engines.roster import model as m
from rathaus.presence import tasks
from rathaus.presence.models import PlanAssignment, SolverJob
from rathaus.presence.services import jobs, solving
from rathaus.presence.tests.services.test_solving import stored_plan_is_valid

pytestmark = pytest.mark.django_db

LOST = "Der Rechenknoten hat nicht mehr geantwortet"


def plan_rows(period):
    return list(
        PlanAssignment.objects.filter(period=period)
        .order_by("employee_id", "day")
        .values_list("employee_id", "day", "activity", "room_id", "shift_type_id")
    )


def running_job(period, *, heartbeat_age: timedelta, now=None) -> SolverJob:
    """A job as a worker leaves it behind: running, period solving, last heartbeat `age` ago."""
    now = now or timezone.now()
    job = SolverJob.objects.create(
        municipality=period.municipality,
        period=period,
        status=SolverJob.Status.RUNNING,
        progress=37,
        started_at=now - heartbeat_age - timedelta(seconds=5),
        heartbeat_at=now - heartbeat_age,
    )
    type(period).objects.filter(pk=period.pk).update(status="solving")
    return job


def test_running_job_without_heartbeat_fails_and_keeps_the_previous_plan(solved, world):
    before = plan_rows(solved)
    now = timezone.now()
    job = running_job(solved, heartbeat_age=timedelta(minutes=10), now=now)

    assert jobs.jobs_fail_stale(now=now) == 1

    job.refresh_from_db()
    solved.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED
    assert LOST in job.message and "Der bisherige Plan bleibt unverändert." in job.message
    assert job.result["stopped"] == "worker_lost" and job.offers_rerun
    assert solved.status == "solved"
    assert plan_rows(solved) == before and stored_plan_is_valid(solved)
    assert AuditEntry.objects.filter(object_id=str(job.pk), summary__contains="Rechenknoten")


def test_a_recent_heartbeat_keeps_the_job_running(solved, world):
    now = timezone.now()
    job = running_job(solved, heartbeat_age=timedelta(seconds=20), now=now)
    assert jobs.jobs_fail_stale(now=now) == 0
    job.refresh_from_db()
    assert job.status == SolverJob.Status.RUNNING


def test_the_allowance_is_a_setting(solved, world, settings):
    now = timezone.now()
    job = running_job(solved, heartbeat_age=timedelta(seconds=20), now=now)
    settings.RATHAUS_PRESENCE_STALE_SECONDS = 10
    assert jobs.jobs_fail_stale(now=now) == 1
    job.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED


def test_queued_job_gets_a_longer_allowance_then_fails_in_plain_words(period, world):
    now = timezone.now()
    job = SolverJob.objects.create(municipality=period.municipality, period=period)
    SolverJob.objects.filter(pk=job.pk).update(created_at=now - timedelta(minutes=10))
    assert jobs.jobs_fail_stale(now=now) == 0  # waiting behind other jobs is fine

    assert jobs.jobs_fail_stale(now=now + timedelta(minutes=10)) == 1
    job.refresh_from_db()
    period.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED
    assert "Kein Rechenknoten hat die Berechnung übernommen" in job.message
    assert "Es gibt noch keinen Plan." in job.message
    assert period.status == "draft"
    # The task finds the job no longer queued when a worker finally takes it: nothing runs.
    solving.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED and job.started_at is None


def test_beat_task_fails_lost_jobs(solved, world, settings):
    settings.RATHAUS_PRESENCE_STALE_SECONDS = 60
    job = running_job(solved, heartbeat_age=timedelta(minutes=5))
    assert tasks.fail_stale_jobs.delay().get() == 1
    job.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED


def test_job_page_notices_a_lost_worker_and_offers_to_run_again(client, solved, world):
    before = plan_rows(solved)
    job = running_job(solved, heartbeat_age=timedelta(minutes=10))
    client.force_login(world["users"]["planner"])

    page = client.get(f"/planung/auftraege/{job.pk}/").content.decode()

    assert LOST in page and "Der bisherige Plan bleibt unverändert." in page
    assert "Erneut berechnen" in page and "Berechnung abbrechen" not in page
    assert "Bisherigen Plan ansehen" in page
    response = client.post(f"/planung/zeitraeume/{solved.pk}/berechnen/", follow=True)
    assert response.status_code == 200
    again = SolverJob.objects.filter(period=solved, pk__gt=job.pk).get()
    assert again.status == SolverJob.Status.DONE, again.message
    assert before and plan_rows(solved) and stored_plan_is_valid(solved)


def test_period_page_notices_a_lost_worker(client, solved, world):
    job = running_job(solved, heartbeat_age=timedelta(minutes=10))
    client.force_login(world["users"]["planner"])
    page = client.get(f"/planung/zeitraeume/{solved.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED
    assert LOST in page
    assert "wird berechnet" not in page


def test_api_reports_the_lost_worker(client, solved, world):
    job = running_job(solved, heartbeat_age=timedelta(minutes=10))
    client.force_login(world["users"]["planner"])
    data = client.get(f"/api/v1/presence/jobs/{job.pk}").json()
    assert data["status"] == "failed" and data["stopped"] == "worker_lost"
    assert data["offers_rerun"] is True and LOST in data["message"]


def test_cancel_of_a_lost_job_ends_it_at_once(client, solved, world):
    job = running_job(solved, heartbeat_age=timedelta(minutes=10))
    client.force_login(world["users"]["planner"])
    client.post(f"/planung/auftraege/{job.pk}/abbrechen/")
    job.refresh_from_db()
    solved.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED and LOST in job.message
    assert solved.status == "solved"


def test_cancelled_job_keeps_the_previous_plan_and_offers_to_run_again(client, solved, world):
    before = plan_rows(solved)
    job = SolverJob.objects.create(
        municipality=solved.municipality, period=solved, cancel_requested=True
    )
    solving.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == SolverJob.Status.CANCELLED
    assert "abgebrochen" in job.message and "Der bisherige Plan bleibt unverändert." in job.message
    assert plan_rows(solved) == before
    client.force_login(world["users"]["planner"])
    page = client.get(f"/planung/auftraege/{job.pk}/").content.decode()
    assert "Erneut berechnen" in page


def test_queued_job_cancelled_before_start_gives_the_period_back(client, period, world):
    job = SolverJob.objects.create(municipality=period.municipality, period=period)
    type(period).objects.filter(pk=period.pk).update(status="solving")
    jobs.job_cancel(actor=world["users"]["planner"], job=job)
    job.refresh_from_db()
    period.refresh_from_db()
    assert job.status == SolverJob.Status.CANCELLED and "Es gibt noch keinen Plan." in job.message
    assert period.status == "draft"


def test_time_out_stores_the_best_valid_plan_with_a_note(period, world, monkeypatch):
    """The engine stopped at its time limit with a valid plan (FEASIBLE, not proven best)."""
    real = solving.solve_with_progress

    def stopped_by_the_clock(*args, **kwargs):
        return replace(real(*args, **kwargs), status=m.Status.FEASIBLE)

    monkeypatch.setattr(solving, "solve_with_progress", stopped_by_the_clock)
    job = solving.job_start(actor=world["users"]["planner"], period=period)
    job.refresh_from_db()
    period.refresh_from_db()
    assert job.status == SolverJob.Status.DONE
    assert "der beste gültige Plan innerhalb der Rechenzeit" in job.message
    assert job.offers_rerun and job.result["stopped"] == "time_limit"
    assert period.status == "solved" and stored_plan_is_valid(period)


def test_no_plan_in_time_keeps_the_previous_plan(solved, world, monkeypatch):
    before = plan_rows(solved)
    monkeypatch.setattr(solving, "solve_with_progress", lambda *a, **k: m.Plan(m.Status.UNKNOWN))
    job = solving.job_start(actor=world["users"]["planner"], period=solved)
    job.refresh_from_db()
    solved.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED and job.offers_rerun
    assert "Der bisherige Plan bleibt unverändert." in job.message
    assert solved.status == "solved" and plan_rows(solved) == before


def test_heartbeat_advances_while_the_solver_reports_nothing(period, world, settings, monkeypatch):
    settings.RATHAUS_PRESENCE_HEARTBEAT_SECONDS = 0
    settings.RATHAUS_PRESENCE_PROGRESS_INTERVAL = 0
    real = solving.solve_with_progress
    beats = []

    def silent_solver(problem, *, should_cancel, **kwargs):
        job = SolverJob.objects.get(period=period)
        for _ in range(3):  # what the job thread does while it waits on a silent search
            assert not should_cancel()
            beats.append(SolverJob.objects.get(pk=job.pk).heartbeat_at)
        return real(problem, should_cancel=should_cancel, **{**kwargs, "on_progress": None})

    monkeypatch.setattr(solving, "solve_with_progress", silent_solver)
    job = solving.job_start(actor=world["users"]["planner"], period=period)
    job.refresh_from_db()
    assert job.status == SolverJob.Status.DONE, job.message
    assert all(b is not None for b in beats) and beats == sorted(set(beats))


def test_a_worker_that_comes_back_after_being_declared_lost_changes_nothing(
    solved, world, monkeypatch
):
    """The stale check failed the job while its worker was frozen; when the worker wakes up
    it stops the search, and neither the message nor the plan change."""
    before = plan_rows(solved)
    real = solving.solve_with_progress

    def frozen_then_back(*args, **kwargs):
        jobs.jobs_fail_stale(now=timezone.now() + timedelta(hours=1))
        return real(*args, **kwargs)

    monkeypatch.setattr(solving, "solve_with_progress", frozen_then_back)
    job = solving.job_start(actor=world["users"]["planner"], period=solved)
    job.refresh_from_db()
    solved.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED and LOST in job.message
    assert solved.status == "solved" and plan_rows(solved) == before
