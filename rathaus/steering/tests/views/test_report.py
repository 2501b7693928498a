"""The council's controlling report as PDF."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from rathaus.steering.models import SteeringSettings
from rathaus.steering.services.cases import case_decide, case_open
from rathaus.steering.services.indicators import indicator_analyse

pytestmark = pytest.mark.django_db


def test_the_mayor_downloads_the_controlling_report_of_a_month(client, world):
    indicator_analyse(indicator=world["indicator"])
    client.force_login(world["users"]["mayor"])
    assert "Controllingbericht für den Rat (PDF)" in client.get("/steuerung/").content.decode()
    response = client.get("/steuerung/bericht.pdf?monat=2031-02")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="controlling-2031-02.pdf"' in response["Content-Disposition"]


def test_a_malformed_month_falls_back_and_other_roles_are_refused(client, world):
    client.force_login(world["users"]["council"])
    response = client.get("/steuerung/bericht.pdf?monat=13-2031")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(world["users"]["employee"])
    assert client.get("/steuerung/bericht.pdf").status_code == 403


def _decided(world, title: str, day: datetime):
    case, _ = case_open(
        kind="project",
        trigger=f"project:{world['project'].pk}:{title}",
        title=title,
        explanation="Abweichung",
        assigned_unit=world["planning"],
        project=world["project"],
        now=day,
    )
    return case_decide(
        actor=world["users"]["mayor"], case=case, decision="keep", reason="weiter so", now=day
    )


def test_a_quarterly_town_gets_the_report_of_its_last_quarter(client, world, town, time_machine):
    SteeringSettings.objects.create(municipality=town, reporting_period="quarterly")
    for title, day in (
        ("Dezember-Fall", date(2030, 12, 15)),
        ("Februar-Fall", date(2031, 2, 10)),
        ("März-Fall", date(2031, 3, 31)),
        ("April-Fall", date(2031, 4, 1)),
    ):
        _decided(world, title, timezone.make_aware(datetime.combine(day, time(12))))
    # without a period: the quarter that has ended last (on 2 April 2031 the first)
    time_machine.move_to(timezone.make_aware(datetime(2031, 4, 2, 9)))
    client.force_login(world["users"]["mayor"])
    response = client.get("/steuerung/bericht.pdf")
    assert 'filename="controlling-2031-Q1.pdf"' in response["Content-Disposition"]
    assert response.context["period_label"] == "1. Quartal 2031"
    assert [c.title for c in response.context["decisions"]] == ["Februar-Fall", "März-Fall"]
    # a month of a quarterly town means its quarter; a quarter can be asked for directly
    response = client.get("/steuerung/bericht.pdf?monat=2030-11")
    assert 'filename="controlling-2030-Q4.pdf"' in response["Content-Disposition"]
    assert [c.title for c in response.context["decisions"]] == ["Dezember-Fall"]
    response = client.get("/steuerung/bericht.pdf?quartal=2031-Q2")
    assert response.content.startswith(b"%PDF")
    assert [c.title for c in response.context["decisions"]] == ["April-Fall"]


def test_a_monthly_town_may_ask_for_a_quarter(client, world):
    _decided(world, "Februar-Fall", timezone.make_aware(datetime(2031, 2, 10, 12)))
    client.force_login(world["users"]["mayor"])
    response = client.get("/steuerung/bericht.pdf?monat=2031-02")
    assert response.context["period_label"] == "02/2031"
    response = client.get("/steuerung/bericht.pdf?quartal=2031-q1")
    assert 'filename="controlling-2031-Q1.pdf"' in response["Content-Disposition"]
    assert [c.title for c in response.context["decisions"]] == ["Februar-Fall"]
