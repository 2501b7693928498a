"""Agenda and minutes as PDF (WeasyPrint), in the KERN look of the pages."""

from __future__ import annotations

import functools
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from rathaus.core.clock import now_or
from rathaus.core.pdf import html_to_pdf
from rathaus.meetings import selectors
from rathaus.meetings.views.common import require_view

# The weights and styles the print stylesheet uses; KERN's Fira Sans is vendored as woff2.
FIRA_FACES = (
    ("FiraSans-Regular.woff2", 400, "normal"),
    ("FiraSans-Italic.woff2", 400, "italic"),
    ("FiraSans-SemiBold.woff2", 600, "normal"),
    ("FiraSans-Bold.woff2", 700, "normal"),
)


@functools.cache
def fira_font_faces() -> str:
    """``@font-face`` rules with file URLs of the vendored Fira Sans (KERN's typeface), so the
    PDF does not fall back to whatever sans-serif the server has; empty if not vendored."""
    rules = []
    for name, weight, style in FIRA_FACES:
        path = finders.find(f"vendor/kern/fonts/fira-sans/{name}")
        if path:
            rules.append(
                f"@font-face {{ font-family: 'Fira Sans'; src: url('{Path(path).as_uri()}') "
                f"format('woff2'); font-weight: {weight}; font-style: {style}; }}"
            )
    return "\n".join(rules)


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
    attendances, quorum = selectors.attendance_with_quorum(meeting)
    html = render_to_string(
        "meetings/minutes_print.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "items": selectors.agenda_of(meeting),
            "attendances": attendances,
            "quorum": quorum,
            "css": fira_font_faces() + "\n" + css,
            "printed": now_or(),
        },
        request=request,
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="protokoll-{meeting.pk}.pdf"'
    return response
