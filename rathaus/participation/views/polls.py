"""Staff pages for free-text answers: read all, publish or keep back with a reason, export."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rathaus.core.problems import DomainError
from rathaus.participation import rules
from rathaus.participation.forms import HideForm
from rathaus.participation.selectors import polls as poll_selectors
from rathaus.participation.services import polls
from rathaus.participation.text import neutralise_cell


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


@login_required
@require_GET
def answers(request, poll_id):
    _require(request.user, rules.PERM_VIEW)
    poll = poll_selectors.staff_poll(request.user, poll_id)
    rows = poll_selectors.staff_answers(poll)
    for answer in rows:
        answer.hide_form = HideForm(prefix=f"answer{answer.pk}")
    response = render(
        request,
        "participation/staff/answers.html",
        {
            "poll": poll,
            "process": poll.process,
            "answers": rows,
            "can_moderate": request.user.has_perm(rules.PERM_MODERATE),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def answer_moderate(request, answer_id):
    _require(request.user, rules.PERM_MODERATE)
    answer = poll_selectors.staff_answer(request.user, answer_id)
    publish = request.POST.get("action") == "publish"
    form = HideForm(request.POST, prefix=f"answer{answer.pk}")
    reason = form.data.get(form.add_prefix("reason"), "")
    try:
        polls.poll_answer_moderate(
            actor=request.user, answer=answer, publish=publish, reason=reason
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Die Antwort ist veröffentlicht.")
            if publish
            else _("Die Antwort bleibt unveröffentlicht."),
        )
    target = reverse("participation:poll_answers", args=[answer.poll_id])
    return HttpResponseRedirect(f"{target}#antwort-{answer.pk}")


@login_required
@require_GET
def answers_csv(request, poll_id):
    """All answers with their state, for the evaluation (cells neutralised against formulas)."""
    _require(request.user, rules.PERM_VIEW)
    poll = poll_selectors.staff_poll(request.user, poll_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="antworten-umfrage-{poll.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Nummer"), _("Frage"), _("Antwort"), _("Sichtbarkeit"), _("Eingegangen am")])
    for number, answer in enumerate(poll_selectors.staff_answers(poll), start=1):
        writer.writerow(
            [
                neutralise_cell(f"U{poll.pk}-{number:04d}"),
                neutralise_cell(poll.question),
                neutralise_cell(answer.body),
                neutralise_cell(answer.get_visibility_display()),
                answer.created_at.date().isoformat(),
            ]
        )
    return response
