"""The promise register: list, define, change, join."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.core.models import Municipality
from rathaus.core.problems import DomainError
from rathaus.standards import rules
from rathaus.standards.forms import PromiseForm
from rathaus.standards.selectors import promises as selectors
from rathaus.standards.selectors.overview import named
from rathaus.standards.services import promises as services
from rathaus.standards.views.common import acting_region


@login_required
def promise_list(request):
    region = acting_region(request.user)
    return render(
        request,
        "standards/promises.html",
        {
            "region": region,
            "rows": selectors.register(region=region, user=request.user),
            "can_manage": request.user.has_perm(rules.PERM_MANAGE_PROMISES),
            "can_join": request.user.has_perm(rules.PERM_JOIN) and request.user.municipality_id,
            "named": named(region),
        },
    )


def _managed(request, promise_id=None):
    region = acting_region(request.user)
    if not request.user.has_perm(rules.PERM_MANAGE_PROMISES):
        raise PermissionDenied
    if promise_id is None:
        return region, None
    promise = selectors.promise_in(region=region, promise_id=promise_id)
    if promise is None:
        raise Http404
    return region, promise


def _save(request, region, promise):
    form = PromiseForm(request.POST or None, instance=promise)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code" or promise is None}
        try:
            if promise is None:
                services.promise_create(actor=request.user, region=region, data=data)
                messages.success(request, _("Das Leistungsversprechen ist angelegt."))
            else:
                services.promise_update(actor=request.user, promise=promise, data=data)
                messages.success(request, _("Das Leistungsversprechen ist gespeichert."))
        except DomainError as exc:
            form.add_error("code" if exc.code == "code_taken" else None, exc.message)
        else:
            return redirect("standards:promises")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "standards/promise_form.html",
        {"form": form, "promise": promise, "region": region},
        status=status,
    )


@login_required
def promise_create(request):
    region, _promise = _managed(request)
    return _save(request, region, None)


@login_required
def promise_edit(request, promise_id: int):
    region, promise = _managed(request, promise_id)
    return _save(request, region, promise)


@login_required
@require_POST
def promise_join(request, promise_id: int):
    region = acting_region(request.user)
    if not request.user.has_perm(rules.PERM_JOIN) or not request.user.municipality_id:
        raise PermissionDenied
    promise = selectors.promise_in(region=region, promise_id=promise_id)
    if promise is None:
        raise Http404
    town = Municipality.objects.get(pk=request.user.municipality_id)
    try:
        services.membership_create(actor=request.user, promise=promise, municipality=town)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(town)s ist dem Versprechen „%(title)s“ beigetreten.")
            % {"town": town.name, "title": promise.title},
        )
    return redirect("standards:promises")


@login_required
@require_POST
def comparison_settings(request):
    region = acting_region(request.user)
    if not request.user.has_perm(rules.PERM_MANAGE_PROMISES):
        raise PermissionDenied
    named = request.POST.get("named_comparison") == "on"
    services.region_settings_update(actor=request.user, region=region, named_comparison=named)
    messages.success(
        request,
        _("Kommunen werden im Vergleich namentlich gezeigt.")
        if named
        else _("Kommunen werden im Vergleich anonymisiert gezeigt."),
    )
    return redirect("standards:promises")
