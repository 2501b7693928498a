"""Requests of the region: list, create, detail with matching and shortfalls, stand down."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.core.tenancy import home_municipality
from rathaus.staffpool import selectors
from rathaus.staffpool.forms import RequestForm
from rathaus.staffpool.rules import PERM_MANAGE_POOL, PERM_REGION, PERM_REQUEST, PERM_VIEW
from rathaus.staffpool.services import matching
from rathaus.staffpool.services import requests as request_services
from rathaus.staffpool.views.common import refuse, require_perm


def _request_or_404(user, pk):
    obj = selectors.request_get(user, pk)
    if obj is None:
        raise Http404
    return obj


@login_required
@require_GET
def request_list(request):
    require_perm(request.user, PERM_VIEW)
    return render(
        request,
        "staffpool/requests.html",
        {
            "requests": selectors.requests_for(request.user),
            "can_request": request.user.has_perm(PERM_REQUEST),
            "can_match_all": request.user.has_perm(PERM_REGION),
        },
    )


def _acting_municipality(user):
    municipality = home_municipality(user)
    if municipality is None and user.has_perm(PERM_REGION):
        municipality = selectors.region_seat(user)
    return municipality


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    require_perm(request.user, PERM_REQUEST)
    municipality = _acting_municipality(request.user)
    if municipality is None:
        raise Http404
    region_allowed = request.user.has_perm(PERM_REGION)
    form = RequestForm(request.POST or None, region_allowed=region_allowed)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not region_allowed:
            data["for_region"] = False
        elif request.user.municipality_id is None:
            data["for_region"] = True  # a region coordinator without a town asks for the region
        try:
            obj = request_services.request_create(
                actor=request.user, municipality=municipality, data=data
            )
        except DomainError as exc:
            refuse(request, form, exc)
        else:
            messages.success(request, _("Anfrage angelegt."))
            return redirect("staffpool:request_detail", pk=obj.pk)
    return render(request, "staffpool/request_form.html", {"form": form})


@login_required
@require_GET
def request_detail(request, pk):
    require_perm(request.user, PERM_VIEW)
    obj = _request_or_404(request.user, pk)
    manage = selectors.may_manage_request(request.user, obj)
    visible = selectors.secondments_for(request.user).filter(request=obj)
    return render(
        request,
        "staffpool/request_detail.html",
        {
            "req": obj,
            "manage": manage,
            "required": [selectors.skill_label(s) for s in obj.required_skills],
            "desired": [selectors.skill_label(s) for s in obj.desired_skills],
            "notes": [selectors.shortfall_message(n) for n in obj.match_note or []],
            "secondments": [(s, selectors.secondment_label(request.user, s)) for s in visible],
            "internal_note": obj.internal_note if manage else "",
            "offers": _case_offers(request.user, obj) if manage else [],
            "can_book": request.user.has_perm(PERM_MANAGE_POOL),
        },
    )


def _case_offers(user, obj):
    """Other towns' open case offers for the request's skills: the alternative to secondment."""
    if home_municipality(user) is None:
        return []
    rows = selectors.case_offers_for(
        user, today=timezone.localdate(), skills=obj.required_skills or None
    )
    return [row for row in rows if not row.own and row.free > 0 and row.offer.end >= obj.start]


@login_required
@require_POST
def request_match(request, pk):
    obj = _request_or_404(request.user, pk)
    if not selectors.may_manage_request(request.user, obj):
        raise Http404
    summary = matching.request_match(actor=request.user, requests=[obj])
    messages.success(
        request,
        _("Abgleich fertig: %(n)s neue Vorschläge an die Heimatkommunen.")
        % {"n": summary.proposed},
    )
    return redirect("staffpool:request_detail", pk=obj.pk)


@login_required
@require_POST
def request_match_all(request):
    require_perm(request.user, PERM_REGION)
    summary = matching.request_match(
        actor=request.user, requests=list(selectors.requests_for(request.user, open_only=True))
    )
    messages.success(
        request,
        _("Abgleich aller offenen Anfragen: %(n)s neue Vorschläge.") % {"n": summary.proposed},
    )
    return redirect("staffpool:requests")


@login_required
@require_POST
def request_stand_down(request, pk):
    obj = _request_or_404(request.user, pk)
    if not selectors.may_manage_request(request.user, obj):
        raise Http404
    try:
        request_services.request_stand_down(actor=request.user, request=obj)
    except DomainError as exc:
        refuse(request, None, exc)
    else:
        messages.success(request, _("Anfrage abbestellt."))
    return redirect("staffpool:request_detail", pk=obj.pk)
