"""Personal links (no login): external members' page, their join gate and personal feeds."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rathaus.core.clock import now_or
from rathaus.meetings import ical, selectors, video
from rathaus.meetings.views.meeting import _gate, respond_to


@require_GET
def page(request, token):
    membership = selectors.membership_by_token(token)
    now = now_or()
    meetings = selectors.personal_meetings(membership, now=now)
    rows = [
        {
            "meeting": m,
            "open": video.join_open(m, now),
            "opens_at": video.opens_at(m),
            "seat": selectors.seat_in(membership, m.body_id),
            "answer": m.attendances.filter(
                membership=selectors.seat_in(membership, m.body_id)
            ).first(),
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
