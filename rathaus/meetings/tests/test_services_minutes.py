"""Minutes: no lost text with two writers, decisions, the assignment register, the lifecycle."""

from datetime import date, timedelta

import pytest

from rathaus.core.problems import DomainError
from rathaus.meetings.models import AgendaItem, Assignment, Meeting
from rathaus.meetings.services import maintenance
from rathaus.meetings.services import minutes as services
from rathaus.meetings.tests.factories import local, meeting_at

NOW = local(2026, 12, 3, 9)


@pytest.fixture
def meeting(staff):
    body, _ = staff
    m = meeting_at(body, NOW - timedelta(hours=1))
    services.agenda_item_add(actor=None, body=body, meeting=m, title="Lagebericht")
    return m


@pytest.mark.django_db
def test_the_second_writer_gets_the_first_writers_text_instead_of_overwriting_it(meeting):
    item = meeting.items.get()
    services.minutes_save(actor=None, item=item, text="Anna schreibt", base_version=0)
    with pytest.raises(services.MinutesConflict) as info:
        services.minutes_save(actor=None, item=item, text="Ben schreibt", base_version=0)
    assert info.value.status == 409
    assert info.value.item.discussion == "Anna schreibt"
    merged = "Anna schreibt\nBen schreibt"
    item = services.minutes_save(
        actor=None, item=item, text=merged, base_version=info.value.item.version
    )
    assert item.discussion == merged and item.version == 2


@pytest.mark.django_db
def test_a_decision_needs_votes_or_unanimity(meeting):
    item = meeting.items.get()
    with pytest.raises(DomainError) as info:
        services.decision_record(actor=None, item=item, text="Beschluss")
    assert info.value.errors == [{"field": "yes"}]
    with pytest.raises(DomainError):
        services.decision_record(actor=None, item=item, text="B", unanimous=True, no=1)
    d = services.decision_record(actor=None, item=item, text="B", yes=5, no=1, abstain=0)
    assert d.adopted


@pytest.mark.django_db
def test_an_overdue_assignment_returns_on_the_next_agenda_once(staff, meeting):
    body, people = staff
    item = meeting.items.get()
    assignment = services.assignment_create(
        actor=None,
        item=item,
        what="Schichtpläne abstimmen",
        assignee=people["member"][1],
        due=date(2026, 12, 2),
    )
    next_meeting = meeting_at(body, NOW + timedelta(days=2))
    assert maintenance.assignments_carry_overdue(now=NOW) == 1
    assert maintenance.assignments_carry_overdue(now=NOW) == 0  # not twice
    follow_up = next_meeting.items.get(kind=AgendaItem.Kind.FOLLOW_UP)
    assert follow_up.source_assignment == assignment
    assert "Schichtpläne abstimmen" in follow_up.title and "02.12.2026" in follow_up.title
    assert follow_up.presenter == people["member"][1].person_name
    services.assignment_complete(actor=None, assignment=assignment, now=NOW)
    assert Assignment.objects.get(pk=assignment.pk).status == "done"


@pytest.mark.django_db
def test_an_assignment_not_yet_due_stays_off_the_agenda(staff, meeting):
    body, people = staff
    services.assignment_create(
        actor=None,
        item=meeting.items.get(),
        what="X",
        assignee_text="Amt 32",
        due=date(2026, 12, 3),
    )
    meeting_at(body, NOW + timedelta(days=2))
    assert maintenance.assignments_carry_overdue(now=NOW) == 0


@pytest.mark.django_db
def test_minutes_go_draft_circulated_approved_in_the_next_meeting_locked(staff, meeting):
    body, _ = staff
    later = meeting_at(body, NOW + timedelta(days=2))
    services.minutes_circulate(actor=None, meeting=meeting, now=NOW)
    with pytest.raises(DomainError) as info:  # the next meeting has not begun
        services.minutes_approve(actor=None, meeting=meeting, at_meeting=later, now=NOW)
    assert info.value.errors == [{"field": "at_meeting"}]
    services.minutes_approve(
        actor=None, meeting=meeting, at_meeting=later, now=NOW + timedelta(days=2, minutes=5)
    )
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.APPROVED
    assert meeting.minutes_approved_at == later
    item = meeting.items.get()
    with pytest.raises(DomainError) as info:
        services.minutes_save(actor=None, item=item, text="Nachträglich", base_version=item.version)
    assert info.value.code == "minutes_closed"
    services.minutes_lock(actor=None, meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == "locked"


@pytest.mark.django_db
def test_one_line_fields_reject_control_characters(staff, meeting):
    body, _ = staff
    with pytest.raises(DomainError) as info:
        services.agenda_item_add(actor=None, body=body, meeting=meeting, title="a\x00b")
    assert info.value.errors == [{"field": "title"}]
