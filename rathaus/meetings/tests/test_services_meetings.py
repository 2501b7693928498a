"""Series, single meetings, rooms, invitations (.ics REQUEST/CANCEL with SEQUENCE, CONFERENCE)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from rathaus.core.models import AuditEntry
from rathaus.core.problems import DomainError
from rathaus.core.tests.factories import RoomFactory
from rathaus.meetings.models import Meeting, Mode
from rathaus.meetings.services import meetings as services
from rathaus.meetings.tests.factories import local, meeting_at

NOW = local(2026, 12, 3, 9)


def _series(body, **kw):
    return services.series_create(
        actor=None,
        body=body,
        title="Lage",
        rule=kw.pop("rule", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        first_start=kw.pop("first_start", local(2026, 12, 7, 8)),
        holiday_policy=kw.pop("holiday_policy", "skip"),
        standing_items=["Lagebericht", "Kennzahlen"],
        now=NOW,
        **kw,
    )


@pytest.mark.django_db
def test_a_series_plans_its_meetings_with_standing_items_and_members_invited(staff):
    body, people = staff
    series = _series(body)
    meetings = list(series.meetings.order_by("start"))
    assert len(meetings) > 40  # Mon/Wed/Fri for the planning horizon
    first = meetings[0]
    assert first.start == local(2026, 12, 7, 8) and first.end == local(2026, 12, 7, 9)
    assert [i.title for i in first.items.order_by("position")] == ["Lagebericht", "Kennzahlen"]
    assert first.attendances.count() == 4
    assert first.video_room.startswith("rathaus-") and len(first.video_room) > 20
    assert AuditEntry.objects.filter(object_type="meetings.Series").exists()


@pytest.mark.django_db
def test_planning_again_creates_nothing_twice(staff):
    body, _ = staff
    series = _series(body)
    count = series.meetings.count()
    assert services.series_plan(actor=None, series=series, now=NOW) == []
    assert series.meetings.count() == count


@pytest.mark.django_db
def test_state_holidays_are_moved_to_the_next_workday(staff):
    body, _ = staff  # the town is in NRW: 25 and 26 December, 1 January are holidays
    series = _series(body, holiday_policy="next_workday")
    days = {timezone_date(m) for m in series.meetings.all()}
    assert date(2026, 12, 25) not in days and date(2027, 1, 1) not in days
    moved = series.meetings.get(moved_from=date(2026, 12, 25))
    assert timezone_date(moved) == date(2026, 12, 29)


def timezone_date(meeting):
    return timezone.localtime(meeting.start).date()


@pytest.mark.django_db
def test_an_invalid_rule_is_an_error_at_the_rule_field(staff):
    body, _ = staff
    with pytest.raises(DomainError) as info:
        _series(body, rule="FREQ=MINUTELY")
    assert info.value.errors == [{"field": "rule"}]
    assert not body.series.exists()


@pytest.mark.django_db
def test_a_room_cannot_be_booked_twice(staff, town):
    body, _ = staff
    room = RoomFactory(location__municipality=town, municipality=town)
    meeting_at(body, NOW, mode=Mode.IN_PERSON, room=room)
    with pytest.raises(DomainError) as info:
        meeting_at(body, NOW + timedelta(minutes=30), mode=Mode.HYBRID, room=room)
    assert info.value.code == "room_booked"
    assert info.value.errors == [{"field": "room"}]
    # online meetings need no room; back-to-back is fine
    meeting_at(body, NOW + timedelta(minutes=60), mode=Mode.IN_PERSON, room=room)


@pytest.mark.django_db
def test_a_two_day_retreat_is_one_meeting(staff):
    body, _ = staff
    retreat = meeting_at(body, local(2027, 1, 14, 9), minutes=31 * 60, mode=Mode.IN_PERSON)
    assert (retreat.end - retreat.start).days == 1


@pytest.mark.django_db(transaction=True)
def test_invitations_carry_request_with_sequence_then_cancel(staff):
    body, people = staff
    meeting = meeting_at(body, NOW + timedelta(days=1))
    services.meeting_invite(actor=None, meeting=meeting, now=NOW)
    assert len(mail.outbox) == 4  # three staff members and the external one
    message = next(m for m in mail.outbox if m.to == ["lindner@stadtwerke.example"])
    name, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar; method=REQUEST"
    cal = Calendar.from_ical(content)
    event = cal.walk("VEVENT")[0]
    assert str(cal["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
    conference = event["CONFERENCE"]
    assert conference.params["VALUE"] == "URI" and "AUDIO" in conference.params["FEATURE"]
    token = people["external"][1].token
    assert f"/gremien/p/{token}/sitzung/{meeting.pk}/beitreten/" in str(conference)
    assert "meet.jit.si" not in str(content)  # the provider's URL never travels
    assert f"/gremien/p/{token}/" in message.body

    mail.outbox.clear()
    meeting.refresh_from_db()
    services.meeting_invite(actor=None, meeting=meeting, now=NOW)
    event = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1

    mail.outbox.clear()
    meeting.refresh_from_db()
    services.meeting_cancel(actor=None, meeting=meeting, now=NOW)
    cal = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    event = cal.walk("VEVENT")[0]
    assert str(cal["METHOD"]) == "CANCEL" and int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"


@pytest.mark.django_db
def test_cancelling_a_series_meeting_makes_its_date_an_exception(staff):
    body, _ = staff
    series = _series(body)
    meeting = series.meetings.order_by("start").first()
    services.meeting_cancel(actor=None, meeting=meeting, now=NOW)
    series.refresh_from_db()
    assert "2026-12-07" in series.exdates
    assert Meeting.objects.get(pk=meeting.pk).cancelled
