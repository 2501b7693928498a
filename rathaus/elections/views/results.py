"""Staff pages for district results: entry (and correction), approval with four eyes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.elections.forms import ResultForm
from rathaus.elections.models import Result
from rathaus.elections.selectors.elections import result_of
from rathaus.elections.selectors.results import approval_review, next_for_approval
from rathaus.elections.services.results import PlausibilityError, result_approve, result_enter
from rathaus.elections.views.common import district_of, staff_election, to_detail


@login_required
@require_http_methods(["GET", "POST"])
def enter(request, election_id, district_id):
    election = staff_election(request, election_id, "elections.enter_results")
    district = district_of(election, district_id)
    result = result_of(district)
    candidates = list(election.candidates.order_by("position"))
    form = ResultForm(request.POST or None, district=district, candidates=candidates, result=result)
    if request.method == "POST" and form.is_valid():
        try:
            result_enter(
                result=result,
                actor=request.user,
                figures=form.figures(),
                reason=form.cleaned_data.get("reason") or "",
                stage=form.cleaned_data.get("stage") or Result.Stage.QUICK,
                expected_revision=form.cleaned_data.get("revision"),
            )
        except PlausibilityError as exc:
            for p in exc.problems:
                form.add_problem(p.column, p.message)
        except DomainError as exc:
            field = "reason" if exc.code == "reason_required" else None
            form.add_error(field, exc.message)
        else:
            messages.success(
                request,
                _(
                    "%(district)s: Meldung gespeichert. Sie muss von einer anderen Person des "
                    "Wahlamts freigegeben werden."
                )
                % {"district": district},
            )
            return to_detail(election)
    corrections = result.corrections.select_related("actor") if result.pk else []
    return render(
        request,
        "elections/enter.html",
        {
            "election": election,
            "district": district,
            "result": result,
            "form": form,
            "corrections": corrections,
            "candidates": candidates,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def approve(request, election_id, district_id):
    """The second officer sees every entered figure (and what changed since the last
    approval) and approves this one report; then the next report waiting for them."""
    election = staff_election(request, election_id, "elections.approve_results")
    district = district_of(election, district_id)
    result = result_of(district)
    if request.method == "POST":
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = -1  # an approval must name the figures that were shown
        try:
            result_approve(result=result, actor=request.user, expected_revision=revision)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path)
        messages.success(request, _("%(district)s: freigegeben.") % {"district": district})
        following = next_for_approval(election, request.user, after=district.pk)
        if following is not None:
            return HttpResponseRedirect(
                reverse("elections:approve", args=[election.pk, following.pk])
            )
        return to_detail(election)
    return render(
        request,
        "elections/approve.html",
        {
            "election": election,
            "district": district,
            "review": approval_review(result) if result.pk else None,
            "result": result,
            "own": result.entered_by_id == request.user.pk,
            "pending": result.state == Result.State.ENTERED,
            "waiting": next_for_approval(election, request.user, after=district.pk),
        },
    )
