"""The start-plan fallback as planners see it, and space planning."""

import pytest

from rathaus.engines.roster import model as m
from rathaus.engines.roster import solver
from rathaus.engines.roster.checker import check
from rathaus.presence import (
    engine_input,
    engine_output,
    engine_solving,
    services_jobs,
)
from rathaus.presence.models import PlanAssignment, SolverJob


@pytest.mark.django_db
def test_job_falls_back_to_checked_start_plan_when_search_finds_nothing(period, world, monkeypatch):
    # A saturated server: the engine's search returns nothing in time.
    monkeypatch.setattr(solver, "_solve", lambda *a, **k: m.Plan(m.Status.UNKNOWN))
    job = services_jobs.job_start(actor=world["users"]["planner"], period=period)
    job.refresh_from_db()
    period.refresh_from_db()
    assert job.status == SolverJob.Status.DONE
    assert "einfache Startlösung" in job.message
    assert period.status == "solved"
    problem, ctx = engine_input.build_problem(period)
    assert check(
        problem, engine_output.to_engine(engine_output.current_assignments(period), ctx)
    ).ok
    assert PlanAssignment.objects.filter(period=period).count() == 11 * 14


@pytest.mark.django_db
def test_space_planning_finds_least_desks_and_curve(client, period, world, settings):
    settings.RATHAUS_PRESENCE_SPACE_TIME_LIMIT = 6
    client.force_login(world["users"]["planner"])
    response = client.post(f"/planung/zeitraeume/{period.pk}/flaechenbedarf/", {"min_onsite": "2"})
    assert response.status_code == 302
    job = SolverJob.objects.get(period=period, kind="space")
    assert job.status == "done", job.message
    result = job.result
    assert result["min_seats"] is not None and result["min_seats"] >= 1
    assert result["curve"] and result["curve"][0]["seats"] == result["min_seats"]
    page = client.get(f"/planung/zeitraeume/{period.pk}/flaechenbedarf/").content.decode()
    assert f"Kleinste Zahl an Arbeitsplätzen: {result['min_seats']}" in page
    assert "<svg" in page and "<caption" in page
    # Fewer desks than the minimum cannot give a plan.
    problem, _ = engine_input.build_problem(period)
    from dataclasses import replace

    from rathaus.engines.roster.space import desk_sharing

    week = replace(problem, days=problem.days[:7])
    tight = desk_sharing(week, result["min_seats"] - 1, 2)
    plan = engine_solving.solve_with_progress(tight, time_limit=5)
    assert plan.status in (m.Status.INFEASIBLE, m.Status.UNKNOWN)


@pytest.mark.django_db
def test_space_planning_job_can_be_cancelled_while_it_runs(period, monkeypatch, settings):
    """The cancel flag reaches the engine's plan_space (should_stop) during the search."""
    settings.RATHAUS_PRESENCE_SPACE_TIME_LIMIT = 60
    job = SolverJob.objects.create(
        municipality=period.municipality, period=period, kind="space", params={"min_onsite": 2}
    )
    real = engine_solving._run_watched
    stopped = {}

    def cancel_after_start(run, report, cancel):
        def flagged():
            SolverJob.objects.filter(pk=job.pk).update(cancel_requested=True)
            return cancel()

        def watched_run(keep, stop):
            result = run(keep, stop)
            stopped["engine"] = stop()  # the engine returned because it was told to stop
            return result

        return real(watched_run, report, flagged)

    monkeypatch.setattr(engine_solving, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(engine_solving, "_run_watched", cancel_after_start)
    monkeypatch.setattr("rathaus.presence.services_jobs.progress_interval", lambda: 0.0)
    services_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == SolverJob.Status.CANCELLED, job.message
    assert stopped.get("engine")
