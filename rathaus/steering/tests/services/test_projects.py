"""Status reports: computed lights, overrides with a reason, red opens a case; the sweep."""

import pytest

from rathaus.core.problems import DomainError
from rathaus.steering.models import StatusReport, SteeringCase
from rathaus.steering.services.projects import projects_sweep, status_report_submit
from rathaus.steering.tests.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def report(world, **kw):
    data = {
        "time": "amber",
        "budget": "green",
        "scope": "green",
        "risk": "green",
        "summary": "Gutachten in Arbeit.",
    }
    data.update(kw)
    return status_report_submit(
        actor=world["users"]["owner"], project=world["project"], period=TODAY, now=NOW, **data
    )


def test_an_overdue_milestone_computes_amber_and_a_report_keeps_it(world):
    saved = report(world)
    assert saved.computed == {"time": "amber", "budget": "green"}
    assert saved.period == TODAY.replace(day=1)


def test_a_light_better_than_computed_needs_a_reason(world):
    with pytest.raises(DomainError) as err:
        report(world, time="green")
    assert err.value.code == "override_needs_reason"
    assert err.value.errors[0]["field"] == "override_reason"
    saved = report(world, time="green", override_reason="Termin mit Bezirksregierung abgestimmt.")
    assert saved.time == "green" and saved.computed["time"] == "amber"


def test_every_report_is_kept(world):
    report(world)
    report(world, summary="Zweite Fassung")
    assert StatusReport.objects.filter(project=world["project"]).count() == 2


def test_a_red_report_opens_one_case_for_the_owner_unit(world):
    report(world, time="red", risk="red")
    report(world, time="red")
    cases = SteeringCase.objects.filter(project=world["project"], status="open")
    assert cases.count() == 1
    assert cases.get().assigned_unit == world["planning"]


def test_the_sweep_opens_cases_for_missing_reports_and_budget_overruns(world):
    budget = world["project"].budget_lines.get()
    budget.actual = 90000
    budget.save()
    assert projects_sweep(municipality=world["project"].municipality, now=NOW) == 2
    kinds = set(SteeringCase.objects.values_list("kind", flat=True))
    assert kinds == {"report", "budget"}
    assert projects_sweep(municipality=world["project"].municipality, now=NOW) == 0


def test_an_unknown_light_is_refused_at_its_field(world):
    with pytest.raises(DomainError) as err:
        report(world, scope="purple")
    assert err.value.errors[0]["field"] == "scope"
