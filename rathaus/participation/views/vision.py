"""Guiding vision pages: a paragraph with its history and comments (public), revising it (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.participation import conf, protection, rules
from rathaus.participation.forms import ParagraphCommentForm, ReviseForm
from rathaus.participation.selectors import processes as process_selectors
from rathaus.participation.selectors import vision as selectors
from rathaus.participation.services import vision as services
from rathaus.participation.views.common import client_ip, module_context, session_participant


@require_http_methods(["GET", "POST"])
def paragraph(request, paragraph_id):
    item = selectors.public_paragraph(paragraph_id)
    if item is None:
        raise Http404
    process = item.chapter.process
    participant = session_participant(request, process)
    form = ParagraphCommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            protection.limit(client_ip(request), scope="post", per_hour=conf.post_limit_per_hour())
            services.paragraph_comment_create(
                paragraph=item, participant=participant, **form.cleaned_data
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Danke für Ihre Anmerkung zum Leitbild."))
            return HttpResponseRedirect(reverse("participation:paragraph", args=[item.pk]))
    state = process_selectors.phase_state(process, timezone.localdate())
    return render(
        request,
        "participation/paragraph.html",
        {
            "paragraph": item,
            "process": process,
            "state": state,
            **module_context(process, state, participant),
            "participant": participant,
            "history": selectors.history(item),
            "comments": selectors.public_comments(item),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def revise(request, paragraph_id):
    if not request.user.has_perm(rules.PERM_PLAN):
        raise PermissionDenied
    item = selectors.staff_paragraph(request.user, paragraph_id)
    comments = selectors.open_comments(item)
    form = ReviseForm(request.POST or None, comments=comments, initial={"text": item.text})
    if request.method == "POST" and form.is_valid():
        chosen = [c for c in comments if str(c.pk) in form.cleaned_data["sources"]]
        try:
            revised = services.paragraph_revise(
                actor=request.user, paragraph=item, text=form.cleaned_data["text"], sources=chosen
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Die neue Fassung ist veröffentlicht."))
            return HttpResponseRedirect(reverse("participation:paragraph", args=[revised.pk]))
    return render(
        request,
        "participation/staff/revise.html",
        {"paragraph": item, "process": item.chapter.process, "form": form},
    )
