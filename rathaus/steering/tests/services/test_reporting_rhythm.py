"""Reporting periods per municipality: monthly or quarterly — the stored period, missing
reports (incl. a quarter boundary), the cockpit's overdue list and the report form."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from rathaus.steering.models import SteeringCase, SteeringSettings
from rathaus.steering.selectors import overdue_reports, projects_for
from rathaus.steering.services.projects import projects_sweep, status_report_submit
from rathaus.steering.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def at(day: date):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def quarterly(town):
    SteeringSettings.objects.create(municipality=town, reporting_period="quarterly")


def submit(world, day: date):
    return status_report_submit(
        actor=world["users"]["owner"],
        project=world["project"],
        period=day,
        time="amber",
        budget="green",
        scope="green",
        risk="green",
        summary="läuft",
        now=NOW,
    )


def report_cases(world):
    return list(
        SteeringCase.objects.filter(project=world["project"], kind="report").values_list(
            "trigger", "explanation"
        )
    )


def overdue(world, day: date):
    return overdue_reports(
        world["users"]["mayor"], day, list(projects_for(world["users"]["mayor"]))
    )


def test_a_monthly_report_is_due_for_the_previous_month(world, town):
    projects_sweep(municipality=town, now=at(date(2031, 4, 1)))
    pk = world["project"].pk
    assert report_cases(world) == [
        (f"project:{pk}:report:2031-03-01", "Für 03/2031 liegt kein Statusbericht vor.")
    ]


def test_a_quarterly_report_is_stored_under_the_first_day_of_its_quarter(world, town):
    quarterly(town)
    assert submit(world, date(2031, 2, 15)).period == date(2031, 1, 1)


def test_at_the_quarter_boundary_the_ended_quarter_becomes_due(world, town):
    quarterly(town)
    submit(world, date(2031, 2, 15))  # the report for the first quarter of 2031
    projects_sweep(municipality=town, now=at(date(2031, 3, 31)))  # due: Q4/2030, covered
    assert report_cases(world) == []
    assert overdue(world, date(2031, 3, 31)) == []
    projects_sweep(municipality=town, now=at(date(2031, 4, 1)))  # due: Q1/2031, covered
    assert report_cases(world) == []
    projects_sweep(municipality=town, now=at(date(2031, 7, 1)))  # due: Q2/2031, missing
    pk = world["project"].pk
    assert report_cases(world) == [
        (f"project:{pk}:report:2031-04-01", "Für 2. Quartal 2031 liegt kein Statusbericht vor.")
    ]
    assert [p.pk for p in overdue(world, date(2031, 7, 1))] == [pk]


def test_one_quarterly_report_where_monthly_would_be_overdue(world, town):
    submit(world, date(2031, 2, 1))
    assert [p.pk for p in overdue(world, date(2031, 4, 1))] == [world["project"].pk]
    quarterly(town)
    assert overdue(world, date(2031, 4, 1)) == []  # February lies in the due first quarter


def test_the_report_form_offers_quarters_and_the_cockpit_names_the_due_one(
    client, world, town, time_machine
):
    quarterly(town)
    time_machine.move_to(NOW)
    client.force_login(world["users"]["owner"])
    url = f"/steuerung/projekte/{world['project'].pk}/"
    page = client.get(url).content.decode()
    assert "Berichtsquartal" in page
    assert '<option value="2030-10-01" selected>4. Quartal 2030</option>' in page
    assert '<option value="2031-01-01">1. Quartal 2031</option>' in page
    report = {"time": "amber", "budget": "green", "scope": "green", "risk": "green"}
    report["summary"] = "läuft"
    refused = client.post(url, {**report, "period": "2031-02-01"})
    assert (
        refused.status_code == 400 and "angebotenen Berichtszeiträume" in refused.content.decode()
    )
    assert client.post(url, {**report, "period": "2030-10-01"}).status_code == 302
    client.force_login(world["users"]["mayor"])
    cockpit = client.get("/steuerung/").content.decode()
    assert (
        "Berichtsrhythmus vierteljährlich; fällig ist der Bericht für 4. Quartal 2030." in cockpit
    )
    assert "Alle Berichte liegen vor." in cockpit


def test_the_monthly_form_offers_months(client, world, time_machine):
    time_machine.move_to(NOW)
    client.force_login(world["users"]["owner"])
    page = client.get(f"/steuerung/projekte/{world['project'].pk}/").content.decode()
    assert "Berichtsmonat" in page
    assert '<option value="2031-02-01" selected>02/2031</option>' in page
