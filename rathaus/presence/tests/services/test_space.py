"""The start-plan fallback as planners see it, and space planning."""

from dataclasses import replace

import pytest

from rathaus.engines.roster import model as m
from rathaus.engines.roster import solver, watched
from rathaus.engines.roster.checker import check
from rathaus.engines.roster.space import desk_sharing
from rathaus.presence.models import PlanAssignment, SolverJob
from rathaus.presence.roster_adapter import plan as plan_adapter
from rathaus.presence.roster_adapter import problem as problem_adapter
from rathaus.presence.services import solving


@pytest.mark.django_db
def test_job_falls_back_to_checked_start_plan_when_search_finds_nothing(period, world, monkeypatch):
    # A saturated server: the engine's search returns nothing in time.
    monkeypatch.setattr(solver, "_solve", lambda *a, **k: m.Plan(m.Status.UNKNOWN))
    job = solving.job_start(actor=world["users"]["planner"], period=period)
    job.refresh_from_db()
    period.refresh_from_db()
    assert job.status == SolverJob.Status.DONE
    assert "einfache Startlösung" in job.message
    assert period.status == "solved"
    problem, ctx = problem_adapter.build_problem(period)
    assert check(problem, plan_adapter.to_engine(plan_adapter.current_assignments(period), ctx)).ok
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
    # The least number is proven: the bound of the relaxation meets it, and the planner sees so.
    assert result["proven"] and result["lower_bound"] == result["min_seats"]
    assert result["gap"] == 0
    assert "Nachweislich minimal:" in page
    # Fewer desks than the minimum cannot give a plan.
    problem, _ = problem_adapter.build_problem(period)

    week = replace(problem, days=problem.days[:7])
    tight = desk_sharing(week, result["min_seats"] - 1, 2)
    plan = watched.solve_with_progress(tight, work_limit=5)
    assert plan.status in (m.Status.INFEASIBLE, m.Status.UNKNOWN)


@pytest.mark.django_db
def test_space_planning_job_can_be_cancelled_while_it_runs(period, monkeypatch, settings):
    """The cancel flag reaches the engine's plan_space (should_stop) during the search."""
    settings.RATHAUS_PRESENCE_SPACE_TIME_LIMIT = 60
    job = SolverJob.objects.create(
        municipality=period.municipality, period=period, kind="space", params={"min_onsite": 2}
    )
    real = watched._run_watched
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

    monkeypatch.setattr(watched, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(watched, "_run_watched", cancel_after_start)
    monkeypatch.setattr("rathaus.presence.services.solving.progress_interval", lambda: 0.0)
    solving.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == SolverJob.Status.CANCELLED, job.message
    assert stopped.get("engine")
