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


def _municipality(request, perm):
    """The municipality the user acts for (403 without ``perm`` or without a municipality)."""
    require(request.user, perm)
    municipality = home_municipality(request.user)
    if municipality is None:
        raise PermissionDenied
    return municipality


def _parsed(form, read):
    """``read()``'s result, or None with the refusal at the file field."""
    try:
        return read()
    except (TabularError, uploads.UploadRefused) as exc:
        form.add_error("file", str(exc))
        return None


def _status(form, report) -> int:
    return 400 if (report and not report.ok) or form.errors else 200


def _import_page(request, *, perm, form_class, read, store, template):
    """One upload page: ``read(upload)`` parses the file (a refusal lands at the file field),
    ``store(municipality, parsed)`` imports all or nothing and returns the report and the success
    message; a clean import goes back to the cockpit, errors stay on the page with line numbers."""
    municipality = _municipality(request, perm)
    form = form_class(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        parsed = _parsed(form, lambda: read(form.cleaned_data["file"]))
        if parsed is not None:
            report, message = store(municipality, parsed)
            if report.ok:
                messages.success(request, message)
                return redirect("steering:cockpit")
    return render(request, template, {"form": form, "report": report}, status=_status(form, report))


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


OPENSDG_PENDING = "steering_opensdg_pending"
BA_PENDING = "steering_ba_pending"
SDG_PENDING = "steering_sdg_pending"


def _scope(request):
    """The acting user's municipality and its indicators (403 without the permission)."""
    municipality = _municipality(request, PERM_MANAGE_INDICATORS)
    indicators = (
        selectors.indicators_for(request.user).filter(municipality=municipality).order_by("name")
    )
    return municipality, indicators


def _remember(request, key, municipality, pending) -> None:
    """Keeps what a clean preview would store until it is confirmed — for this municipality
    only: a region admin who switches towns in between must not store it into the other one."""
    request.session[key] = {"municipality": municipality.pk, "data": pending}


def _recalled(request, key, municipality):
    """What the last preview of this page kept (taken out of the session), or None when there
    is none, it is empty or it belongs to another municipality."""
    pending = request.session.pop(key, None)
    if not isinstance(pending, dict) or pending.get("municipality") != municipality.pk:
        return None
    return pending.get("data") or None


def _expired(request):
    messages.error(request, _("Die Vorschau ist abgelaufen. Bitte die Datei erneut hochladen."))
    return redirect(request.path)  # the upload page again


def _preview_page(request, *, key, template, make_form, read, confirm):
    """An upload page that shows a preview first (Open SDG, BA, SDG-Portal).

    ``make_form(data, files, indicators)`` builds the upload form; ``read(form, municipality,
    indicators)`` parses the file, writes nothing and returns the preview (a ``LineReport``),
    what confirming needs (kept in the session under ``key``, see ``_remember``) and what the
    page shows of a clean preview; a refusal of the file lands at the file field.
    ``confirm(request, municipality, indicators, pending)`` stores what the preview showed;
    without a kept preview the page says it has expired."""
    municipality, indicators = _scope(request)
    if request.method == "POST" and request.POST.get("confirm"):
        pending = _recalled(request, key, municipality)
        if pending is None:
            return _expired(request)
        return confirm(request, municipality, indicators, pending)
    form = make_form(request.POST or None, request.FILES or None, indicators)
    preview, shown = None, {}
    if request.method == "POST" and form.is_valid():
        parsed = _parsed(form, lambda: read(form, municipality, indicators))
        if parsed is not None:
            preview, pending, shown = parsed
            if preview.ok:
                _remember(request, key, municipality, pending)
    context = {"form": form, "report": preview, **(shown if preview and preview.ok else {})}
    return render(request, template, context, status=_status(form, preview))


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


def _opensdg_read(form, _municipality, _indicators):
    indicator = form.cleaned_data["indicator"]
    data = form.cleaned_data["file"].read()
    preview = opensdg_read(data=data, indicator=indicator)
    pending = {"indicator": indicator.pk, "data": base64.b64encode(data).decode()}
    return preview, pending, {"indicator": indicator}


def _opensdg_confirm(request, _municipality, indicators, pending):
    """Imports the bytes that were previewed, checked once more."""
    indicator = indicators.filter(pk=pending.get("indicator")).first()
    if indicator is None:  # deleted, or no longer the user's, since the preview
        return _expired(request)
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
    return _preview_page(
        request,
        key=OPENSDG_PENDING,
        template="steering/opensdg_import.html",
        make_form=lambda data, files, indicators: OpenSdgForm(data, files, indicators=indicators),
        read=_opensdg_read,
        confirm=_opensdg_confirm,
    )


def _ba_form(data, files, indicators):
    return BaImportForm(data, files, indicators=indicators, kinds=ba.kind_choices(indicators))


def _ba_read(form, municipality, _indicators):
    mapping = form.mapping()
    preview = ba.ba_read(
        data=form.cleaned_data["file"].read(),
        municipality=municipality,
        mapping=mapping,
        sheet=form.cleaned_data["sheet"],
    )
    if not preview.ok:
        return preview, None, {}
    rows = ba.checked_rows(preview, mapping)
    shown = {"rows": ba.preview_rows(preview, mapping), "storable": bool(rows)}
    return preview, [row.as_session() for row in rows], shown


def _ba_confirm(request, municipality, indicators, pending):
    rows = [Checked.from_session(row) for row in pending]
    return _store(request, municipality, indicators, rows, _("BA-Import"))


@login_required
@require_http_methods(["GET", "POST"])
def ba_values_import(request):
    """Upload of a BA Excel table → preview of the area's values (nothing written) → confirm."""
    return _preview_page(
        request,
        key=BA_PENDING,
        template="steering/ba_import.html",
        make_form=_ba_form,
        read=_ba_read,
        confirm=_ba_confirm,
    )


def _sdg_read(form, municipality, indicators):
    preview = sdgportal.sdg_read(
        data=form.cleaned_data["file"].read(), municipality=municipality, indicators=indicators
    )
    shown = {
        "rows": preview.rows,
        "indicators": indicators,
        "chosen": {r.line: r.indicator_id for r in preview.rows},
    }
    return preview, sdgportal.rows_to_session(preview.rows), shown


def _sdg_confirm(request, municipality, indicators, pending):
    """Stores the previewed rows with the indicators chosen now; a wrong choice shows the
    preview again with the errors, and the kept rows stay for the corrected choice."""
    rows = sdgportal.rows_from_session(pending)
    by_pk = {str(i.pk): i for i in indicators}
    choices = {}
    for row in rows:
        chosen = request.POST.get(f"map_{row.line}", str(row.indicator_id or ""))
        choices[row.line] = by_pk.get(chosen)
    errors, checked = sdgportal.sdg_checked(rows, choices)
    if errors:
        _remember(request, SDG_PENDING, municipality, pending)
        context = {
            "form": SdgImportForm(),
            "report": sdgportal.SdgPreview(errors=errors, rows=rows),
            "rows": rows,
            "indicators": indicators,
            "chosen": {line: i.pk for line, i in choices.items() if i is not None},
            "confirming": True,
        }
        return render(request, "steering/sdg_import.html", context, status=400)
    return _store(request, municipality, indicators, checked, _("SDG-Portal-Import"))


@login_required
@require_http_methods(["GET", "POST"])
def sdg_values_import(request):
    """Upload of an SDG-Portal / Wegweiser CSV → preview with the mapping of names to
    indicators (nothing written) → confirm with the mapping chosen."""
    return _preview_page(
        request,
        key=SDG_PENDING,
        template="steering/sdg_import.html",
        make_form=lambda data, files, _indicators: SdgImportForm(data, files),
        read=_sdg_read,
        confirm=_sdg_confirm,
    )
