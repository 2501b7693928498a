"""Copying the rules of an earlier period into a new one (issue 11, point 16)."""

from datetime import timedelta

import pytest

from rathaus.core.models import AuditEntry
from rathaus.core.problems import Conflict, DomainError
from rathaus.presence.models import (
    Cohort,
    CoverageRequirement,
    PlanningPeriod,
    ShiftType,
    SolverJob,
    TeamDay,
)
from rathaus.presence.roster_adapter.problem import build_problem
from rathaus.presence.services import rule_copy
from rathaus.presence.tests.conftest import MONDAY, build_town, make_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_period(town, world):
    return make_period(
        town, world, rules=False, name="Folgeplan", start=MONDAY + timedelta(days=14)
    )


def test_copy_brings_every_kind_of_rule_and_is_audited(period, new_period, world):
    planner = world["users"]["planner"]
    assert not build_problem(new_period)[0].coverage  # nothing to staff the citizen office with
    result = rule_copy.rules_copy(actor=planner, period=new_period, source=period)
    assert (result.shift_types, result.coverage, result.cohorts, result.team_days) == (
        2,
        15,
        2,
        1,
    )
    codes = set(ShiftType.objects.filter(period=new_period).values_list("code", flat=True))
    assert codes == {"F", "S"}
    # Coverage points at the new period's shift types, never at the source's.
    assert set(
        CoverageRequirement.objects.filter(period=new_period).values_list(
            "shift_type__period", flat=True
        )
    ) == {new_period.pk}
    members = {
        k.name: {e.pk for e in k.members.all()} for k in Cohort.objects.filter(period=new_period)
    }
    assert members == {
        "Schichtteam A": {e.pk for e in world["clerks"][0::2]},
        "Schichtteam B": {e.pk for e in world["clerks"][1::2]},
    }
    assert build_problem(new_period)[0].coverage  # the solver now sees the shifts
    entry = AuditEntry.objects.filter(summary__startswith="Regeln aus „Testplan“ übernommen").get()
    assert entry.actor == planner and "2 Schichtarten" in entry.summary


def test_copying_twice_adds_nothing(period, new_period, world):
    rule_copy.rules_copy(actor=None, period=new_period, source=period)
    again = rule_copy.rules_copy(actor=None, period=new_period, source=period)
    assert again.copied == 0 and again.skipped == 2 + 15 + 2 + 1
    assert ShiftType.objects.filter(period=new_period).count() == 2
    assert CoverageRequirement.objects.filter(period=new_period).count() == 15


def test_rules_of_units_the_new_period_does_not_plan_are_left_out(period, new_period, world):
    new_period.org_units.set([world["office"]])
    result = rule_copy.rules_copy(actor=None, period=new_period, source=period)
    # Shift types and coverage are the period's own; shift teams need planned people.
    assert result.cohorts == 0 and result.team_days == 1 and result.skipped == 2
    assert not Cohort.objects.filter(period=new_period).exists()
    assert TeamDay.objects.filter(period=new_period, org_unit=world["office"]).exists()


def test_copy_from_another_town_or_itself_is_refused(period, new_period, other_town, make_user):
    foreign_world = build_town(other_town, with_users=False)
    foreign = make_period(other_town, foreign_world, name="Fremd")
    with pytest.raises(DomainError):
        rule_copy.rules_copy(actor=None, period=new_period, source=foreign)
    with pytest.raises(DomainError):
        rule_copy.rules_copy(actor=None, period=new_period, source=new_period)
    assert not ShiftType.objects.filter(period=new_period).exists()


def test_copy_is_refused_while_the_period_is_solving(period, new_period, town):
    SolverJob.objects.create(municipality=town, period=new_period, status="running")
    with pytest.raises(Conflict):
        rule_copy.rules_copy(actor=None, period=new_period, source=period)
    assert not ShiftType.objects.filter(period=new_period).exists()


def test_the_rules_page_copies_and_shows_what_was_copied(client, period, new_period, world):
    client.force_login(world["users"]["planner"])
    url = f"/planung/zeitraeume/{new_period.pk}/regeln/"
    page = client.get(url).content.decode()
    assert "Regeln aus einem früheren Zeitraum übernehmen" in page
    assert "Testplan (03.03.2031–16.03.2031)" in page
    detail = client.get(f"/planung/zeitraeume/{new_period.pk}/").content.decode()
    assert "Dieser Zeitraum hat noch keine Schichtarten." in detail
    response = client.post(url, {"form": "copy", "source": period.pk}, follow=True)
    text = response.content.decode()
    assert (
        "Regeln übernommen: 2 Schichtarten, 15 Besetzungsvorgaben, 2 Schichtteams, 1 Teamtag."
        in text
    )
    assert "Frühschicht" in text
    assert PlanningPeriod.objects.get(pk=new_period.pk).shift_types.count() == 2


def test_the_rules_page_refuses_a_foreign_period_at_the_field(
    client, new_period, world, other_town
):
    foreign = make_period(other_town, build_town(other_town, with_users=False), name="Fremd")
    client.force_login(world["users"]["planner"])
    response = client.post(
        f"/planung/zeitraeume/{new_period.pk}/regeln/", {"form": "copy", "source": foreign.pk}
    )
    assert response.status_code == 422
    assert "Bitte einen Zeitraum aus der Liste wählen." in response.content.decode()
    assert not ShiftType.objects.filter(period=new_period).exists()
