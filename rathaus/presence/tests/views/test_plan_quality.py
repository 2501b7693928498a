"""Planners see how good a computed plan is known to be: the gap to the engine's proven
lower bound, or "proven optimal" (issue 17), on the period page, above the plan grid and in
the finished job, in German and English."""

import pytest

from rathaus.presence.models import PlanningPeriod, SolverJob

pytestmark = pytest.mark.django_db


def _pages(client, period: PlanningPeriod, language: str = "de") -> list[str]:
    job = SolverJob.objects.filter(period=period).latest("created_at")
    urls = [
        f"/planung/zeitraeume/{period.pk}/",
        f"/planung/zeitraeume/{period.pk}/plan/",
        f"/planung/auftraege/{job.pk}/",
    ]
    return [client.get(u, HTTP_ACCEPT_LANGUAGE=language).content.decode() for u in urls]


def test_a_solved_plan_shows_its_gap_or_proof(client, solved, world):
    client.force_login(world["users"]["planner"])
    assert solved.objective is not None and solved.bound is not None
    for page in _pages(client, solved):
        if solved.bound >= solved.objective:
            assert "Nachweislich optimal" in page
        else:
            assert "Abstand zur unteren Schranke:" in page
            assert f"weniger als {solved.bound} Strafpunkte" in page


def test_the_gap_is_rounded_up_and_explained_in_the_planners_language(client, solved, world):
    PlanningPeriod.objects.filter(pk=solved.pk).update(objective=412, bound=403)
    SolverJob.objects.filter(period=solved).update(objective=412, bound=403)
    client.force_login(world["users"]["planner"])
    for page in _pages(client, solved):
        assert "Abstand zur unteren Schranke: 2,2 %" in page  # 9 / 412 = 2.18 %
        assert "weniger als 403 Strafpunkte haben kann" in page
        assert "höchstens 2,2 % davon einsparen" in page
        assert "Nachweislich optimal" not in page
    for page in _pages(client, solved, "en"):
        assert "Gap to the lower bound: 2.2 %" in page
        assert "fewer than 403 penalty points (lower bound)" in page


def test_a_plan_that_meets_its_bound_is_called_proven_optimal(client, solved, world):
    PlanningPeriod.objects.filter(pk=solved.pk).update(objective=35, bound=35)
    SolverJob.objects.filter(period=solved).update(objective=35, bound=35)
    client.force_login(world["users"]["planner"])
    for page in _pages(client, solved):
        assert "Nachweislich optimal" in page and "Abstand zur unteren Schranke" not in page
    for page in _pages(client, solved, "en"):
        assert "Proven optimal" in page and "there is no better plan" in page


def test_an_infeasible_period_shows_no_quality_of_an_old_plan(client, solved, world):
    PlanningPeriod.objects.filter(pk=solved.pk).update(
        objective=412, bound=403, status=PlanningPeriod.Status.INFEASIBLE
    )
    client.force_login(world["users"]["planner"])
    page = client.get(f"/planung/zeitraeume/{solved.pk}/").content.decode()
    assert "Abstand zur unteren Schranke" not in page and "Güte des Plans" not in page
