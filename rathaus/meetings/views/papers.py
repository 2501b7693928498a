"""Council papers with their path through the bodies and their deadlines; create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.meetings import selectors
from rathaus.meetings.forms import (
    ConsultationForm,
    ConsultationResultForm,
    PaperForm,
)
from rathaus.meetings.rules import PERM_MANAGE
from rathaus.meetings.services import papers as services
from rathaus.meetings.views.common import require, require_view


def _to_paper(paper_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("meetings:paper", args=[paper_id]))


@login_required
@require_GET
def index(request):
    require_view(request.user)
    today = timezone.localdate(now_or())
    papers = list(selectors.papers_for(request.user))
    rows = [{"paper": p, "next": selectors.next_deadline(p, today)} for p in papers]
    return render(
        request,
        "meetings/papers.html",
        {"rows": rows, "today": today, "can_manage": request.user.has_perm(PERM_MANAGE)},
    )


def _consultation_form(request, paper, data=None) -> ConsultationForm:
    return ConsultationForm(
        data,
        prefix="c",
        meetings=selectors.consultation_meetings(request.user, paper, now=now_or()),
        deadline=services.submission_deadline,
    )


def _detail(request, paper, *, consultation_form=None, status=200):
    return render(
        request,
        "meetings/paper.html",
        {
            "paper": paper,
            "today": timezone.localdate(now_or()),
            "can_manage": request.user.has_perm(PERM_MANAGE),
            "consultation_form": consultation_form or _consultation_form(request, paper),
            "result_form": ConsultationResultForm(prefix="r"),
        },
        status=status,
    )


@login_required
@require_GET
def detail(request, paper_id):
    require_view(request.user)
    return _detail(request, selectors.paper_get(request.user, paper_id))


@login_required
@require_http_methods(["GET", "POST"])
def paper_new(request):
    require(request.user, PERM_MANAGE)
    if request.user.municipality is None:
        raise PermissionDenied  # papers belong to a municipality; a region admin has none
    form = PaperForm(
        request.POST or None,
        bodies=selectors.paper_bodies(request.user),
        initial={"date": timezone.localdate(now_or()), "public": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            paper = services.paper_create(
                actor=request.user, municipality=request.user.municipality, **form.cleaned_data
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Vorlage %(ref)s angelegt.") % {"ref": paper.reference})
            return _to_paper(paper.pk)
    return render(request, "meetings/paper_form.html", {"form": form, "paper": None})


@login_required
@require_http_methods(["GET", "POST"])
def paper_edit(request, paper_id):
    require(request.user, PERM_MANAGE)
    paper = selectors.paper_get(request.user, paper_id)
    initial = {f: getattr(paper, f) for f in services.PAPER_FIELDS}
    form = PaperForm(
        request.POST or None,
        bodies=selectors.paper_bodies(request.user),
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_update(actor=request.user, paper=paper, data=form.cleaned_data)
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Vorlage gespeichert."))
            return _to_paper(paper.pk)
    return render(request, "meetings/paper_form.html", {"form": form, "paper": paper})


@login_required
@require_POST
def consultation_new(request, paper_id):
    require(request.user, PERM_MANAGE)
    paper = selectors.paper_get(request.user, paper_id)
    form = _consultation_form(request, paper, request.POST)
    if form.is_valid():
        try:
            services.consultation_add(actor=request.user, paper=paper, **form.cleaned_data)
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Beratung in den Weg aufgenommen."))
            return _to_paper(paper.pk)
    return _detail(request, paper, consultation_form=form, status=400)


@login_required
@require_POST
def consultation_result(request, consultation_id):
    require(request.user, PERM_MANAGE)
    consultation = selectors.consultation_get(request.user, consultation_id)
    form = ConsultationResultForm(request.POST, prefix="r")
    if form.is_valid():
        try:
            services.consultation_result(
                actor=request.user, consultation=consultation, result=form.cleaned_data["result"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Ergebnis der Beratung gespeichert."))
    else:
        messages.error(request, _("Bitte das Ergebnis angeben (höchstens 300 Zeichen)."))
    return _to_paper(consultation.paper_id)
