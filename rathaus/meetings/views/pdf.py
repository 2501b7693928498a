"""Agenda and minutes as PDF (WeasyPrint), in the KERN look of the pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from rathaus.core.clock import now_or
from rathaus.core.pdf import html_to_pdf
from rathaus.meetings import selectors
from rathaus.meetings.views.common import require_view


def render_pdf(html: str) -> bytes:
    return html_to_pdf(html, base_url=finders.find("meetings/print.css") or ".")


@login_required
@require_GET
def minutes_pdf(request, meeting_id):
    require_view(request.user)
    meeting = selectors.meeting_get(request.user, meeting_id)
    css_path = finders.find("meetings/print.css")
    with open(css_path, encoding="utf-8") as fh:
        css = fh.read()
    html = render_to_string(
        "meetings/minutes_print.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "items": selectors.agenda_of(meeting),
            "attendances": selectors.attendance_of(meeting),
            "css": css,
            "printed": now_or(),
        },
        request=request,
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="protokoll-{meeting.pk}.pdf"'
    return response
