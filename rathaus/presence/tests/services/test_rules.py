"""Planning rules are written through one service: audited, atomic, refused while solving."""

from datetime import time

import pytest

from rathaus.core.models import AuditEntry
from rathaus.core.problems import Conflict, DomainError
from rathaus.presence.models import PlanningPeriod, ShiftType, SolverJob, TeamDay
from rathaus.presence.services import rules

pytestmark = pytest.mark.django_db

SHIFT = {"code": "M", "name": "Mittagsschicht", "start_time": time(11), "end_time": time(15)}


def _solving(period: PlanningPeriod) -> SolverJob:
    """A job that is running for the period (its worker busy with the search)."""
    job = SolverJob.objects.create(
        municipality=period.municipality, period=period, status=SolverJob.Status.RUNNING
    )
    PlanningPeriod.objects.filter(pk=period.pk).update(status=PlanningPeriod.Status.SOLVING)
    period.refresh_from_db()
    return job


def test_a_new_rule_is_written_and_audited(period, world):
    planner = world["users"]["planner"]
    shift = rules.rule_create(actor=planner, period=period, kind="shift", data=SHIFT)
    assert shift.period == period and shift.municipality_id == period.municipality_id
    entry = AuditEntry.objects.get(object_type="presence.ShiftType", object_id=str(shift.pk))
    assert entry.action == "create" and entry.summary == "Schichtart angelegt"
    assert entry.actor == planner


def test_changing_and_deleting_a_rule_are_audited(period, world):
    planner = world["users"]["planner"]
    day = TeamDay.objects.get(period=period)
    rules.rule_update(
        actor=planner,
        period=period,
        kind="teamday",
        pk=day.pk,
        data={"weekday": 3, "weight": 4},
    )
    day.refresh_from_db()
    assert (day.weekday, day.weight) == (3, 4)
    assert rules.rule_delete(actor=planner, period=period, kind="teamday", pk=day.pk)
    assert not TeamDay.objects.filter(pk=day.pk).exists()
    actions = list(
        AuditEntry.objects.filter(object_type="presence.TeamDay", object_id=str(day.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]  # created by the fixture


def test_a_second_exception_for_a_person_replaces_the_first(period, world):
    planner = world["users"]["planner"]
    anna = world["office_staff"][0]
    first = rules.rule_create(
        actor=planner,
        period=period,
        kind="override",
        data={"employee": anna, "min_onsite_per_week": 1, "max_onsite_per_week": 3, "note": ""},
    )
    second = rules.rule_create(
        actor=planner,
        period=period,
        kind="override",
        data={"employee": anna, "min_onsite_per_week": 2, "max_onsite_per_week": 4, "note": ""},
    )
    assert first.pk == second.pk and period.overrides.count() == 1
    assert period.overrides.get().min_onsite_per_week == 2


def _audited_shift_types() -> int:
    return AuditEntry.objects.filter(object_type="presence.ShiftType").count()


def test_adding_a_rule_while_the_period_is_solved_is_refused_in_german(period, world):
    _solving(period)
    audited = _audited_shift_types()
    with pytest.raises(Conflict) as refused:
        rules.rule_create(actor=world["users"]["planner"], period=period, kind="shift", data=SHIFT)
    assert "Während der Plan berechnet wird" in refused.value.message
    assert not ShiftType.objects.filter(period=period, code="M").exists()
    assert _audited_shift_types() == audited


def test_a_queued_job_also_blocks_rule_changes(period, world):
    SolverJob.objects.create(municipality=period.municipality, period=period)
    early = world["early"]
    with pytest.raises(Conflict):
        rules.rule_delete(actor=world["users"]["planner"], period=period, kind="shift", pk=early.pk)
    assert ShiftType.objects.filter(pk=early.pk).exists()


def test_an_invalid_rule_is_not_written(period, world):
    before = ShiftType.objects.filter(period=period).count()
    with pytest.raises(DomainError) as refused:
        # "F" is taken in this period already.
        rules.rule_create(
            actor=world["users"]["planner"],
            period=period,
            kind="shift",
            data={**SHIFT, "code": "F"},
        )
    assert refused.value.status == 422
    assert ShiftType.objects.filter(period=period).count() == before


def test_the_rules_page_shows_the_refusal_at_the_form_and_keeps_the_input(client, period, world):
    _solving(period)
    client.force_login(world["users"]["planner"])
    response = client.post(
        f"/planung/zeitraeume/{period.pk}/regeln/",
        {
            "form": "shift",
            "shift-code": "M",
            "shift-name": "Mittagsschicht",
            "shift-start_time": "11:00",
            "shift-end_time": "15:00",
        },
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Während der Plan berechnet wird, können die Regeln nicht geändert werden." in page
    assert 'value="Mittagsschicht"' in page  # what the planner typed is still there
    assert not ShiftType.objects.filter(period=period, code="M").exists()


def test_the_rules_page_writes_nothing_when_the_form_is_invalid(client, period, world):
    client.force_login(world["users"]["planner"])
    before, audited = ShiftType.objects.filter(period=period).count(), _audited_shift_types()
    response = client.post(
        f"/planung/zeitraeume/{period.pk}/regeln/",
        {
            "form": "shift",
            "shift-code": "M",
            "shift-name": "Mittagsschicht",
            "shift-start_time": "11:00",
            "shift-end_time": "11:00",
        },
    )
    assert response.status_code == 200
    assert "Beginn und Ende der Schicht dürfen nicht gleich sein." in response.content.decode()
    assert ShiftType.objects.filter(period=period).count() == before
    assert _audited_shift_types() == audited


def test_deleting_on_the_page_while_solving_says_why(client, period, world):
    _solving(period)
    client.force_login(world["users"]["planner"])
    response = client.post(
        f"/planung/zeitraeume/{period.pk}/regeln/",
        {"form": "delete", "kind": "shift", "id": world["early"].pk},
        follow=True,
    )
    assert "Während der Plan berechnet wird" in response.content.decode()
    assert ShiftType.objects.filter(pk=world["early"].pk).exists()
