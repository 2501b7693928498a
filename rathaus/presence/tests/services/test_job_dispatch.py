"""Without a broker, "Plan berechnen" answers at once and the job runs in the background
with visible progress; a re-run continues from the plan it has (issue 11, point 15)."""

import threading

import pytest
from django.db import connection

from rathaus.core.tests.waiting import CEILING, wait_for
from rathaus.engines.roster import watched
from rathaus.presence.models import SolverJob
from rathaus.presence.services import solving


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_solve_answers_at_once_and_the_job_page_polls(client, period, world, settings, monkeypatch):
    if connection.vendor != "postgresql":
        # the in-memory SQLite test database refuses a second thread ("table is locked")
        pytest.skip("needs PostgreSQL (DATABASE_URL): the job runs in a second thread")
    settings.RATHAUS_PRESENCE_BACKGROUND_WITHOUT_BROKER = True
    released = threading.Event()
    ran_in: list[threading.Thread] = []

    def held_job(*, job_id):  # stands for the solver: runs until the test lets it finish
        ran_in.append(threading.current_thread())
        released.wait(CEILING)

    monkeypatch.setattr(solving, "job_run", held_job)
    client.force_login(world["users"]["planner"])
    response = client.post(f"/planung/zeitraeume/{period.pk}/berechnen/")
    job = SolverJob.objects.get(period=period)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/planung/auftraege/{job.pk}/"
    )
    wait_for(lambda: bool(ran_in), "the background job to start")
    assert ran_in[0] is not threading.current_thread()
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    assert "Berechnung abbrechen" in page
    released.set()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_background_job_computes_the_plan(client, period, world, settings):
    if connection.vendor != "postgresql":
        # the in-memory SQLite test database refuses a second thread ("table is locked")
        pytest.skip("needs PostgreSQL (DATABASE_URL): the job runs in a second thread")
    settings.RATHAUS_PRESENCE_BACKGROUND_WITHOUT_BROKER = True
    job = solving.job_start(actor=world["users"]["planner"], period=period)

    def finished() -> bool:
        job.refresh_from_db()
        return job.status not in ("queued", "running")

    wait_for(finished, "the background job to end")
    assert job.status == "done" and job.progress == 100, job.message
    period.refresh_from_db()
    assert period.status == "solved"


@pytest.mark.django_db
def test_running_again_continues_from_the_current_plan(period, world, monkeypatch):
    hints = []
    real = watched.solve_with_progress

    def spy(problem, **kwargs):
        hints.append(kwargs.get("hint"))
        return real(problem, **kwargs)

    monkeypatch.setattr(solving, "solve_with_progress", spy)
    planner = world["users"]["planner"]
    for _run in range(2):
        job = solving.job_start(actor=planner, period=period)
        job.refresh_from_db()
        assert job.status == "done", job.message
    assert hints[0] is None
    assert hints[1] is not None and len(hints[1].assignments) == 11 * 14
