"""The change log: filter by person, kind of object and period; pages of 50; CSV and Excel."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from rathaus.core.forms import AuditFilterForm
from rathaus.core.selectors.audit import (
    AuditFilter,
    audit_actors_for,
    audit_entries_for,
    audit_object_types_for,
    describe,
)
from rathaus.core.tenancy import spans_towns
from rathaus.core.views.common import require_perm
from rathaus.engines.spreadsheet import neutralise_row

PAGE_SIZE = 50
# An export is a document for a file, not a way around the filter: at most this many rows.
EXPORT_LIMIT = 20000


def _filter(request) -> tuple[AuditFilterForm, AuditFilter]:
    form = AuditFilterForm(
        request.GET or None,
        people=audit_actors_for(request.user),
        kinds=audit_object_types_for(request.user),
    )
    if not form.is_valid():
        return form, AuditFilter()
    data = form.cleaned_data
    return form, AuditFilter(
        actor_id=data.get("person"),
        object_type=data.get("kind") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@login_required
@require_GET
def audit_log(request):
    require_perm(request.user, "core.view_audit")
    form, flt = _filter(request)
    page = Paginator(audit_entries_for(request.user, flt), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit.html",
        {
            "form": form,
            "page": page,
            "rows": describe(page.object_list),
            "query": query.urlencode(),
            "spans_towns": spans_towns(request.user),
        },
    )


def _table(request) -> tuple[list[str], list[list]]:
    _form, flt = _filter(request)
    header = [
        _("Zeitpunkt"),
        _("Person"),
        _("Aktion"),
        _("Objektart"),
        _("Objekt"),
        _("Änderungen"),
        _("Kommune"),
    ]
    rows = [
        [
            date_format(timezone.localtime(r.at), "SHORT_DATETIME_FORMAT"),
            r.person,
            r.action,
            r.kind,
            r.name,
            "; ".join(r.changes),
            r.municipality,
        ]
        for r in describe(audit_entries_for(request.user, flt)[:EXPORT_LIMIT])
    ]
    return header, rows


@login_required
@require_GET
def audit_export(request, fmt: str):
    require_perm(request.user, "core.view_audit")
    header, rows = _table(request)
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = _("Änderungsprotokoll")[:31]
        sheet.append(header)
        for row in rows:
            sheet.append(neutralise_row(row))
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(neutralise_row(row) for row in rows)
        response = HttpResponse(
            ("\ufeff" + text.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="aenderungsprotokoll-{stamp}.{fmt}"'
    return response
