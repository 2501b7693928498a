"""Steering cases: the list, the discussion and the decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.steering import selectors
from rathaus.steering.forms import CommentForm, DecisionForm
from rathaus.steering.rules import PERM_COMMENT, PERM_DECIDE, PERM_VIEW
from rathaus.steering.services.cases import case_comment_add, case_decide
from rathaus.steering.views.common import require


@login_required
def case_list(request):
    require(request.user, PERM_VIEW)
    status = request.GET.get("status", "open")
    status = status if status in ("open", "decided") else "open"
    return render(
        request,
        "steering/case_list.html",
        {"cases": selectors.cases_for(request.user, status=status)[:200], "status": status},
    )


def _decision_form(case, data=None):
    today = timezone.localdate()
    milestones = []
    if case.project_id:
        milestones = [m for m in case.project.milestones.order_by("due") if m.done_on is None]
    target = None
    year = None
    if case.indicator_id:
        year = today.year
        target = case.indicator.targets.filter(year=year).first()
    return DecisionForm(data, milestones=milestones, target=target, year=year)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk: int):
    require(request.user, PERM_VIEW)
    case = selectors.case_get(request.user, pk)
    comment_form = CommentForm(prefix="c")
    decision_form = _decision_form(case)
    status = 200
    if request.method == "POST" and "c-text" in request.POST:
        require(request.user, PERM_COMMENT)
        comment_form = CommentForm(request.POST, prefix="c")
        if comment_form.is_valid():
            try:
                case_comment_add(actor=request.user, case=case, **comment_form.cleaned_data)
            except DomainError as exc:
                exc.show_in(comment_form)
            else:
                messages.success(request, _("Ihr Beitrag ist gespeichert."))
                return redirect("steering:case_detail", pk=case.pk)
        status = 400
    elif request.method == "POST":
        require(request.user, PERM_DECIDE)
        decision_form = _decision_form(case, request.POST)
        if decision_form.is_valid():
            current = decision_form.fields.get("target_target") and (
                case.indicator.targets.filter(year=decision_form.year).first()
            )
            try:
                case_decide(
                    actor=request.user,
                    case=case,
                    decision=decision_form.cleaned_data["decision"],
                    reason=decision_form.cleaned_data["reason"],
                    milestone_changes=decision_form.milestone_changes(),
                    target_changes=decision_form.target_changes(current),
                )
            except DomainError as exc:
                exc.show_in(decision_form)
            else:
                messages.success(request, _("Die Entscheidung ist festgehalten."))
                return redirect("steering:case_detail", pk=case.pk)
        status = 400
    return render(
        request,
        "steering/case_detail.html",
        {
            "case": case,
            "comments": list(case.comments.select_related("author", "unit")),
            "comment_form": comment_form if request.user.has_perm(PERM_COMMENT) else None,
            "decision_form": decision_form if request.user.has_perm(PERM_DECIDE) else None,
        },
        status=status,
    )
