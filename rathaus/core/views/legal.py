"""Legal pages (Impressum, privacy notice, accessibility statement): public, per municipality,
edited by the municipality's admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.core.forms import LegalTextsForm
from rathaus.core.selectors.legal import (
    KINDS,
    all_municipalities,
    kind_title,
    legal_page,
    legal_texts_of,
    public_municipality,
)
from rathaus.core.services.legal import legal_texts_update
from rathaus.core.tenancy import home_municipality
from rathaus.core.views.common import require_perm


@require_GET
def choose(request, kind: str):
    """Without a municipality: the one town of the deployment, or a list to choose from."""
    if kind not in KINDS:
        raise Http404
    towns = list(all_municipalities())
    if len(towns) == 1:
        return HttpResponseRedirect(reverse("legal_page", args=[kind, towns[0].slug]))
    return render(
        request, "core/legal/choose.html", {"kind": kind, "title": kind_title(kind), "towns": towns}
    )


@require_GET
def page(request, kind: str, municipality_slug: str):
    municipality = public_municipality(municipality_slug)
    if kind not in KINDS or municipality is None:
        raise Http404
    return render(
        request,
        "core/legal/page.html",
        {"page": legal_page(municipality, kind), "town": municipality},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request):
    require_perm(request.user, "core.edit_legal_pages")
    municipality = home_municipality(request.user)
    if municipality is None:
        raise PermissionDenied
    form = LegalTextsForm(request.POST or None, instance=legal_texts_of(municipality))
    if request.method == "POST" and form.is_valid():
        legal_texts_update(actor=request.user, municipality=municipality, data=form.cleaned_data)
        messages.success(request, _("Die rechtlichen Angaben sind gespeichert."))
        return HttpResponseRedirect(reverse("core:legal_edit"))
    links = [(kind_title(k), reverse("legal_page", args=[k, municipality.slug])) for k in KINDS]
    return render(
        request, "core/legal/edit.html", {"form": form, "town": municipality, "links": links}
    )
