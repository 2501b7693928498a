"""Steering cases close only with a recorded decision; "adjust" versions the change."""

from datetime import date

import pytest

from rathaus.core.models import AuditEntry
from rathaus.core.problems import Conflict, DomainError
from rathaus.steering.models import BodyDecision, MilestoneRevision, SteeringCase
from rathaus.steering.selectors import project_history
from rathaus.steering.services.cases import (
    case_body_decision_record,
    case_comment_add,
    case_decide,
    case_of_link,
    case_open,
)
from rathaus.steering.tests.conftest import NOW, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    opened, new = case_open(
        kind="project",
        trigger=f"project:{world['project'].pk}:red",
        title="Bebauungsplan ist rot",
        explanation="Lärmgutachten fehlt",
        assigned_unit=world["planning"],
        project=world["project"],
        now=NOW,
    )
    assert new
    return opened


def test_a_trigger_opens_only_one_case_at_a_time(world, case):
    again, new = case_open(
        kind="project",
        trigger=case.trigger,
        title="x",
        explanation="neu",
        assigned_unit=world["planning"],
        now=NOW,
    )
    assert not new and again.pk == case.pk and again.explanation == "neu"


def test_departments_discuss_with_comments(world, case):
    case_comment_add(
        actor=world["users"]["owner"], case=case, text="Gutachten in 8 Wochen", now=NOW
    )
    comment = case_comment_add(
        actor=world["users"]["treasurer"], case=case, text="Geld reicht", now=NOW
    )
    assert comment.unit == world["finance"]
    assert case.comments.count() == 2
    with pytest.raises(DomainError):
        case_comment_add(actor=world["users"]["owner"], case=case, text="   ", now=NOW)


def test_adjust_moves_a_milestone_as_a_new_version_and_shows_in_the_history(world, case):
    later = world["later"]
    decided = case_decide(
        actor=world["users"]["mayor"],
        case=case,
        decision="adjust",
        reason="Offenlage ein Quartal später",
        milestone_changes={later.pk: date(2031, 12, 31)},
        now=NOW,
    )
    later.refresh_from_db()
    assert decided.status == "decided" and decided.decision == "adjust"
    assert later.due == date(2031, 12, 31)
    revision = MilestoneRevision.objects.get(milestone=later)
    assert revision.old_due == date(2031, 9, 30) and revision.case == decided
    kinds = [e.kind for e in project_history(world["project"])]
    assert "decision" in kinds and "milestone" in kinds
    assert AuditEntry.objects.filter(object_type="steering.SteeringCase").exists()


def test_adjust_without_a_change_is_refused(world, case):
    with pytest.raises(DomainError) as err:
        case_decide(
            actor=world["users"]["mayor"], case=case, decision="adjust", reason="x", now=NOW
        )
    assert err.value.code == "adjust_needs_change"
    case.refresh_from_db()
    assert case.status == "open"


def test_a_decision_needs_a_reason_and_happens_once(world, case):
    with pytest.raises(DomainError):
        case_decide(actor=world["users"]["mayor"], case=case, decision="keep", reason=" ", now=NOW)
    case_decide(
        actor=world["users"]["mayor"], case=case, decision="keep", reason="beobachten", now=NOW
    )
    with pytest.raises(Conflict):
        case_decide(actor=world["users"]["mayor"], case=case, decision="stop", reason="x", now=NOW)


def test_stop_stops_the_project(world, case):
    case_decide(
        actor=world["users"]["mayor"], case=case, decision="stop", reason="Kein Bedarf", now=NOW
    )
    world["project"].refresh_from_db()
    assert world["project"].status == "stopped"


def test_a_milestone_of_another_project_cannot_be_moved(world, case, other_town, make_user):
    foreign = build_world(other_town, make_user)
    with pytest.raises(DomainError):
        case_decide(
            actor=world["users"]["mayor"],
            case=case,
            decision="adjust",
            reason="x",
            milestone_changes={foreign["later"].pk: date(2032, 1, 1)},
            now=NOW,
        )
    assert SteeringCase.objects.get(pk=case.pk).status == "open"


def _body_decision(world, case, *, ref="meetings.decision:1", text="Hilfsprogramm auflegen"):
    return case_body_decision_record(
        actor=world["users"]["treasurer"],
        municipality_id=case.municipality_id,
        link=f"/steuerung/faelle/{case.pk}/",
        source_ref=ref,
        body="Krisenstab",
        meeting_title="Lagebesprechung",
        meeting_date=date(2031, 3, 20),
        text=text,
        result="einstimmig",
        url="/gremien/sitzung/4/#top-9",
        now=NOW,
    )


def test_a_body_decision_closes_an_open_case_audited_and_shows_in_the_history(world, case):
    row = _body_decision(world, case)
    case.refresh_from_db()
    assert row.case == case and row.body == "Krisenstab" and row.url == "/gremien/sitzung/4/#top-9"
    assert case.status == "decided" and case.decision == "body"
    assert case.decision_reason == "Krisenstab, 20.03.2031: Hilfsprogramm auflegen"
    assert case.decided_by == world["users"]["treasurer"]
    assert AuditEntry.objects.filter(object_type="steering.BodyDecision").exists()
    assert AuditEntry.objects.filter(
        summary="Entscheidung: Beschluss eines Gremiums (Krisenstab)"
    ).exists()
    history = [e for e in project_history(world["project"]) if e.kind == "decision"]
    assert history and "Hilfsprogramm auflegen" in history[0].text


def test_a_body_decision_is_taken_once_and_kept_beside_an_earlier_decision(world, case):
    case_decide(
        actor=world["users"]["mayor"], case=case, decision="keep", reason="beobachten", now=NOW
    )
    assert _body_decision(world, case) is not None
    assert _body_decision(world, case) is None  # the same meetings decision again
    case.refresh_from_db()
    assert case.decision == "keep" and case.decision_reason == "beobachten"
    assert case.body_decisions.count() == 1


def test_links_that_name_no_case_of_the_town_write_nothing(world, case, other_town, make_user):
    foreign = build_world(other_town, make_user)
    for link in (
        "/steuerung/faelle/",
        f"/steuerung/projekte/{world['project'].pk}/",
        f"https://example.org/steuerung/faelle/{case.pk}/",
        f"//example.org/steuerung/faelle/{case.pk}/",
        "/gibt-es-nicht/",
        "",
    ):
        assert case_of_link(municipality_id=case.municipality_id, link=link) is None, link
    assert (
        case_of_link(
            municipality_id=foreign["plan"].municipality_id, link=f"/steuerung/faelle/{case.pk}/"
        )
        is None
    )
    assert (
        case_of_link(municipality_id=case.municipality_id, link=f"/steuerung/faelle/{case.pk}/?x=1")
        == case
    )
    assert not BodyDecision.objects.exists()


def test_the_leadership_cannot_pick_the_body_decision_itself(world, case):
    with pytest.raises(DomainError):
        case_decide(actor=world["users"]["mayor"], case=case, decision="body", reason="x", now=NOW)
