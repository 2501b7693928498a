"""Figures entered by hand with four eyes: enter, confirm, reject."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.core.problems import DomainError
from rathaus.standards import rules
from rathaus.standards.forms import ManualEntryForm
from rathaus.standards.selectors import manual as selectors
from rathaus.standards.services import manual as services
from rathaus.standards.views.common import acting_region

FIELDS = ("municipality", "promise", "location", "day", "cases", "successes", "note")


def _region_with_scope(user):
    region = acting_region(user)
    if not rules.entry_scope(user, region):
        raise PermissionDenied
    return region


def _form(request, region):
    return ManualEntryForm(
        request.POST if request.method == "POST" else None,
        promises=selectors.entry_promises(region=region),
        municipalities=selectors.entry_municipalities(user=request.user, region=region),
        locations=selectors.entry_locations(user=request.user, region=region),
    )


def _submit(request, form) -> bool:
    d = form.cleaned_data
    data = services.EntryData(
        promise=d["promise"],
        municipality=d["municipality"],
        location=d["location"],
        day=d["day"],
        cases=d["cases"],
        successes=d["successes"],
        note=d["note"],
    )
    try:
        services.entry_create(actor=request.user, data=data)
    except DomainError as exc:
        for error in exc.errors or [{"field": None, "message": exc.message}]:
            form.add_error(
                error.get("field") if error.get("field") in FIELDS else None, error["message"]
            )
        return False
    return True


@login_required
def entries(request):
    region = _region_with_scope(request.user)
    form = _form(request, region)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _submit(request, form):
            messages.success(
                request,
                _("Der Wert ist erfasst und wartet auf die Bestätigung durch eine zweite Person."),
            )
            return redirect("standards:entries")
        status = 400
    pending = selectors.pending(user=request.user, region=region)
    for entry in pending:
        entry.confirmable = rules.may_confirm(request.user, entry)
        entry.own = entry.entered_by_id == request.user.pk
    return render(
        request,
        "standards/entries.html",
        {
            "region": region,
            "form": form,
            "pending": pending,
            "decided": selectors.decided(user=request.user, region=region),
        },
        status=status,
    )


def _decide(request, entry_id, service, done: str):
    region = _region_with_scope(request.user)
    if selectors.entry_in(user=request.user, region=region, entry_id=entry_id) is None:
        raise Http404
    try:
        service(actor=request.user, entry_id=entry_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("standards:entries")


@login_required
@require_POST
def entry_confirm(request, entry_id: int):
    return _decide(
        request, entry_id, services.entry_confirm, _("Der Wert ist bestätigt und zählt.")
    )


@login_required
@require_POST
def entry_reject(request, entry_id: int):
    return _decide(request, entry_id, services.entry_reject, _("Der Wert ist verworfen."))
