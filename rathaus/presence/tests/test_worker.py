"""A real Celery worker is killed in the middle of a solver job: the stale check notices,
the job says so in plain words, the previous plan stays and the page offers to run again."""

import os
import signal
import uuid

import pytest
from celery import Celery
from django.db import connection

from rathaus.core.models import Employee, Room
from rathaus.core.tests.celery_worker import BROKER, celery_worker, redis_up
from rathaus.core.tests.waiting import wait_for
from rathaus.presence import tasks
from rathaus.presence.models import PlanAssignment, SolverJob
from rathaus.presence.services import jobs, solving
from rathaus.presence.tests.conftest import make_period
from rathaus.presence.tests.services.test_solving import stored_plan_is_valid


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def long_period(town, world):
    """Eight weeks and 60 more office staff: CP-SAT searches for minutes, not seconds."""
    rooms = [
        Room.objects.create(
            municipality=town,
            location=world["hall"],
            number=f"3.{i:02d}",
            floor=3,
            capacity_normal=4,
            capacity_pandemic=1,
            org_unit=world["office"],
        )
        for i in range(15)
    ]
    for i in range(60):
        Employee.objects.create(
            municipality=town,
            org_unit=world["office"],
            personnel_number=f"W{i:03d}",
            first_name="Beschäftigte",
            last_name=f"Nr. {i}",
            email=f"w{i}@example.org",
            home_room=rooms[i // 4],
            equipment_need="phone_only",
        )
    return make_period(town, world, weeks=8, time_limit_seconds=3)


@pytest.mark.celery
@pytest.mark.skipif(not redis_up(), reason="needs Redis at 127.0.0.1:6379 (started by .ci/run)")
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_job_is_noticed_and_the_previous_plan_stays(
    town, world, client, settings, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the test database: runs in the PostgreSQL pass")
    planner = world["users"]["planner"]
    period = long_period(town, world)
    # The previous plan, computed here (a short limit; any checked plan will do).
    first = solving.job_start(actor=planner, period=period)
    first.refresh_from_db()
    assert first.status == "done", first.message
    before = list(PlanAssignment.objects.filter(period=period).values_list("pk", "activity"))
    period.time_limit_seconds = 600  # the job below runs until the worker is killed
    period.save(update_fields=["time_limit_seconds"])

    queue = f"rathaus-presence-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    client_app = Celery(broker=BROKER, set_as_current=False)
    # job_start hands the task to the real broker, on this test's own queue.
    monkeypatch.setattr(
        tasks.run_solver_job,
        "delay",
        lambda job_id: client_app.send_task(
            "rathaus.presence.tasks.run_solver_job", args=(job_id,), queue=queue
        ),
    )
    settings.RATHAUS_PRESENCE_STALE_SECONDS = 2
    with celery_worker(
        queue,
        DATABASE_URL=database_url(),
        RATHAUS_PRESENCE_SOLVER_WORKERS="1",
        RATHAUS_PRESENCE_HEARTBEAT_SECONDS="0.5",
    ) as worker:
        job = solving.job_start(actor=planner, period=period)
        beats = set()

        def beating() -> bool:
            """Running, and the heartbeat moved on at least twice: the solver is busy."""
            job.refresh_from_db()
            if job.status not in ("queued", "running"):
                pytest.fail(f"the job ended before the worker could be killed: {job.message}")
            if job.status == "running" and job.heartbeat_at is not None:
                beats.add(job.heartbeat_at)
            return len(beats) >= 3

        wait_for(beating, "the worker's job to beat while it solves", worker=worker)
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait()

    def failed() -> bool:
        jobs.jobs_fail_stale()  # what beat and the job page do
        job.refresh_from_db()
        return job.status != "running"

    wait_for(failed, "the stale check to fail the job")
    period.refresh_from_db()
    assert job.status == SolverJob.Status.FAILED
    assert "Der Rechenknoten hat nicht mehr geantwortet" in job.message
    assert period.status == "solved"
    assert list(PlanAssignment.objects.filter(period=period).values_list("pk", "activity")) == (
        before
    )
    assert stored_plan_is_valid(period)
    client.force_login(planner)
    page = client.get(f"/planung/auftraege/{job.pk}/").content.decode()
    assert "Der bisherige Plan bleibt unverändert." in page and "Erneut berechnen" in page
