"""The personal link: a participant's own contributions with the moderation's feedback, their
answer to it, the export of their data (GDPR Art. 15) and its deletion (Art. 17)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.participation.forms import NotifyForm, ReplyForm
from rathaus.participation.selectors import posts as post_selectors
from rathaus.participation.services import moderation, notifications, participants
from rathaus.participation.views.common import forget_participant, remember_participant


def _participant_or_404(token):
    participant = post_selectors.participant_by_token(token)
    if participant is None:
        raise Http404
    return participant


def _page(request, participant, token, forms=None, status=200, notify_form=None):
    ideas, comments = post_selectors.own_posts(participant)
    notes = post_selectors.own_paragraph_comments(participant)
    forms = forms or {}
    for post in (*ideas, *comments, *notes):
        post.reply_form = forms.get((post._meta.model_name, post.pk)) or ReplyForm(
            prefix=f"{post._meta.model_name}{post.pk}"
        )
    return render(
        request,
        "participation/personal.html",
        {
            "participant": participant,
            "process": participant.process,
            "token": token,
            "ideas": ideas,
            "comments": comments,
            "notes": notes,
            "notify_form": notify_form or NotifyForm(initial={"email": participant.email}),
        },
        status=status,
    )


@require_GET
def personal(request, token):
    participant = _participant_or_404(token)
    remember_participant(request, participant)
    response = _page(request, participant, token)
    response["Referrer-Policy"] = "same-origin"
    return response


def _reply(request, token, post_getter, kind: str, post_id):
    participant = _participant_or_404(token)
    post = post_getter(participant, post_id)
    if post is None:
        raise Http404
    form = ReplyForm(request.POST, prefix=f"{kind}{post.pk}")
    if form.is_valid():
        try:
            moderation.post_reply_to_moderation(
                participant=participant, post=post, reply=form.cleaned_data["reply"]
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Ihre Antwort ist bei der Moderation eingegangen."))
            return HttpResponseRedirect(reverse("participation:personal", args=[token]))
    return _page(request, participant, token, forms={(kind, post.pk): form}, status=400)


@require_POST
def reply_idea(request, token, idea_id):
    return _reply(request, token, post_selectors.own_idea, "idea", idea_id)


@require_POST
def reply_comment(request, token, comment_id):
    return _reply(request, token, post_selectors.own_comment, "comment", comment_id)


@require_POST
def reply_paragraph_comment(request, token, paragraph_comment_id):
    return _reply(
        request,
        token,
        post_selectors.own_paragraph_comment,
        "paragraphcomment",
        paragraph_comment_id,
    )


@require_GET
def export(request, token):
    participant = _participant_or_404(token)
    data = post_selectors.personal_export(participant)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="meine-beteiligung.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def erase(request, token):
    participant = _participant_or_404(token)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        process = participant.process
        participants.participant_erase(participant=participant)
        forget_participant(request, process.pk)
        messages.success(request, _("Ihre Daten und Beiträge sind gelöscht."))
        return HttpResponseRedirect(reverse("participation:process", args=[process.pk]))
    return render(
        request,
        "participation/erase.html",
        {"participant": participant, "process": participant.process, "token": token},
    )


@require_POST
def notify(request, token):
    """Turn the e-mails about one's own posts on or off."""
    participant = _participant_or_404(token)
    form = NotifyForm(request.POST)
    if form.is_valid():
        try:
            notifications.participant_set_email(
                participant=participant, email=form.cleaned_data["email"]
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(
                request,
                _("Gespeichert. Wir schreiben Ihnen an diese Adresse.")
                if participant.email
                else _("Gespeichert. Sie bekommen keine E-Mails mehr; die Adresse ist gelöscht."),
            )
            return HttpResponseRedirect(reverse("participation:personal", args=[token]))
    return _page(request, participant, token, status=400, notify_form=form)
