"""Bodies: overview, one body with members, series, meetings and backlog; new series/meetings."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.core.selectors import rooms_for
from rathaus.meetings import selectors
from rathaus.meetings.forms import AgendaItemForm, MeetingForm, SeriesForm
from rathaus.meetings.rules import PERM_MANAGE
from rathaus.meetings.services import feeds
from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.services import minutes as minutes_services
from rathaus.meetings.views.common import require, require_view, to_body, to_meeting


@login_required
@require_GET
def index(request):
    require_view(request.user)
    now = now_or()
    return render(
        request,
        "meetings/index.html",
        {
            "bodies": selectors.bodies_for(request.user),
            "upcoming": selectors.upcoming_for_user(request.user, now=now),
            "now": now,
        },
    )


@login_required
@require_GET
def body_detail(request, body_id):
    require_view(request.user)
    body = selectors.body_get(request.user, body_id)
    now = now_or()
    return render(
        request,
        "meetings/body.html",
        {
            "body": body,
            "members": selectors.members_of(body),
            "series": body.series.all(),
            "upcoming": selectors.meetings_of(body, now=now, past=False),
            "past": selectors.meetings_of(body, now=now, past=True, limit=10),
            "backlog": selectors.backlog_of(body),
            "proposal_series": set(
                selectors.open_rhythm_proposals(body).values_list("series_id", flat=True)
            ),
            "backlog_form": AgendaItemForm(),
            "can_manage": request.user.has_perm(PERM_MANAGE),
            "my_seat": selectors.membership_of(request.user, body.pk),
            "now": now,
        },
    )


def _aware(day, time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time).replace(tzinfo=tz)


@login_required
@require_http_methods(["GET", "POST"])
def series_new(request, body_id):
    require(request.user, PERM_MANAGE)
    body = selectors.body_get(request.user, body_id)
    form = SeriesForm(request.POST or None, initial={"title": body.name})
    form.set_rooms(rooms_for(request.user).filter(municipality_id=body.municipality_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tz = ZoneInfo(body.municipality.time_zone)
        try:
            series = meeting_services.series_create(
                actor=request.user,
                body=body,
                title=data["title"],
                rule=form.rrule(),
                first_start=_aware(data["first_date"], data["time"], tz),
                duration_minutes=data["duration_minutes"],
                mode=data["mode"],
                room=data["room"],
                holiday_policy=data["holiday_policy"],
                standing_items=data["standing_items"].splitlines(),
            )
        except DomainError as exc:
            if exc.code.startswith("rule_") and not data.get("rule"):
                form.add_error("weekdays", exc.message)
            else:
                exc.show_in(form)
        else:
            messages.success(
                request,
                _("Sitzungsreihe „%(title)s“ angelegt: %(n)s Sitzungen geplant.")
                % {"title": series.title, "n": series.meetings.count()},
            )
            return to_body(body.pk)
    return render(request, "meetings/series_form.html", {"body": body, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, body_id):
    require(request.user, PERM_MANAGE)
    body = selectors.body_get(request.user, body_id)
    form = MeetingForm(request.POST or None, initial={"title": body.name})
    form.set_rooms(rooms_for(request.user).filter(municipality_id=body.municipality_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meeting_services.meeting_create(
                actor=request.user,
                body=body,
                title=data["title"],
                start=data["start"],
                end=data["end"],
                mode=data["mode"],
                room=data["room"],
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Sitzung angelegt."))
            return to_meeting(meeting.pk)
    return render(request, "meetings/meeting_form.html", {"body": body, "form": form})


@login_required
@require_POST
def backlog_add(request, body_id):
    require(request.user, PERM_MANAGE)
    body = selectors.body_get(request.user, body_id)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            minutes_services.agenda_item_add(
                actor=request.user, body=body, meeting=None, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Punkt in den Themenspeicher aufgenommen."))
    else:
        messages.error(request, _("Bitte einen Titel angeben."))
    return to_body(body.pk)


@require_GET
def public_feed(request, body_id):
    """Subscribable feed of a public body (no login, no video links, public agenda items only)."""
    # kept rendered in the database until the body's next change (services.feeds)
    data = feeds.public_feed(body_id, now=now_or())
    return HttpResponse(data, content_type="text/calendar; charset=utf-8")
