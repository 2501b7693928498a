"""Importing employees and rooms: upload, dry-run preview, confirm."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core.forms import ImportForm
from rathaus.core.imports import run_import
from rathaus.core.tenancy import home_municipality, scoped_municipalities
from rathaus.core.views.common import require_perm


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload → dry-run preview with row errors → confirm (same bytes, kept in the session)."""
    require_perm(request.user, "core.import_master_data")
    municipality = home_municipality(request.user)
    if municipality is None:
        raise PermissionDenied
    choices = scoped_municipalities(request.user)
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.get("pending_import")
        if not pending:
            messages.error(
                request, _("Die Vorschau ist abgelaufen. Bitte die Datei erneut hochladen.")
            )
            return HttpResponseRedirect(reverse("core:import"))
        municipality = choices.filter(pk=pending.get("municipality_id")).first()
        if municipality is None:
            raise PermissionDenied
        result = run_import(
            kind=pending["kind"],
            data=base64.b64decode(pending["data"]),
            filename=pending["filename"],
            municipality=municipality,
            actor=request.user,
            commit=True,
        )
        del request.session["pending_import"]
        if result.ok:
            messages.success(
                request,
                _("Import abgeschlossen: %(c)d neu, %(u)d aktualisiert.")
                % {"c": result.created, "u": result.updated},
            )
            return HttpResponseRedirect(reverse("core:import"))
        return render(
            request,
            "core/import.html",
            {"form": ImportForm(municipalities=choices), "result": result},
        )
    form = ImportForm(request.POST or None, request.FILES or None, municipalities=choices)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        municipality = form.cleaned_data.get("municipality") or municipality
        data = upload.read()
        result = run_import(
            kind=form.cleaned_data["kind"],
            data=data,
            filename=upload.name,
            municipality=municipality,
            actor=request.user,
            commit=False,
        )
        if result.ok:
            request.session["pending_import"] = {
                "kind": result.kind,
                "municipality_id": municipality.pk,
                "filename": upload.name,
                "data": base64.b64encode(data).decode(),
            }
    return render(request, "core/import.html", {"form": form, "result": result})
