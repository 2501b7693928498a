"""Uploads: indicator values (generic long CSV, Open SDG, the Federal Employment Agency's Excel
tables, the SDG-Portal's CSV) and finance actuals (CSV or Excel); all or nothing, errors with
line numbers; the last three show a preview first."""

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
from rathaus.steering.forms import (
    ActualsImportForm,
    BaImportForm,
    ImportForm,
    OpenSdgForm,
    SdgImportForm,
)
from rathaus.steering.rules import PERM_IMPORT_ACTUALS, PERM_MANAGE_INDICATORS
from rathaus.steering.services import bundesagentur as ba
from rathaus.steering.services import sdgportal
from rathaus.steering.services.actuals import budget_actuals_import, rows_of_upload
from rathaus.steering.services.imports import indicator_values_import
from rathaus.steering.services.indicators import indicators_analyse_all
from rathaus.steering.services.opensdg import opensdg_import, opensdg_read
from rathaus.steering.services.statlayout import Checked, checked_values_store
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
BA_PENDING = "steering_ba_pending"
SDG_PENDING = "steering_sdg_pending"


def _scope(request):
    """The acting user's municipality and its indicators (403 without the permission)."""
    require(request.user, PERM_MANAGE_INDICATORS)
    municipality = home_municipality(request.user)
    if municipality is None:
        raise PermissionDenied
    indicators = (
        selectors.indicators_for(request.user).filter(municipality=municipality).order_by("name")
    )
    return municipality, indicators


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
    _municipality, indicators = _scope(request)
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


def _store(request, municipality, indicators, rows: list[Checked], label: str):
    """Stores what a preview showed; only indicators the user may manage."""
    allowed = set(indicators.values_list("pk", flat=True))
    if not rows or any(row.indicator_id not in allowed for row in rows):
        raise PermissionDenied
    result = checked_values_store(
        actor=request.user, municipality=municipality, rows=rows, label=label
    )
    messages.success(
        request,
        _("%(l)s abgeschlossen: %(c)d neue Werte (davon %(r)d Revisionen), %(u)d unverändert.")
        % {"l": label, "c": result.created, "r": result.revised, "u": result.unchanged},
    )
    return redirect("steering:indicator_list")


def _ba_confirm(request, municipality, indicators):
    pending = request.session.pop(BA_PENDING, None)
    if not pending:
        messages.error(request, _("Die Vorschau ist abgelaufen. Bitte die Datei erneut hochladen."))
        return redirect("steering:ba_import")
    rows = [Checked.from_session(row) for row in pending]
    return _store(request, municipality, indicators, rows, _("BA-Import"))


@login_required
@require_http_methods(["GET", "POST"])
def ba_values_import(request):
    """Upload of a BA Excel table → preview of the area's values (nothing written) → confirm."""
    municipality, indicators = _scope(request)
    if request.method == "POST" and request.POST.get("confirm"):
        return _ba_confirm(request, municipality, indicators)
    kinds = ba.kind_choices(indicators)
    form = BaImportForm(
        request.POST or None, request.FILES or None, indicators=indicators, kinds=kinds
    )
    preview, mapping = None, {}
    if request.method == "POST" and form.is_valid():
        mapping = {key: form.cleaned_data.get(f"kind_{key}") for key, _label, _g in kinds}
        try:
            preview = ba.ba_read(
                data=form.cleaned_data["file"].read(),
                municipality=municipality,
                mapping=mapping,
                sheet=form.cleaned_data["sheet"],
            )
        except (TabularError, uploads.UploadRefused) as exc:
            form.add_error("file", str(exc))
        else:
            if preview.ok:
                rows = ba.checked_rows(preview, mapping)
                request.session[BA_PENDING] = [row.as_session() for row in rows]
    checked = preview is not None and preview.ok
    return render(
        request,
        "steering/ba_import.html",
        {
            "form": form,
            "report": preview,
            "rows": ba.preview_rows(preview, mapping) if checked else [],
            "storable": checked and bool(request.session.get(BA_PENDING)),
        },
        status=400 if (preview and not preview.ok) or form.errors else 200,
    )


def _sdg_confirm(request, municipality, indicators):
    pending = request.session.get(SDG_PENDING)
    if not pending:
        messages.error(request, _("Die Vorschau ist abgelaufen. Bitte die Datei erneut hochladen."))
        return redirect("steering:sdg_import")
    rows = sdgportal.rows_from_session(pending)
    by_pk = {str(i.pk): i for i in indicators}
    choices = {}
    for row in rows:
        chosen = request.POST.get(f"map_{row.line}", str(row.indicator_id or ""))
        choices[row.line] = by_pk.get(chosen)
    errors, checked = sdgportal.sdg_checked(rows, choices)
    if errors:
        context = {
            "form": SdgImportForm(),
            "report": sdgportal.SdgPreview(errors=errors, rows=rows),
            "rows": rows,
            "indicators": indicators,
            "chosen": {line: i.pk for line, i in choices.items() if i is not None},
            "confirming": True,
        }
        return render(request, "steering/sdg_import.html", context, status=400)
    request.session.pop(SDG_PENDING, None)
    return _store(request, municipality, indicators, checked, _("SDG-Portal-Import"))


@login_required
@require_http_methods(["GET", "POST"])
def sdg_values_import(request):
    """Upload of an SDG-Portal / Wegweiser CSV → preview with the mapping of names to
    indicators (nothing written) → confirm with the mapping chosen."""
    municipality, indicators = _scope(request)
    if request.method == "POST" and request.POST.get("confirm"):
        return _sdg_confirm(request, municipality, indicators)
    form = SdgImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            preview = sdgportal.sdg_read(
                data=form.cleaned_data["file"].read(),
                municipality=municipality,
                indicators=indicators,
            )
        except (TabularError, uploads.UploadRefused) as exc:
            form.add_error("file", str(exc))
        else:
            if preview.ok:
                request.session[SDG_PENDING] = sdgportal.rows_to_session(preview.rows)
    checked = preview is not None and preview.ok
    return render(
        request,
        "steering/sdg_import.html",
        {
            "form": form,
            "report": preview,
            "rows": preview.rows if checked else [],
            "indicators": indicators,
            "chosen": {r.line: r.indicator_id for r in preview.rows} if checked else {},
        },
        status=400 if (preview and not preview.ok) or form.errors else 200,
    )
