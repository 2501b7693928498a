"""A body's decision on an item proposed from a steering case goes back to the case: the case
shows body, meeting day, text, vote and a link to the meeting, and an open case closes."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from rathaus.core.models import AuditEntry
from rathaus.core.tests.factories import MunicipalityFactory, OrgUnitFactory
from rathaus.meetings.services import minutes, proposals
from rathaus.meetings.tests.factories import local, meeting_at

pytestmark = pytest.mark.django_db


def _case(municipality, title="Kurzarbeit außerhalb des Korridors"):
    # the steering app's model, looked up through the registry (apps never import each other)
    return apps.get_model("steering", "SteeringCase").objects.create(
        municipality=municipality,
        kind="indicator",
        trigger=f"indicator:{title}",
        title=title,
        assigned_unit=OrgUnitFactory(municipality=municipality),
        opened_at=timezone.now(),
    )


def _item_on_a_meeting(body, office, link, meeting=None):
    item = proposals.agenda_item_propose(
        actor=office,
        body=body,
        title="Kurzarbeit steigt stark",
        source_label="Steuerungsfall",
        source_url=link,
    )
    if meeting is None:
        meeting = meeting_at(body, local(2031, 4, 2, 9), title="Lagebesprechung Kurzarbeit")
    return minutes.agenda_item_schedule(actor=office, item=item, meeting=meeting), meeting


def test_the_body_decision_recorded_in_the_minutes_closes_the_steering_case(
    client, town, staff, office
):
    body, _ = staff
    case = _case(town)
    item, meeting = _item_on_a_meeting(body, office, f"/steuerung/faelle/{case.pk}/")
    client.force_login(office)
    response = client.post(
        reverse("meetings:decision_add", args=[item.pk]),
        {
            f"d{item.pk}-text": "Hilfsprogramm für Zulieferer auflegen.",
            f"d{item.pk}-yes": "5",
            f"d{item.pk}-no": "1",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "decided" and case.decision == "body"
    assert case.decided_by == office
    assert "Hilfsprogramm für Zulieferer auflegen." in case.decision_reason
    kept = case.body_decisions.get()
    assert kept.body == body.name and kept.meeting_title == "Lagebesprechung Kurzarbeit"
    assert kept.meeting_date.isoformat() == "2031-04-02" and kept.result == "Ja 5, Nein 1"
    assert kept.url == reverse("meetings:meeting", args=[meeting.pk]) + f"#top-{item.pk}"
    assert AuditEntry.objects.filter(summary__startswith="Entscheidung: Beschluss").exists()


def test_a_second_decision_is_kept_beside_the_first_and_other_items_touch_no_case(
    town, staff, office
):
    body, _ = staff
    case = _case(town)
    item, meeting = _item_on_a_meeting(body, office, f"/steuerung/faelle/{case.pk}/")
    minutes.decision_record(
        actor=office, item=item, text="Verwaltung legt ein Hilfsprogramm vor.", unanimous=True
    )
    minutes.decision_record(actor=office, item=item, text="Programm beschlossen.", unanimous=True)
    case.refresh_from_db()
    assert case.decision_reason.endswith(
        "Verwaltung legt ein Hilfsprogramm vor."
    )  # the case closed with the first
    assert [b.text for b in case.body_decisions.all()] == [
        "Verwaltung legt ein Hilfsprogramm vor.",
        "Programm beschlossen.",
    ]
    assert [b.result for b in case.body_decisions.all()] == ["einstimmig", "einstimmig"]
    untouched = _case(town, title="Anderer Fall")
    for link in ("/steuerung/faelle/", "https://example.org/steuerung/faelle/1/", "/gremien/"):
        other, _m = _item_on_a_meeting(body, office, link, meeting)
        minutes.decision_record(actor=office, item=other, text="Beschluss", unanimous=True)
    untouched.refresh_from_db()
    assert untouched.status == "open" and not untouched.body_decisions.exists()


def test_a_link_to_another_towns_case_is_left_alone(town, staff, office):
    body, _ = staff
    foreign = _case(MunicipalityFactory())
    item, _meeting = _item_on_a_meeting(body, office, f"/steuerung/faelle/{foreign.pk}/")
    minutes.decision_record(actor=office, item=item, text="Beschluss", unanimous=True)
    foreign.refresh_from_db()
    assert foreign.status == "open" and not foreign.body_decisions.exists()
