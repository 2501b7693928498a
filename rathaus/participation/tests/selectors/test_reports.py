"""The participation report shows districts and groups that were not reached."""

import pytest

from rathaus.participation.selectors.reports import participation_report
from rathaus.participation.services import participants, posts

pytestmark = pytest.mark.django_db


def test_report_counts_by_district_and_group_and_names_who_was_not_reached(process, planner):
    issued = participants.invitation_group_create(
        actor=planner, process=process, name="Haushalte Lindenstraße", kind="households", count=3
    )
    participants.invitation_group_create(
        actor=planner, process=process, name="Geschäfte", kind="businesses", count=2
    )
    resident, _ = participants.participant_join(
        process=process, pseudonym="A", consent=True, street="Lindenstraße", house_number="1"
    )
    guest, _ = participants.participant_join(
        process=process,
        pseudonym="B",
        consent=True,
        code=issued.codes[0],
        street="Südparkweg",
        house_number="2",
    )
    idea = posts.idea_create(process=process, participant=resident, title="A", body="b")
    posts.comment_create(idea=idea, participant=guest, body="c")
    report = participation_report(process)
    assert (report.participants, report.ideas, report.comments) == (2, 1, 1)
    rows = {r.label: r for r in report.by_district}
    assert rows["Nordviertel"].participants == 1 and rows["Nordviertel"].concerned
    assert rows["Südfeld"].comments == 1 and not rows["Südfeld"].concerned
    groups = {r.label: r for r in report.by_group}
    assert groups["Haushalte Lindenstraße"].participants == 1
    assert groups["Haushalte Lindenstraße"].invited == 3
    assert report.not_reached == ["Geschäfte"]
