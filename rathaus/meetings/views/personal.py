"""Personal links (no login): external members' page, their join gate and personal feeds."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError, problem_response
from rathaus.meetings import ical, selectors, video
from rathaus.meetings.services.replies import MAX_REPLY_BYTES, attendance_reply_ics
from rathaus.meetings.views.meeting import _gate, respond_to


@require_GET
def page(request, token):
    membership = selectors.membership_by_token(token)
    now = now_or()
    meetings = list(selectors.personal_meetings(membership, now=now))
    seats = selectors.seats_of(membership)
    answers = selectors.answers_of(meetings, seats)
    deputies = {
        body_id: selectors.deputy_candidates(seat) if seat.voting else []
        for body_id, seat in seats.items()
    }
    rows = [
        {
            "meeting": m,
            "open": video.join_open(m, now),
            "opens_at": video.opens_at(m),
            "seat": seats.get(m.body_id, membership),
            "answer": answers.get(m.pk),
            "deputy_choices": deputies.get(m.body_id, []),
        }
        for m in meetings
    ]
    response = render(
        request,
        "meetings/personal.html",
        {"membership": membership, "rows": rows, "now": now, "token": token},
    )
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to the video provider
    return response


@require_GET
def join(request, token, meeting_id):
    membership = selectors.membership_by_token(token)
    meeting = selectors.personal_meeting(membership, meeting_id)
    return _gate(request, meeting, selectors.seat_in(membership, meeting.body_id))


@require_GET
def feed(request, token):
    """The person's meetings across all their bodies, with their own gate links."""
    membership = selectors.membership_by_token(token)
    meetings = selectors.personal_meetings(membership, now=now_or())
    data = ical.feed(
        meetings,
        name=membership.person_name,
        membership_for=lambda m: selectors.seat_in(membership, m.body_id),
        public_only=False,
    )
    return HttpResponse(data, content_type="text/calendar; charset=utf-8")


@require_POST
def respond(request, token, meeting_id):
    membership = selectors.membership_by_token(token)
    meeting = selectors.personal_meeting(membership, meeting_id)
    respond_to(request, meeting, selectors.seat_in(membership, meeting.body_id))
    return HttpResponseRedirect(reverse("meetings:personal", args=[token]))


def _reply_data(request) -> tuple[bytes, bool]:
    """The .ics posted raw by a calendar (``text/calendar``) or uploaded on the page."""
    if request.content_type == "text/calendar":
        return request.body[: MAX_REPLY_BYTES + 1], True
    upload = request.FILES.get("ics")
    return (upload.read(MAX_REPLY_BYTES + 1) if upload else b""), False


# The personal token in the URL is the credential (no session cookie is involved), and calendar
# programs that post a METHOD:REPLY cannot send a CSRF token.
@csrf_exempt
@require_POST
def reply(request, token):
    """iTIP REPLY (ACCEPTED / DECLINED) from the person's calendar updates their attendance."""
    membership = selectors.membership_by_token(token)
    data, raw = _reply_data(request)
    try:
        attendance = attendance_reply_ics(membership=membership, data=data)
    except DomainError as exc:
        if raw:
            return problem_response(exc.status, exc.code, exc.message, errors=exc.errors)
        messages.error(request, exc.message)
    else:
        if raw:
            return HttpResponse(attendance.status, content_type="text/plain; charset=utf-8")
        messages.success(
            request,
            _("Ihre Antwort aus dem Kalender ist gespeichert: %(status)s")
            % {"status": attendance.get_status_display()},
        )
    return HttpResponseRedirect(reverse("meetings:personal", args=[token]))
