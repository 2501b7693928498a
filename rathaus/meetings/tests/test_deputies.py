"""Functions staffed two or three deep: members name their deputy, and the quorum counts the
person who really fills a seat — once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from rathaus.core.models import Role
from rathaus.meetings import selectors
from rathaus.meetings.models import Attendance
from rathaus.meetings.services import bodies
from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.tests.factories import meeting_at, staff_member


@pytest.fixture
def staffed(town):
    """A crisis staff: S1 and S2 with a lead (voting) and two deputies each (non-voting)."""
    body = bodies.body_create(actor=None, municipality=town, name="Krisenstab", kind="crisis_staff")
    seats = {}
    for function in ("S1 Personal", "S2 Lage"):
        for rank in (1, 2, 3):
            user, employee = staff_member(town, Role.EMPLOYEE)
            seats[(function[:2], rank)] = (
                user,
                bodies.membership_add(
                    actor=None,
                    body=body,
                    employee=employee,
                    role="member" if rank == 1 else "deputy",
                    function=function,
                    rank=rank,
                    voting=rank == 1,
                ),
            )
    meeting = meeting_at(body, timezone.now() + timedelta(hours=2))
    return body, seats, meeting


def _mark(meeting, membership, status):
    Attendance.objects.filter(meeting=meeting, membership=membership).update(status=status)


@pytest.mark.django_db
def test_the_next_deputy_of_the_function_fills_the_leads_seat_by_themselves(client, staffed):
    _, seats, meeting = staffed
    _mark(meeting, seats[("S1", 1)][1], "excused")
    _mark(meeting, seats[("S1", 3)][1], "present")  # the 1st deputy is away too
    _mark(meeting, seats[("S2", 2)][1], "present")  # S2's lead missing, nobody excused
    quorum = selectors.quorum(meeting)
    assert (quorum.present, quorum.seats, quorum.quorate) == (2, 2, True)
    assert quorum.stand_ins[seats[("S1", 1)][1].pk] == seats[("S1", 3)][1]
    assert quorum.stand_ins[seats[("S2", 1)][1].pk] == seats[("S2", 2)][1]


@pytest.mark.django_db
def test_a_member_names_their_deputy_who_is_told_and_counts_once_present(
    client, staffed, django_capture_on_commit_callbacks
):
    _, seats, meeting = staffed
    lead_user, lead = seats[("S1", 1)]
    _deputy_user, deputy = seats[("S1", 3)]
    client.force_login(lead_user)
    page = client.get(f"/gremien/sitzung/{meeting.pk}/").content.decode()
    assert "Absagen und vertreten lassen durch" in page and deputy.person_name in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/gremien/sitzung/{meeting.pk}/antwort/", {"answer": "deputy", "deputy": deputy.pk}
        )
    assert response.status_code == 302
    answer = meeting.attendances.get(membership=lead)
    assert answer.status == "declined" and answer.deputy == deputy
    assert [m.to for m in mail.outbox] == [[deputy.email]]
    assert lead.person_name in mail.outbox[0].body and "Vertretung" in mail.outbox[0].subject

    # named but not (yet) present: the seat is empty
    assert selectors.quorum(meeting).present == 0
    _mark(meeting, deputy, "present")
    _mark(meeting, seats[("S1", 2)][1], "present")  # the 1st deputy is there as well
    quorum = selectors.quorum(meeting)
    assert quorum.stand_ins[lead.pk] == deputy  # the named one, not the next in rank
    assert quorum.present == 1  # S2's lead is away and nobody of S2 is there

    # coming after all withdraws the deputy
    _mark(meeting, lead, "declined")
    meeting_services.attendance_respond(membership=lead, meeting=meeting, accept=True)
    assert meeting.attendances.get(membership=lead).deputy is None


@pytest.mark.django_db
def test_a_deputy_stands_in_for_one_member_only_and_never_holds_a_vote_twice(client, staffed):
    _, seats, meeting = staffed
    s1_user, _s1 = seats[("S1", 1)]
    s2_user, s2 = seats[("S2", 1)]
    _, shared = seats[("S1", 2)]
    client.force_login(s1_user)
    client.post(
        f"/gremien/sitzung/{meeting.pk}/antwort/", {"answer": "deputy", "deputy": shared.pk}
    )

    client.force_login(s2_user)
    response = client.post(
        f"/gremien/sitzung/{meeting.pk}/antwort/",
        {"answer": "deputy", "deputy": shared.pk},
        follow=True,
    )
    assert "vertritt in dieser Sitzung schon" in response.content.decode()
    assert meeting.attendances.get(membership=s2).deputy is None
    # a member with a vote of their own is not offered, and refused if posted anyway
    response = client.post(
        f"/gremien/sitzung/{meeting.pk}/antwort/",
        {"answer": "deputy", "deputy": seats[("S1", 1)][1].pk},
        follow=True,
    )
    assert "Bitte eine Vertretung aus der Liste wählen" in response.content.decode()
    assert meeting.attendances.get(membership=s2).status == "invited"


@pytest.mark.django_db
def test_an_external_member_names_a_deputy_through_the_personal_link(client, staffed):
    body, seats, meeting = staffed
    external = bodies.membership_add(
        actor=None,
        body=body,
        external_name="Dr. Petra Lindner",
        external_email="lindner@stadtwerke.example",
        external_organisation="Stadtwerke",
        function="S1 Personal",
    )
    meeting_services.attendance_respond(membership=external, meeting=meeting, accept=True)
    page = client.get(f"/gremien/p/{external.token}/").content.decode()
    assert "Vertretung benennen" in page
    deputy = seats[("S1", 2)][1]
    response = client.post(
        f"/gremien/p/{external.token}/sitzung/{meeting.pk}/antwort/",
        {"answer": "deputy", "deputy": deputy.pk},
    )
    assert response.status_code == 302
    assert meeting.attendances.get(membership=external).deputy == deputy


@pytest.mark.django_db
def test_the_office_cannot_name_a_voting_member_as_deputy(client, office, staffed):
    _, seats, meeting = staffed
    lead = meeting.attendances.get(membership=seats[("S1", 1)][1])
    client.force_login(office)
    response = client.post(
        f"/gremien/sitzung/{meeting.pk}/teilnahme/{lead.pk}/",
        {"status": "excused", "deputy": seats[("S2", 1)][1].pk},
        follow=True,
    )
    assert "hat selbst einen stimmberechtigten Sitz" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == "invited" and lead.deputy is None
