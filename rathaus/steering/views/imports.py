"""Uploads: indicator values (generic long CSV) and finance actuals (CSV or Excel); all or
nothing, errors with line numbers."""

from __future__ import annotations

import base64
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core import uploads
from rathaus.core.tabular import TabularError, decode
from rathaus.core.tenancy import home_municipality
from rathaus.steering import selectors
from rathaus.steering.forms import ActualsImportForm, ImportForm, OpenSdgForm
from rathaus.steering.rules import PERM_IMPORT_ACTUALS, PERM_MANAGE_INDICATORS
from rathaus.steering.services.actuals import budget_actuals_import, rows_of_upload
from rathaus.steering.services.imports import indicator_values_import
from rathaus.steering.services.indicators import indicators_analyse_all
from rathaus.steering.services.opensdg import opensdg_import, opensdg_read
from rathaus.steering.views.common import require


def _import_page(request, *, perm, form_class, read, store, template):
    """One upload page: ``read(upload)`` parses the file (a refusal lands at the file field),
    ``store(municipality, parsed)`` imports all or nothing and returns the report and the success
    message; a clean import goes back to the cockpit, errors stay on the page with line numbers."""
    require(request.user, perm)
    municipality = home_municipality(request.user)
    if municipality is None:
        raise PermissionDenied
    form = form_class(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            parsed = read(form.cleaned_data["file"])
        except (TabularError, uploads.UploadRefused) as exc:
            form.add_error("file", str(exc))
        else:
            report, message = store(municipality, parsed)
            if report.ok:
                messages.success(request, message)
                return redirect("steering:cockpit")
    return render(
        request,
        template,
        {"form": form, "report": report},
        status=400 if (report and not report.ok) or form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def values_import(request):
    def store(municipality, text):
        report = indicator_values_import(
            actor=request.user,
            municipality=municipality,
            open_lines=lambda: io.StringIO(text, newline=""),
        )
        if report.ok:
            indicators_analyse_all(municipality=municipality)
        message = _("Import abgeschlossen: %(c)d neue Werte, %(u)d unverändert.") % {
            "c": report.created,
            "u": report.unchanged,
        }
        return report, message

    return _import_page(
        request,
        perm=PERM_MANAGE_INDICATORS,
        form_class=ImportForm,
        read=lambda upload: decode(upload.read()),
        store=store,
        template="steering/import.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def actuals_import(request):
    def store(municipality, rows):
        report = budget_actuals_import(actor=request.user, municipality=municipality, rows=rows)
        message = _("Ist-Werte übernommen: %(c)d Budgetpositionen geändert, %(u)d unverändert.") % {
            "c": report.updated,
            "u": report.unchanged,
        }
        return report, message

    return _import_page(
        request,
        perm=PERM_IMPORT_ACTUALS,
        form_class=ActualsImportForm,
        read=lambda upload: rows_of_upload(upload.name, upload.read()),
        store=store,
        template="steering/actuals_import.html",
    )


PENDING = "steering_opensdg_pending"


def _opensdg_confirm(request, indicators):
    """Imports the bytes that were previewed (kept in the session), checked once more."""
    pending = request.session.pop(PENDING, None) or {}
    indicator = indicators.filter(pk=pending.get("indicator")).first()
    if indicator is None:
        messages.error(request, _("Die Vorschau ist abgelaufen. Bitte die Datei erneut hochladen."))
        return redirect("steering:opensdg_import")
    preview, result = opensdg_import(
        actor=request.user, indicator=indicator, data=base64.b64decode(pending["data"])
    )
    if not preview.ok:
        form = OpenSdgForm(initial={"indicator": indicator}, indicators=indicators)
        context = {"form": form, "report": preview}
        return render(request, "steering/opensdg_import.html", context, status=400)
    messages.success(
        request,
        _("Open-SDG-Import abgeschlossen: %(c)d neue Werte, %(u)d unverändert.")
        % {"c": result.created, "u": result.unchanged},
    )
    return redirect("steering:indicator_detail", indicator.pk)


@login_required
@require_http_methods(["GET", "POST"])
def opensdg_values_import(request):
    """Upload → preview of the headline series (nothing written) → confirm."""
    require(request.user, PERM_MANAGE_INDICATORS)
    municipality = home_municipality(request.user)
    if municipality is None:
        raise PermissionDenied
    indicators = (
        selectors.indicators_for(request.user).filter(municipality=municipality).order_by("name")
    )
    if request.method == "POST" and request.POST.get("confirm"):
        return _opensdg_confirm(request, indicators)
    form = OpenSdgForm(request.POST or None, request.FILES or None, indicators=indicators)
    preview = None
    if request.method == "POST" and form.is_valid():
        indicator = form.cleaned_data["indicator"]
        data = form.cleaned_data["file"].read()
        try:
            preview = opensdg_read(data=data, indicator=indicator)
        except (TabularError, uploads.UploadRefused) as exc:
            form.add_error("file", str(exc))
        else:
            if preview.ok:
                request.session[PENDING] = {
                    "indicator": indicator.pk,
                    "data": base64.b64encode(data).decode(),
                }
    checked = preview is not None and preview.ok
    return render(
        request,
        "steering/opensdg_import.html",
        {
            "form": form,
            "report": preview,
            "indicator": form.cleaned_data["indicator"] if checked else None,
        },
        status=400 if (preview and not preview.ok) or form.errors else 200,
    )
