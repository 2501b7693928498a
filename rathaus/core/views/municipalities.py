"""Region admins: switching the municipality they look at, and creating a municipality."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.core.forms import MunicipalityForm
from rathaus.core.models import Municipality
from rathaus.core.services.municipalities import municipality_create
from rathaus.core.tenancy import CHOSEN_SESSION_KEY, is_region_admin, region_municipalities
from rathaus.core.views.common import require_perm


def _back(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
@require_POST
def switch(request):
    """Remember the chosen municipality (or the whole region: empty) in the session."""
    if not is_region_admin(request.user):
        raise PermissionDenied
    raw = request.POST.get("municipality", "")
    if not raw:
        request.session.pop(CHOSEN_SESSION_KEY, None)
        return HttpResponseRedirect(_back(request))
    try:
        chosen = region_municipalities(request.user).get(pk=int(raw))
    except (ValueError, Municipality.DoesNotExist):
        messages.error(request, _("Diese Kommune gehört nicht zu Ihrer Region."))
        return HttpResponseRedirect(_back(request))
    request.session[CHOSEN_SESSION_KEY] = chosen.pk
    return HttpResponseRedirect(_back(request))


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    require_perm(request.user, "core.create_municipality")
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        municipality = municipality_create(actor=request.user, **form.cleaned_data)
        request.session[CHOSEN_SESSION_KEY] = municipality.pk
        messages.success(
            request,
            _("Die Kommune %(name)s ist angelegt und ausgewählt.") % {"name": municipality.name},
        )
        return HttpResponseRedirect(reverse("home"))
    return render(
        request,
        "core/municipality_create.html",
        {"form": form, "towns": region_municipalities(request.user)},
    )
