"""E-mail reminders before invited meetings (periodic job) and calendar replies (iTIP REPLY)
that update attendance through the invitee's personal link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rathaus.meetings import ical
from rathaus.meetings.models import Attendance
from rathaus.meetings.services import maintenance
from rathaus.meetings.services import meetings as services
from rathaus.meetings.tests.factories import crisis_staff, local, meeting_at

NOW = local(2026, 12, 3, 9)


def _reply(meeting, membership, partstat: str, *, sequence=None) -> bytes:
    """What a calendar program sends back: the REQUEST turned into a REPLY with a PARTSTAT."""
    text = ical.invitation(meeting, membership).decode()
    text = text.replace("METHOD:REQUEST", "METHOD:REPLY")
    text = text.replace("PARTSTAT=NEEDS-ACTION", f"PARTSTAT={partstat}")
    if sequence is not None:
        text = text.replace(f"SEQUENCE:{meeting.sequence}", f"SEQUENCE:{sequence}")
    return text.encode()


@pytest.mark.django_db(transaction=True)
def test_invitees_get_one_reminder_the_day_before_but_not_those_who_declined(staff):
    body, people = staff
    meeting = meeting_at(body, NOW + timedelta(hours=20))
    later = meeting_at(body, NOW + timedelta(days=3))
    services.meeting_invite(actor=None, meeting=meeting, now=NOW)
    services.meeting_invite(actor=None, meeting=later, now=NOW)
    services.attendance_respond(
        membership=people["member"][1], meeting=meeting, accept=False, now=NOW
    )
    mail.outbox.clear()
    assert maintenance.meetings_send_reminders(now=NOW) == 1
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert len(recipients) == 3 and people["member"][0].username not in " ".join(recipients)
    message = next(m for m in mail.outbox if m.to == ["lindner@stadtwerke.example"])
    assert message.subject.startswith("Erinnerung:")
    assert f"/gremien/p/{people['external'][1].token}/sitzung/{meeting.pk}/beitreten/" in (
        message.body
    )
    mail.outbox.clear()
    assert maintenance.meetings_send_reminders(now=NOW + timedelta(minutes=15)) == 0
    assert mail.outbox == []  # never twice


@pytest.mark.django_db(transaction=True)
def test_meetings_not_invited_or_cancelled_get_no_reminder(staff):
    body, _ = staff
    meeting_at(body, NOW + timedelta(hours=5))
    cancelled = meeting_at(body, NOW + timedelta(hours=6))
    services.meeting_invite(actor=None, meeting=cancelled, now=NOW)
    services.meeting_cancel(actor=None, meeting=cancelled, now=NOW)
    mail.outbox.clear()
    assert maintenance.meetings_send_reminders(now=NOW) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_calendar_reply_accepted_then_declined_updates_attendance(client, staff):
    body, people = staff
    external = people["external"][1]
    meeting = meeting_at(body, local(2030, 1, 7, 8))
    url = reverse("meetings:personal_reply", args=[external.token])
    response = client.post(url, _reply(meeting, external, "ACCEPTED"), content_type="text/calendar")
    assert response.status_code == 200 and response.content == b"accepted"
    attendance = Attendance.objects.get(meeting=meeting, membership=external)
    assert attendance.status == "accepted"
    upload = SimpleUploadedFile("antwort.ics", _reply(meeting, external, "DECLINED"))
    response = client.post(url, {"ics": upload}, follow=True)
    assert "Ihre Antwort aus dem Kalender ist gespeichert: abgesagt" in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.status == "declined"


@pytest.mark.django_db
def test_bad_or_foreign_replies_are_problems_never_500(client, staff, other_town):
    body, people = staff
    external = people["external"][1]
    meeting = meeting_at(body, local(2030, 1, 7, 8))
    foreign_body, foreign_people = crisis_staff(other_town, name="Fremder Stab")
    foreign = meeting_at(foreign_body, local(2030, 1, 8, 8))
    url = reverse("meetings:personal_reply", args=[external.token])
    cases = {
        b"kein kalender": "reply_invalid",
        ical.invitation(meeting, external): "reply_method",  # a REQUEST is no answer
        _reply(meeting, external, "TENTATIVE"): "reply_partstat",
        _reply(foreign, foreign_people["external"][1], "ACCEPTED"): "reply_unknown",
        _reply(meeting, people["member"][1], "ACCEPTED"): "reply_attendee",
        b"x" * (65 * 1024): "reply_too_large",
    }
    for data, code in cases.items():
        response = client.post(url, data, content_type="text/calendar")
        assert response.status_code == 400, code
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == code
    assert not Attendance.objects.filter(
        membership=external, status__in=["accepted", "declined"]
    ).exists()


@pytest.mark.django_db
def test_a_reply_to_an_older_invitation_is_refused(client, staff):
    body, people = staff
    external = people["external"][1]
    meeting = meeting_at(body, local(2030, 1, 7, 8))
    old = _reply(meeting, external, "ACCEPTED")
    services.meeting_invite(actor=None, meeting=meeting, now=NOW)
    services.meeting_invite(actor=None, meeting=meeting, now=NOW)  # an update: SEQUENCE 1
    url = reverse("meetings:personal_reply", args=[external.token])
    response = client.post(url, old, content_type="text/calendar")
    assert response.json()["code"] == "reply_outdated"
