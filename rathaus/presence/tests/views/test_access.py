"""Permissions, tenancy, forms with German field messages, and the API (problem+json)."""

from datetime import date
from unittest import mock

import pytest

from rathaus.core.models import KitStockChange, OrgUnit, Qualification, Role
from rathaus.presence import demo
from rathaus.presence.models import Absence, PlanAssignment, PlanningPeriod, SolverJob, Wish
from rathaus.presence.tests.conftest import MONDAY, build_town, make_period
from rathaus.presence.tests.tenancy_samples import create as create_samples

pytestmark = pytest.mark.django_db


def test_employee_cannot_plan(client, period, world):
    client.force_login(world["users"]["employee"])
    for url in (
        "/planung/",
        f"/planung/zeitraeume/{period.pk}/",
        f"/planung/zeitraeume/{period.pk}/plan/",
        "/planung/zeitraeume/neu/",
    ):
        assert client.get(url).status_code == 403
    assert client.post(f"/planung/zeitraeume/{period.pk}/berechnen/").status_code == 403
    assert not SolverJob.objects.exists()
    assert client.get("/planung/mein-plan/").status_code == 200
    assert client.get("/planung/heute/").status_code == 200


def test_team_lead_and_admin_may_plan(client, period, make_user, town):
    for role in (Role.TEAM_LEAD, Role.MUNICIPALITY_ADMIN):
        client.force_login(make_user(role, municipality=town))
        assert client.get(f"/planung/zeitraeume/{period.pk}/").status_code == 200


def test_other_municipality_sees_nothing(client, period, world, other_town, make_user):
    stranger = make_user(Role.PLANNER, Role.EMPLOYEE, municipality=other_town)
    client.force_login(stranger)
    assert client.get(f"/planung/zeitraeume/{period.pk}/").status_code == 404
    assert client.post(f"/planung/zeitraeume/{period.pk}/berechnen/").status_code == 404
    assert period.name not in client.get("/planung/").content.decode()
    response = client.get(f"/api/v1/presence/periods/{period.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_period_form_gives_german_field_messages(client, world, town):
    client.force_login(world["users"]["planner"])
    response = client.post(
        "/planung/zeitraeume/neu/",
        {
            "name": "",
            "start": "2031-03-04",
            "weeks": "4",
            "mode": "normal",
            "min_onsite_per_week": "3",
            "max_onsite_per_week": "2",
            "cohort_separation": "day",
            "min_rest_hours": "11",
            "weight_fairness": "10",
            "weight_wishes": "1",
            "weight_team_days": "2",
            "weight_stability": "5",
            "time_limit_seconds": "20",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Bitte eine Bezeichnung angeben." in text
    assert "Der Planungszeitraum muss an einem Montag beginnen." in text
    assert "Bitte mindestens eine Organisationseinheit wählen." in text
    assert "Die Höchstzahl der Tage vor Ort darf nicht kleiner als die Mindestzahl sein." in text
    assert not PlanningPeriod.objects.exists()


def test_planner_creates_period_and_rules(client, world, town):
    client.force_login(world["users"]["planner"])
    response = client.post(
        "/planung/zeitraeume/neu/",
        {
            "name": "Mai",
            "org_units": [world["office"].pk, world["citizen"].pk],
            "start": MONDAY.isoformat(),
            "weeks": "4",
            "mode": "pandemic",
            "min_onsite_per_week": "2",
            "max_onsite_per_week": "4",
            "cohort_separation": "day",
            "min_rest_hours": "11",
            "weight_fairness": "10",
            "weight_wishes": "1",
            "weight_team_days": "2",
            "weight_stability": "5",
            "time_limit_seconds": "20",
        },
    )
    period = PlanningPeriod.objects.get(name="Mai")
    assert response.status_code == 302 and period.municipality == town
    url = f"/planung/zeitraeume/{period.pk}/regeln/"
    bad = client.post(
        url,
        {
            "form": "shift",
            "shift-code": "F",
            "shift-name": "Früh",
            "shift-start_time": "07:00",
            "shift-end_time": "07:00",
        },
    )
    assert "Beginn und Ende der Schicht dürfen nicht gleich sein." in bad.content.decode()
    ok = client.post(
        url,
        {
            "form": "shift",
            "shift-code": "f",
            "shift-name": "Früh",
            "shift-start_time": "07:00",
            "shift-end_time": "12:30",
        },
    )
    assert ok.status_code == 302
    shift = period.shift_types.get()
    assert shift.code == "F"
    client.post(
        url,
        {
            "form": "coverage",
            "coverage-shift_type": shift.pk,
            "coverage-weekday": "0",
            "coverage-required": "2",
        },
    )
    assert period.coverage.get().required == 2
    client.post(
        url, {"form": "cohort", "cohort-name": "A", "cohort-members": [world["clerks"][0].pk]}
    )
    dup = client.post(
        url, {"form": "cohort", "cohort-name": "B", "cohort-members": [world["clerks"][0].pk]}
    )
    assert "Eine Person kann nur einem Schichtteam angehören." in dup.content.decode()
    client.post(url, {"form": "delete", "kind": "coverage", "id": period.coverage.get().pk})
    assert not period.coverage.exists()


def test_employee_enters_wishes_and_absences(client, world, settings):
    client.force_login(world["users"]["employee"])
    anna = world["office_staff"][0]
    with mock.patch("django.utils.timezone.localdate", return_value=MONDAY):
        past = client.post(
            "/planung/mein-plan/",
            {"form": "wish", "wish-day": "2031-03-01", "wish-kind": "prefer_home"},
        )
        assert "Wünsche sind nur für heute oder künftige Tage möglich." in past.content.decode()
        client.post(
            "/planung/mein-plan/",
            {"form": "wish", "wish-day": "2031-03-05", "wish-kind": "prefer_home"},
        )
        client.post(
            "/planung/mein-plan/",
            {"form": "wish", "wish-day": "2031-03-05", "wish-kind": "no_office"},
        )
        assert list(Wish.objects.filter(employee=anna).values_list("kind", flat=True)) == [
            "no_office"
        ]
        bad = client.post(
            "/planung/mein-plan/",
            {
                "form": "absence",
                "absence-start": "2031-03-10",
                "absence-end": "2031-03-07",
                "absence-kind": "leave",
            },
        )
        assert "Das Ende darf nicht vor dem Beginn liegen." in bad.content.decode()
        client.post(
            "/planung/mein-plan/",
            {
                "form": "absence",
                "absence-start": "2031-03-10",
                "absence-end": "2031-03-14",
                "absence-kind": "leave",
            },
        )
        assert Absence.objects.get(employee=anna).kind == "leave"


def test_api_periods_jobs_and_problem_json(client, period, world, other_town, make_user):
    client.force_login(world["users"]["planner"])
    periods = client.get("/api/v1/presence/periods").json()
    assert [p["id"] for p in periods] == [period.pk]
    started = client.post(f"/api/v1/presence/periods/{period.pk}/solve")
    assert started.status_code == 202
    job = started.json()
    status = client.get(f"/api/v1/presence/jobs/{job['id']}").json()
    assert status["status"] == "done" and status["progress"] == 100
    plan = client.get(f"/api/v1/presence/periods/{period.pk}/plan").json()
    assert len(plan) == 11 * 14 and {e["activity"] for e in plan} >= {"home", "shift", "off"}
    missing = client.get("/api/v1/presence/jobs/999999")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert missing.json()["code"] == "not_found"
    client.force_login(world["users"]["employee"])
    forbidden = client.post(f"/api/v1/presence/periods/{period.pk}/solve")
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    assert client.get("/api/v1/presence/my-plan").status_code == 200
    assert client.get("/api/v1/presence/my-plan?days=0").status_code == 422
    assert client.get("/api/v1/presence/today").json()["counts"]["office"] >= 0
    client.logout()
    assert client.get("/api/v1/presence/periods").status_code == 401


def test_tenancy_samples_create_rows(other_town):
    samples = create_samples(other_town, "Geheim")
    assert set(samples) >= {"pk", "period_id", "job_id", "employee_id", "day", "token"}


def test_demo_is_idempotent(town, make_user, settings):
    settings.RATHAUS_PRESENCE_DEMO_SOLVE_SECONDS = 10
    world = build_town(town, make_user=make_user)
    kfz = Qualification.objects.create(municipality=town, code="kfz", name="Kfz")
    world["clerks"][0].qualifications.add(kfz)
    KitStockChange.objects.create(pool=world["pool"], valid_from=date(2020, 1, 1), delta=3)
    demo.load(town)
    counts = (PlanningPeriod.objects.count(), PlanAssignment.objects.count(), Wish.objects.count())
    assert PlanningPeriod.objects.filter(status="published").count() == 1
    week = PlanningPeriod.objects.get(status="published")
    # the planner sees how good the demo's plan is known to be
    assert week.bound is not None and 0 <= week.bound <= week.objective
    assert week.penalties and sum(week.penalties.values()) == week.objective
    assert week.gap_percent is not None
    demo.load(town)
    assert (
        PlanningPeriod.objects.count(),
        PlanAssignment.objects.count(),
        Wish.objects.count(),
    ) == counts


def test_deleting_a_shift_type_used_in_the_plan_is_refused_not_a_crash(client, solved, world):
    client.force_login(world["users"]["planner"])
    response = client.post(
        f"/planung/zeitraeume/{solved.pk}/regeln/",
        {"form": "delete", "kind": "shift", "id": world["early"].pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "kann erst gelöscht werden" in response.content.decode()
    assert solved.shift_types.filter(pk=world["early"].pk).exists()


def test_period_without_staff_is_refused_with_a_message(client, world, town):
    empty = OrgUnit.objects.create(municipality=town, code="99", name="Leer")
    period = make_period(town, world, rules=False, name="Leer")
    period.org_units.set([empty])
    client.force_login(world["users"]["planner"])
    response = client.post(f"/planung/zeitraeume/{period.pk}/berechnen/", follow=True)
    assert "keine aktiven Beschäftigten" in response.content.decode()
    assert not SolverJob.objects.filter(period=period).exists()


def test_out_of_range_ids_are_not_found_not_a_crash(client, world):
    client.force_login(world["users"]["planner"])
    huge = "9" * 25
    assert client.get(f"/planung/zeitraeume/{huge}/").status_code == 404
    assert client.get(f"/planung/auftraege/{huge}/").status_code == 404
    assert client.get(f"/planung/zeitraeume/1/plan/{huge}/2031-03-03/").status_code == 404
    assert client.get(f"/api/v1/presence/periods/{huge}").status_code in (404, 422)
    assert client.get(f"/api/v1/presence/jobs/{huge}").status_code in (404, 422)
    assert client.get("/planung/zeitraeume/1/plan/1/kein-datum/").status_code == 404
