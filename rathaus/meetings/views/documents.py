"""Agenda documents: upload (type and size checked, errors at the field) and download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.core.problems import DomainError
from rathaus.meetings import selectors
from rathaus.meetings.forms import DocumentForm
from rathaus.meetings.rules import PERM_MANAGE
from rathaus.meetings.services import documents as services
from rathaus.meetings.views.common import require, require_view, to_meeting


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, item_id):
    require(request.user, PERM_MANAGE)
    item = selectors.item_get(request.user, item_id)
    if item.meeting_id is None:
        raise Http404
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_add(
                actor=request.user,
                item=item,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Dokument hochgeladen."))
            return to_meeting(item.meeting_id, f"#top-{item.pk}")
    return render(
        request,
        "meetings/document_form.html",
        {"item": item, "meeting": item.meeting, "body": item.body, "form": form},
        status=422 if form.errors else 200,
    )


def _file_response(document) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def download(request, document_id):
    require_view(request.user)
    return _file_response(selectors.document_get(request.user, document_id))


@require_GET
def public_download(request, document_id):
    """Documents of public items of public bodies (OParl ``accessUrl``), no login."""
    return _file_response(selectors.public_document(document_id))
