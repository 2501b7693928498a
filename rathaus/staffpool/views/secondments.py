"""Secondments: approve or reject (home), accept or decline (helper), paperwork, calendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core import audit
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import municipality_ids_for
from rathaus.staffpool import documents, selectors
from rathaus.staffpool.forms import ApproveForm, ExtendForm
from rathaus.staffpool.ics import secondment_calendar
from rathaus.staffpool.models import Secondment
from rathaus.staffpool.rules import PERM_APPROVE
from rathaus.staffpool.services import secondments as services
from rathaus.staffpool.tenancy import sees_identity
from rathaus.staffpool.views.common import refuse

S = Secondment.Status


def _secondment_or_404(user, pk) -> Secondment:
    obj = selectors.secondment_get(user, pk)
    if obj is None:
        raise Http404
    return obj


def _is_home(user, s: Secondment) -> bool:
    return user.has_perm(PERM_APPROVE) and s.municipality_id in municipality_ids_for(user)


@login_required
@require_http_methods(["GET", "POST"])
def secondment_detail(request, pk):
    s = _secondment_or_404(request.user, pk)
    home = _is_home(request.user, s)
    form = ApproveForm(request.POST or None) if home and s.status == S.PROPOSED else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.secondment_approve(actor=request.user, secondment=s, **form.cleaned_data)
            except DomainError as exc:
                refuse(request, form, exc)
            else:
                messages.success(request, _("Freigegeben; die Person wird um Zusage gebeten."))
                return redirect("staffpool:secondment", pk=s.pk)
    own = selectors.is_own_secondment(request.user, s)
    deciding = home and s.status == S.PROPOSED
    return render(
        request,
        "staffpool/secondment.html",
        {
            "s": s,
            "label": selectors.secondment_label(request.user, s),
            "home": home,
            "own": own,
            "form": form,
            "warnings": selectors.floor_warnings(s) if deciding else [],
            "standard_warnings": (
                selectors.standard_warnings(s, today=timezone.localdate()) if deciding else []
            ),
            "extend_form": ExtendForm(prefix="extend") if home and s.status == S.ACCEPTED else None,
            "documents": (sees_identity(request.user, s) or own)
            and s.status in (S.APPROVED, S.ACCEPTED, S.ENDED),
        },
    )


def _act(request, pk, action, done: str):
    s = _secondment_or_404(request.user, pk)
    try:
        action(actor=request.user, secondment=s)
    except DomainError as exc:
        refuse(request, None, exc)
    else:
        messages.success(request, done)
    return redirect("staffpool:secondment", pk=s.pk)


@login_required
@require_POST
def secondment_reject(request, pk):
    return _act(request, pk, services.secondment_reject, _("Vorschlag abgelehnt."))


@login_required
@require_POST
def secondment_accept(request, pk):
    return _act(
        request,
        pk,
        services.secondment_accept,
        _("Zugesagt. Die Abordnung steht als Abwesenheit in Ihrem Arbeitsplan."),
    )


@login_required
@require_POST
def secondment_decline(request, pk):
    return _act(request, pk, services.secondment_decline, _("Abgelehnt."))


@login_required
@require_POST
def secondment_cancel(request, pk):
    return _act(request, pk, services.secondment_cancel, _("Abordnung aufgehoben."))


@login_required
@require_GET
def secondment_document(request, pk, kind):
    s = _secondment_or_404(request.user, pk)
    own = selectors.is_own_secondment(request.user, s)
    if kind not in documents.KINDS or s.status not in (S.APPROVED, S.ACCEPTED, S.ENDED):
        raise Http404
    if not (sees_identity(request.user, s) or own):
        raise Http404
    pdf = documents.document_pdf(s, kind, today=timezone.localdate())
    audit.record(
        actor=request.user,
        instance=s,
        action="action",
        summary=f"Dokument {kind} erzeugt",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="abordnung-{s.pk}-{kind}.pdf"'
    return response


@login_required
@require_GET
def secondment_ics(request, pk):
    """Where and when, shift by shift, for the helper's own calendar."""
    s = _secondment_or_404(request.user, pk)
    if not selectors.is_own_secondment(request.user, s) or s.status not in (S.APPROVED, S.ACCEPTED):
        raise Http404
    response = HttpResponse(secondment_calendar(s), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="abordnung-{s.pk}.ics"'
    return response


@login_required
@require_POST
def secondment_extend(request, pk):
    s = _secondment_or_404(request.user, pk)
    form = ExtendForm(request.POST, prefix="extend")
    if not form.is_valid():
        messages.error(request, _("Bitte ein gültiges neues Ende angeben."))
    else:
        try:
            services.secondment_extend(actor=request.user, secondment=s, **form.cleaned_data)
        except DomainError as exc:
            refuse(request, None, exc)
        else:
            messages.success(request, _("Abordnung verlängert."))
    return redirect("staffpool:secondment", pk=s.pk)
