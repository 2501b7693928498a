"""Staff pages for district results: entry (and correction), approval with four eyes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.elections.forms import ResultForm
from rathaus.elections.models import Result
from rathaus.elections.services.results import (
    PlausibilityError,
    result_approve,
    result_enter,
    results_approve_all,
)
from rathaus.elections.views.common import district_of, staff_election, to_detail


@login_required
@require_http_methods(["GET", "POST"])
def enter(request, election_id, district_id):
    election = staff_election(request, election_id, "elections.enter_results")
    district = district_of(election, district_id)
    result = district.result
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
    corrections = result.corrections.select_related("actor")
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
@require_POST
def approve(request, election_id, district_id):
    election = staff_election(request, election_id, "elections.approve_results")
    district = district_of(election, district_id)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = None
    try:
        result_approve(result=district.result, actor=request.user, expected_revision=revision)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(district)s: freigegeben.") % {"district": district})
    return to_detail(election)


@login_required
@require_POST
def approve_all(request, election_id):
    election = staff_election(request, election_id, "elections.approve_results")
    approved, own = results_approve_all(election=election, actor=request.user)
    # German keeps "Meldung(en)" for any number; other languages may use proper plurals.
    text = ngettext(
        "%(count)s Meldung(en) freigegeben.", "%(count)s Meldung(en) freigegeben.", approved
    ) % {"count": approved}
    if own:
        text += " " + ngettext(
            "%(count)s selbst erfasste Meldung(en) muss eine andere Person freigeben.",
            "%(count)s selbst erfasste Meldung(en) muss eine andere Person freigeben.",
            own,
        ) % {"count": own}
    messages.success(request, text)
    return to_detail(election)
