"""The constructive start plan, the fallback when CP-SAT finds nothing in time, space planning."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.engines.roster import model as m
from rathaus.engines.roster.checker import check
from rathaus.engines.roster.generator import generate
from rathaus.presence import (
    engine_input,
    engine_output,
    engine_solving,
    engine_start_plan,
    services_jobs,
)
from rathaus.presence.models import PlanAssignment, SolverJob


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    pandemic=st.booleans(),
    staff=st.sampled_from([40, 80, 200]),
    weeks=st.integers(1, 4),
    separation=st.sampled_from(list(m.CohortSeparation)),
)
def test_greedy_plan_keeps_the_rules_it_builds_in(seed, pandemic, staff, weeks, separation):
    problem = generate(staff, weeks=weeks, seed=seed, pandemic=pandemic)
    problem = m.Problem(**{**problem.__dict__, "cohort_separation": separation})
    plan = engine_start_plan.greedy_plan(problem)
    if plan is None:
        return
    # What holds by construction (coverage, kits and weekly minimums are heuristic: the app
    # runs the independent checker before it uses the plan as a hint or a fallback).
    by_construction = (
        "MISSING",
        "DOUBLE",
        "UNKNOWN",
        "CALENDAR",
        "FIXED_CHANGED",
        "NOT_WORKING",
        "HOME_NOT_ALLOWED",
        "ROOM_NOT_ALLOWED",
        "SHIFT_NOT_ALLOWED",
        "ROOM_CAPACITY",
        "COHORTS_MEET",
        "WEEK_MAX",
    )
    violations = check(problem, tuple(plan)).violations
    assert not [v for v in violations if v.startswith(by_construction)], violations[:5]


def test_greedy_plan_is_valid_on_the_generators_town_halls():
    """On the engine generator's town halls (shift teams per shift) it finds valid plans."""
    valid = 0
    for seed in range(8):
        problem = generate(200, weeks=4, seed=seed, pandemic=seed % 2 == 0)
        problem = m.Problem(**{**problem.__dict__, "cohort_separation": m.CohortSeparation.SHIFT})
        plan = engine_start_plan.greedy_plan(problem)
        valid += plan is not None and check(problem, tuple(plan)).ok
    assert valid == 8


@pytest.mark.django_db
def test_job_falls_back_to_checked_start_plan_when_search_finds_nothing(period, world, monkeypatch):
    monkeypatch.setattr(engine_solving, "solve", lambda *a, **k: m.Plan(m.Status.UNKNOWN))
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
    # A ceiling, not a race: the search proves its answer in seconds on an idle machine.
    settings.RATHAUS_PRESENCE_SPACE_TIME_LIMIT = 120
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
    plan = engine_solving.solve_with_progress(tight, time_limit=5, fallback=False)
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
