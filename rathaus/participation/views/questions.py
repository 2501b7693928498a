"""Questions for an event (live Q&A): the list with the form to ask, support buttons and —
for moderators — answered / approve / hide. Every action is a plain form POST followed by a
redirect, so the page works without script; with script, htmx reloads the list every 15 s."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.participation import conf, protection, rules
from rathaus.participation.forms import QuestionForm, QuestionHideForm
from rathaus.participation.models import Visibility
from rathaus.participation.selectors import conferences as conference_selectors
from rathaus.participation.selectors import processes as process_selectors
from rathaus.participation.selectors import questions as selectors
from rathaus.participation.services import questions as services
from rathaus.participation.views.common import client_ip, module_context, session_participant


def _list_url(conference_id: int, anchor: str = "fragen") -> str:
    return reverse("participation:questions", args=[conference_id]) + f"#{anchor}"


def _context(request, conference, participant, form):
    state = process_selectors.phase_state(conference.process, timezone.localdate())
    return {
        "conference": conference,
        "process": conference.process,
        "participant": participant,
        "form": form,
        "open": state.questions,
        **module_context(conference.process, state, participant),
        "questions": selectors.question_list(conference, participant),
        "supported": selectors.supported_by(participant, conference),
        "moderator": request.user.has_perm(rules.PERM_MODERATE),
        "hide_form": QuestionHideForm(),
    }


@require_http_methods(["GET", "POST"])
def questions(request, conference_id):
    conference = conference_selectors.public_conference(conference_id)
    if conference is None:
        raise Http404
    participant = session_participant(request, conference.process)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            protection.limit(client_ip(request), scope="post", per_hour=conf.post_limit_per_hour())
            question = services.question_ask(
                conference=conference, participant=participant, body=form.cleaned_data["body"]
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            if question.visibility == Visibility.PENDING:
                messages.info(request, _("Danke! Ihre Frage erscheint nach der Freigabe."))
            else:
                messages.success(request, _("Danke! Ihre Frage steht in der Liste."))
            return HttpResponseRedirect(_list_url(conference.pk, f"frage-{question.pk}"))
    context = _context(request, conference, participant, form)
    if request.headers.get("HX-Request") and request.method == "GET":
        return render(request, "participation/questions/_list.html", context)
    status = 400 if form.errors else 200
    return render(request, "participation/questions/list.html", context, status=status)


@require_POST
def question_support(request, question_id):
    question = selectors.public_question(question_id)
    if question is None:
        raise Http404
    participant = session_participant(request, question.conference.process)
    try:
        services.question_support(question=question, participant=participant)
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(_list_url(question.conference_id, f"frage-{question.pk}"))


@login_required
@require_POST
def question_moderate(request, question_id):
    if not request.user.has_perm(rules.PERM_MODERATE):
        raise PermissionDenied
    question = selectors.staff_question(request.user, question_id)
    action = request.POST.get("action", "")
    try:
        if action in ("answered", "reopen"):
            services.question_mark_answered(
                actor=request.user, question=question, answered=action == "answered"
            )
        elif action in ("publish", "hide"):
            services.question_moderate(
                actor=request.user,
                question=question,
                publish=action == "publish",
                reason=request.POST.get("reason", ""),
            )
        else:
            raise DomainError("action_invalid", _("Unbekannte Aktion."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(_list_url(question.conference_id, f"frage-{question.pk}"))
