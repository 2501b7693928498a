"""One meeting: details, agenda, attendance, invitations, the video join gate, .ics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.meetings import caching, ical, selectors, video
from rathaus.meetings.forms import AgendaItemForm
from rathaus.meetings.models import Attendance, Meeting, Membership
from rathaus.meetings.rules import PERM_MANAGE, PERM_MINUTES
from rathaus.meetings.services import deputies as deputy_services
from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.services import minutes as minutes_services
from rathaus.meetings.views.common import require, require_view, to_meeting


def join_context(meeting: Meeting, seat: Membership | None, now) -> dict:
    """What the join box shows: nothing for non-invitees, the time it opens, or the link."""
    if seat is None or not meeting.has_video or meeting.cancelled:
        return {"show": False}
    return {
        "show": True,
        "open": video.join_open(meeting, now),
        "opens_at": video.opens_at(meeting),
    }


def _agenda_html(meeting: Meeting, can_manage: bool) -> str:
    return render_to_string(
        "meetings/meeting/_agenda.html",
        {
            "meeting": meeting,
            "items": selectors.agenda_of(meeting),
            "backlog": selectors.backlog_of(meeting.body),
            "item_form": AgendaItemForm(),
            "can_manage": can_manage,
            "csrf_token": caching.CSRF_PLACEHOLDER,
        },
    )


def _attendance_html(meeting: Meeting, can_write: bool) -> str:
    attendances, quorum = selectors.attendance_with_quorum(meeting)
    return render_to_string(
        "meetings/meeting/_attendance.html",
        {
            "meeting": meeting,
            "attendances": attendances,
            "quorum": quorum,
            "members": selectors.deputies_of(meeting.body_id) if can_write else (),
            "attendance_choices": Attendance.Status.choices,
            "can_write": can_write,
            "csrf_token": caching.CSRF_PLACEHOLDER,
        },
    )


def _clock_state(meeting: Meeting, now) -> str:
    """All of the page that follows the clock: join window open, begun, over."""
    return f"{video.join_open(meeting, now):d}{meeting.start <= now:d}{meeting.end <= now:d}"


def _page_key(request, meeting: Meeting, now, body_version: int) -> str:
    """Per person (their seat, answer, join box and menu), body version, language (in
    ``body_key``) and clock state; roles and municipality in case they change."""
    user = request.user
    who = f"{user.pk}:{user.municipality_id}:{','.join(sorted(user.roles or []))}"
    part = f"page:{meeting.pk}:{who}:{_clock_state(meeting, now)}"
    return caching.body_key(meeting.body, part, body_version)


@login_required
@require_GET
def detail(request, meeting_id):
    """The whole page is cached per person and body version (every write to the body starts a
    new version, see ``caching``); a page with messages to show is rendered afresh."""
    require_view(request.user)
    now = now_or()
    if len(get_messages(request)):
        html = _detail_html(request, selectors.meeting_get(request.user, meeting_id), now)
    else:
        # a cached page needs only the narrow row; the whole meeting is read on a miss only
        head, body_version, hit = caching.meeting_head(
            request.user,
            meeting_id,
            lambda: selectors.meeting_head(request.user, meeting_id),
            page_key=lambda head, version: _page_key(request, head, now, version),
        )
        html = caching.get_or_render(
            _page_key(request, head, now, body_version),
            lambda: _detail_html(request, selectors.meeting_get(request.user, meeting_id), now),
            hit,
        )
    return HttpResponse(caching.with_csrf(request, html))


def _detail_html(request, meeting: Meeting, now) -> str:
    """The page with the CSRF placeholder in every form (the agenda and attendance parts come
    from their own cache entries, shared by everyone with the same permission)."""
    seat = selectors.is_invitee(request.user, meeting)
    can_manage = request.user.has_perm(PERM_MANAGE)
    can_write = request.user.has_perm(PERM_MINUTES)
    agenda = caching.get_or_render(
        caching.body_key(meeting.body, f"agenda:{meeting.pk}:{can_manage:d}"),
        lambda: _agenda_html(meeting, can_manage),
    )
    attendance = caching.get_or_render(
        caching.body_key(meeting.body, f"attendance:{meeting.pk}:{can_write:d}"),
        lambda: _attendance_html(meeting, can_write),
    )
    return render_to_string(
        "meetings/meeting.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "agenda_html": mark_safe(agenda),  # noqa: S308 - our own rendering
            "attendance_html": mark_safe(attendance),  # noqa: S308 - our own rendering
            "join": join_context(meeting, seat, now),
            "seat": seat,
            "my_attendance": selectors.attendance_for(meeting, seat),
            "deputy_choices": selectors.deputy_candidates(seat) if seat and seat.voting else (),
            "can_manage": can_manage,
            "can_write": can_write,
            "in_progress": meeting.start <= now < meeting.end and not meeting.cancelled,
            "is_past": meeting.end <= now,
            "now": now,
            "csrf_token": caching.CSRF_PLACEHOLDER,
        },
        request=request,
    )


@login_required
@require_GET
def join(request, meeting_id):
    """The join gate: invitees only, and only from shortly before the start."""
    require_view(request.user)
    meeting = selectors.meeting_get(request.user, meeting_id)
    seat = selectors.is_invitee(request.user, meeting)
    if seat is None:
        raise PermissionDenied
    return _gate(request, meeting, seat)


def _gate(request, meeting: Meeting, seat: Membership):
    now = now_or()
    if not video.join_open(meeting, now):
        return render(
            request,
            "meetings/join_closed.html",
            {"meeting": meeting, "opens_at": video.opens_at(meeting), "now": now},
            status=403 if meeting.cancelled or not meeting.has_video else 200,
        )
    participant = video.Participant(
        name=seat.person_name,
        moderator=seat.role in (Membership.Role.CHAIR, Membership.Role.SECRETARY),
        key=f"m{seat.pk}",
    )
    try:
        url = video.provider_url(meeting, participant)
    except DomainError as exc:
        return render(
            request,
            "meetings/join_closed.html",
            {"meeting": meeting, "error": exc.message, "now": now},
            status=exc.status,
        )
    return HttpResponseRedirect(url)


def _named_deputy(request, seat: Membership) -> Membership | None:
    raw = request.POST.get("deputy", "")
    if not raw.isdigit():
        return None
    return next((m for m in selectors.deputy_candidates(seat) if m.pk == int(raw)), None)


def _answer(request, meeting: Meeting, seat: Membership):
    """Yes, no, or no with a named deputy (``answer=deputy``)."""
    if request.POST.get("answer") != "deputy":
        return meeting_services.attendance_respond(
            membership=seat, meeting=meeting, accept=request.POST.get("answer") == "yes"
        )
    deputy = _named_deputy(request, seat)
    if deputy is None:
        raise DomainError("deputy_missing", _("Bitte eine Vertretung aus der Liste wählen."))
    return deputy_services.attendance_delegate(membership=seat, meeting=meeting, deputy=deputy)


def respond_to(request, meeting: Meeting, seat: Membership | None):
    if seat is None:
        raise PermissionDenied
    try:
        attendance = _answer(request, meeting, seat)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if attendance.deputy_id and attendance.status == Attendance.Status.DECLINED:
            messages.success(
                request,
                _("Ihre Absage ist gespeichert; %(name)s ist als Vertretung benannt.")
                % {"name": attendance.deputy.person_name},
            )
        else:
            messages.success(request, _("Ihre Antwort ist gespeichert."))


@login_required
@require_POST
def respond(request, meeting_id):
    require_view(request.user)
    meeting = selectors.meeting_get(request.user, meeting_id)
    respond_to(request, meeting, selectors.is_invitee(request.user, meeting))
    return to_meeting(meeting.pk)


@login_required
@require_GET
def invitation_ics(request, meeting_id):
    require_view(request.user)
    meeting = selectors.meeting_get(request.user, meeting_id)
    seat = selectors.is_invitee(request.user, meeting)
    cal = ical.feed([meeting], name=meeting.title, membership_for=lambda m: seat, public_only=False)
    response = HttpResponse(cal, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sitzung-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def invite(request, meeting_id):
    require(request.user, PERM_MANAGE)
    meeting = selectors.meeting_get(request.user, meeting_id)
    try:
        meeting_services.meeting_invite(actor=request.user, meeting=meeting)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Einladung mit Tagesordnung und Kalenderdatei versandt."))
    return to_meeting(meeting.pk)


@login_required
@require_POST
def cancel(request, meeting_id):
    require(request.user, PERM_MANAGE)
    meeting = selectors.meeting_get(request.user, meeting_id)
    meeting_services.meeting_cancel(actor=request.user, meeting=meeting)
    messages.success(request, _("Sitzung abgesagt."))
    return to_meeting(meeting.pk)


@login_required
@require_POST
def item_add(request, meeting_id):
    require(request.user, PERM_MANAGE)
    meeting = selectors.meeting_get(request.user, meeting_id)
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte einen Titel angeben."))
        return to_meeting(meeting.pk)
    try:
        minutes_services.agenda_item_add(
            actor=request.user, body=meeting.body, meeting=meeting, **form.cleaned_data
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tagesordnungspunkt hinzugefügt."))
    return to_meeting(meeting.pk, "#tagesordnung")


@login_required
@require_POST
def item_schedule(request, meeting_id, item_id):
    require(request.user, PERM_MANAGE)
    meeting = selectors.meeting_get(request.user, meeting_id)
    item = selectors.item_get(request.user, item_id)
    try:
        minutes_services.agenda_item_schedule(actor=request.user, item=item, meeting=meeting)
    except DomainError as exc:
        messages.error(request, exc.message)
    return to_meeting(meeting.pk, "#tagesordnung")


@login_required
@require_http_methods(["GET", "POST"])
def item_publicity(request, item_id):
    """Makes an agenda item non-public (or public again) after a confirmation that says what
    follows: the public feed and OParl stop showing it, OParl keeps a tombstone."""
    require(request.user, PERM_MANAGE)
    item = selectors.item_get(request.user, item_id)
    if item.meeting_id is None:
        raise Http404
    if request.method == "POST":
        try:
            minutes_services.agenda_item_update(
                actor=request.user, item=item, public=not item.public
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _publicity_message(item))
        return to_meeting(item.meeting_id, f"#top-{item.pk}")
    return render(
        request,
        "meetings/meeting/item_publicity.html",
        {"item": item, "meeting": item.meeting, "body": item.body},
    )


def _publicity_message(item) -> str:
    if item.public:
        return _("TOP %(n)s ist jetzt öffentlich.") % {"n": item.position}
    return _("TOP %(n)s ist jetzt nicht öffentlich.") % {"n": item.position}


@login_required
@require_POST
def attendance_set(request, meeting_id, attendance_id):
    require(request.user, PERM_MINUTES)
    meeting = selectors.meeting_get(request.user, meeting_id)
    attendance = meeting.attendances.filter(pk=attendance_id).first()
    status = request.POST.get("status", "")
    if attendance is None or status not in Attendance.Status.values:
        messages.error(request, _("Ungültige Angabe zur Teilnahme."))
        return to_meeting(meeting.pk)
    raw_deputy = request.POST.get("deputy", "")
    deputy = None
    if raw_deputy.isdigit():
        deputy = meeting.body.memberships.filter(pk=int(raw_deputy)).first()
    try:
        meeting_services.attendance_set(
            actor=request.user, attendance=attendance, status=status, deputy=deputy
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return to_meeting(meeting.pk, "#teilnahme")
