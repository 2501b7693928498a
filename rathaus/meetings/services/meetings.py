"""Series, meetings, attendance and invitations."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Room
from rathaus.core.problems import Conflict, DomainError
from rathaus.engines.recurrence import (
    HolidayPolicy,
    RecurrenceError,
    SeriesSpec,
    normalise_rule,
    occurrences,
    validate_rule,
)
from rathaus.meetings import caching, conf, mails
from rathaus.meetings.models import AgendaItem, Attendance, Body, Meeting, Mode, Series
from rathaus.meetings.services.deputies import check_deputy
from rathaus.meetings.services.tombstones import delete_objects
from rathaus.meetings.validation import one_line


def _tz(body: Body) -> ZoneInfo:
    return ZoneInfo(body.municipality.time_zone or "Europe/Berlin")


def _wall(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def state_holidays(body: Body, years: range) -> frozenset[date]:
    calendar = holiday_calendars.country_holidays(
        "DE", subdiv=body.municipality.federal_state, years=list(years)
    )
    return frozenset(calendar.keys())


def room_check(*, room: Room | None, start: datetime, end: datetime, exclude_id=None) -> None:
    """A room holds one meeting at a time; a double booking is an error at the field."""
    if room is None:
        return
    clash = Meeting.objects.filter(room=room, cancelled=False, start__lt=end, end__gt=start)
    if exclude_id:
        clash = clash.exclude(pk=exclude_id)
    other = clash.select_related("body").first()
    if other:
        raise Conflict(
            "room_booked",
            _("Raum %(room)s ist zu dieser Zeit schon belegt (%(meeting)s, %(start)s).")
            % {
                "room": room.number,
                "meeting": other.title,
                "start": timezone.localtime(other.start).strftime("%d.%m.%Y %H:%M"),
            },
            errors=[{"field": "room"}],
        )


def _check_times(start: datetime, end: datetime) -> None:
    if end <= start:
        raise DomainError(
            "end_before_start",
            _("Das Ende muss nach dem Beginn liegen."),
            errors=[{"field": "end"}],
        )
    if end - start > timedelta(days=5):
        raise DomainError(
            "too_long", _("Eine Sitzung dauert höchstens fünf Tage."), errors=[{"field": "end"}]
        )


def _add_standing_items(meeting: Meeting, titles: list[str]) -> None:
    for position, title in enumerate(titles, start=1):
        AgendaItem.objects.create(
            municipality_id=meeting.municipality_id,
            body_id=meeting.body_id,
            meeting=meeting,
            position=position,
            title=title,
            kind=AgendaItem.Kind.STANDING,
        )


@transaction.atomic
def meeting_create(
    *,
    actor,
    body: Body,
    title: str,
    start: datetime,
    end: datetime,
    mode: str = Mode.ONLINE,
    room: Room | None = None,
    series: Series | None = None,
    moved_from: date | None = None,
    standing_items: list[str] | None = None,
) -> Meeting:
    """A single meeting (or a multi-day retreat: ``end`` on a later day)."""
    _check_times(start, end)
    if room is not None and room.municipality_id != body.municipality_id:
        raise DomainError("room_foreign", _("Dieser Raum gehört nicht zu dieser Kommune."))
    if mode != Mode.ONLINE:
        room_check(room=room, start=start, end=end)
    meeting = Meeting.objects.create(
        municipality_id=body.municipality_id,
        body=body,
        series=series,
        title=one_line(title, field="title") or body.name,
        start=start,
        end=end,
        mode=mode,
        room=room if mode != Mode.ONLINE else None,
        moved_from=moved_from,
        video_room=f"rathaus-{secrets.token_urlsafe(12)}",
    )
    _add_standing_items(meeting, standing_items or [])
    for membership in body.memberships.all():
        Attendance.objects.create(
            municipality_id=body.municipality_id, meeting=meeting, membership=membership
        )
    caching.bump(body.pk, body.municipality_id)
    audit.record(actor=actor, instance=meeting, action="create", summary=f"Sitzung {meeting.title}")
    return meeting


def _spec(series: Series, years: range) -> SeriesSpec:
    tz = _tz(series.body)
    return SeriesSpec(
        rule=series.rule,
        first_start=_wall(series.first_start, tz),
        exdates=frozenset(date.fromisoformat(d) for d in series.exdates),
        holidays=state_holidays(series.body, years),
        holiday_policy=HolidayPolicy(series.holiday_policy),
    )


@transaction.atomic
def series_plan(*, actor, series: Series, now: datetime | None = None) -> list[Meeting]:
    """Creates the series' meetings up to the planning horizon (idempotent)."""
    now = now_or(now)
    tz = _tz(series.body)
    # The first planning starts at the first meeting (a series begun last month records its
    # past meetings too); later runs continue after the day planned last.
    start = series.first_start
    if series.planned_until is not None:
        start = max(
            datetime.combine(series.planned_until + timedelta(days=1), datetime.min.time(), tz),
            series.first_start,
        )
    horizon = (now + timedelta(days=conf.horizon_days())).astimezone(tz)
    end = datetime.combine(horizon.date() + timedelta(days=1), datetime.min.time(), tz)
    if start >= end or not series.active:
        return []
    spec = _spec(series, range(start.year, end.year + 1))
    existing = set(series.meetings.values_list("start", flat=True))
    created = []
    for occurrence in occurrences(spec, _wall(start, tz), _wall(end, tz)):
        begin = occurrence.start.replace(tzinfo=tz)
        if begin in existing:
            continue
        created.append(
            meeting_create(
                actor=actor,
                body=series.body,
                title=series.title,
                start=begin,
                end=begin + timedelta(minutes=series.duration_minutes),
                mode=series.mode,
                room=series.room,
                series=series,
                moved_from=occurrence.moved_from,
                standing_items=list(series.standing_items),
            )
        )
    series.planned_until = horizon.date()
    series.save(update_fields=["planned_until", "modified"])
    return created


@transaction.atomic
def series_create(
    *,
    actor,
    body: Body,
    title: str,
    rule: str,
    first_start: datetime,
    duration_minutes: int = 60,
    mode: str = Mode.ONLINE,
    room: Room | None = None,
    holiday_policy: str = HolidayPolicy.SKIP,
    exdates: list[date] | None = None,
    standing_items: list[str] | None = None,
    now: datetime | None = None,
) -> Series:
    tz = _tz(body)
    try:
        validate_rule(rule, _wall(first_start, tz))
    except RecurrenceError as exc:
        raise DomainError(exc.code, exc.message, errors=[{"field": "rule"}]) from exc
    if not 5 <= duration_minutes <= 24 * 60:
        raise DomainError(
            "duration",
            _("Die Dauer liegt zwischen 5 Minuten und 24 Stunden."),
            errors=[{"field": "duration_minutes"}],
        )
    series = Series.objects.create(
        municipality_id=body.municipality_id,
        body=body,
        title=one_line(title, field="title"),
        rule=normalise_rule(rule),
        first_start=first_start,
        duration_minutes=duration_minutes,
        mode=mode,
        room=room if mode != Mode.ONLINE else None,
        holiday_policy=holiday_policy,
        exdates=sorted(d.isoformat() for d in (exdates or [])),
        standing_items=[
            one_line(t, field="standing_items") for t in (standing_items or []) if t.strip()
        ],
    )
    audit.record(
        actor=actor,
        instance=series,
        action="create",
        summary=f"Reihe {series.title}: {series.rule}",
    )
    series_plan(actor=actor, series=series, now=now)
    return series


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Cancels and, if invitations went out, sends METHOD:CANCEL with a higher SEQUENCE."""
    if meeting.cancelled:
        return meeting
    meeting.cancelled = True
    meeting.sequence += 1
    meeting.save(update_fields=["cancelled", "sequence", "modified"])
    if meeting.series_id:
        series = meeting.series
        # the series must not plan this occurrence again: its original date becomes an exception
        day = meeting.moved_from or timezone.localtime(meeting.start).date()
        series.exdates = sorted({*series.exdates, day.isoformat()})
        series.save(update_fields=["exdates", "modified"])
    caching.bump(meeting.body_id, meeting.municipality_id)
    audit.record(actor=actor, instance=meeting, action="action", summary="Sitzung abgesagt")
    if meeting.invited_at:
        pk = meeting.pk
        transaction.on_commit(lambda: mails.send_invitations(pk, cancel=True))
    return meeting


@transaction.atomic
def meeting_invite(*, actor, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Sends (or re-sends, as an update) the invitation with agenda and .ics to every member."""
    now = now_or(now)
    if meeting.cancelled:
        raise DomainError("cancelled", _("Eine abgesagte Sitzung kann nicht eingeladen werden."))
    if meeting.end <= now:
        raise DomainError("past", _("Diese Sitzung ist schon vorbei."))
    if meeting.invited_at:
        meeting.sequence += 1
    meeting.invited_at = now
    meeting.save(update_fields=["invited_at", "sequence", "modified"])
    caching.bump(meeting.body_id, meeting.municipality_id)
    audit.record(actor=actor, instance=meeting, action="action", summary="Einladung versandt")
    pk = meeting.pk
    transaction.on_commit(lambda: mails.send_invitations(pk, cancel=False))
    return meeting


@transaction.atomic
def attendance_set(*, actor, attendance: Attendance, status: str, deputy=None) -> Attendance:
    check_deputy(attendance, deputy)
    attendance.status = status
    attendance.deputy = deputy
    attendance.save(update_fields=["status", "deputy"])
    caching.bump(attendance.meeting.body_id, attendance.municipality_id)
    audit.record(actor=actor, instance=attendance, action="update", summary=f"Teilnahme: {status}")
    return attendance


@transaction.atomic
def attendance_respond(
    *, membership, meeting: Meeting, accept: bool, now: datetime | None = None
) -> Attendance:
    """A member answers the invitation (accepted / declined) until the meeting ends."""
    now = now_or(now)
    if meeting.cancelled or meeting.end <= now:
        raise DomainError("closed", _("Auf diese Sitzung kann nicht mehr geantwortet werden."))
    attendance, _created = Attendance.objects.get_or_create(
        meeting=meeting,
        membership=membership,
        defaults={"municipality_id": meeting.municipality_id},
    )
    if attendance.status == Attendance.Status.PRESENT:
        # the secretary recorded the person as present: an answer cannot undo that
        raise DomainError("present", _("Sie sind in dieser Sitzung schon als anwesend erfasst."))
    attendance.status = Attendance.Status.ACCEPTED if accept else Attendance.Status.DECLINED
    if accept:
        attendance.deputy = None  # coming after all: the named deputy no longer stands in
    attendance.save(update_fields=["status", "deputy"])
    caching.bump(meeting.body_id, meeting.municipality_id)
    audit.record(
        actor=membership.employee.user if membership.employee_id else None,
        instance=attendance,
        action="update",
        summary="Zusage" if accept else "Absage",
    )
    return attendance


def _disposable(meeting: Meeting) -> bool:
    """Planned but untouched: not invited, only standing items without minutes, no papers."""
    if meeting.invited_at or meeting.consultations.exists():
        return False
    return not meeting.items.exclude(kind=AgendaItem.Kind.STANDING, discussion="").exists()


@transaction.atomic
def series_rule_change(*, actor, series: Series, rule: str, now: datetime | None = None) -> Series:
    """A new rhythm from tomorrow: meetings the new rule no longer has are deleted while
    untouched, cancelled (with METHOD:CANCEL) once invited or prepared; the rest is kept."""
    now = now_or(now)
    tz = _tz(series.body)
    try:
        validate_rule(rule, _wall(series.first_start, tz))
    except RecurrenceError as exc:
        raise DomainError(exc.code, exc.message, errors=[{"field": "rule"}]) from exc
    old_rule, series.rule = series.rule, normalise_rule(rule)
    today = now.astimezone(tz).date()
    tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time(), tz)
    horizon = tomorrow + timedelta(days=conf.horizon_days() + 1)
    spec = _spec(series, range(tomorrow.year, horizon.year + 1))
    keep = {
        o.start.replace(tzinfo=tz)
        for o in occurrences(spec, _wall(tomorrow, tz), _wall(horizon, tz))
    }
    for meeting in series.meetings.filter(start__gte=tomorrow, cancelled=False):
        if meeting.start in keep:
            continue
        if _disposable(meeting):
            delete_objects(actor=actor, objects=[meeting], now=now)
        else:
            meeting_cancel(actor=actor, meeting=meeting, now=now)
    series.refresh_from_db(fields=["exdates"])
    series.planned_until = today
    series.save(update_fields=["rule", "planned_until", "modified"])
    caching.bump(series.body_id, series.municipality_id)
    audit.record(
        actor=actor,
        instance=series,
        action="update",
        summary=f"Rhythmus {old_rule} → {series.rule}",
    )
    series_plan(actor=actor, series=series, now=now)
    return series
