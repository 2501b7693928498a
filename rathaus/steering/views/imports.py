"""Uploads: indicator values (generic long CSV) and finance actuals (CSV or Excel); all or
nothing, errors with line numbers."""

from __future__ import annotations

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
from rathaus.steering.forms import ActualsImportForm, ImportForm
from rathaus.steering.rules import PERM_IMPORT_ACTUALS, PERM_MANAGE_INDICATORS
from rathaus.steering.services.actuals import budget_actuals_import, rows_of_upload
from rathaus.steering.services.imports import indicator_values_import
from rathaus.steering.services.indicators import indicators_analyse_all
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
