"""The monthly report for the region's assembly as an Excel workbook."""

from __future__ import annotations

import io
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from rathaus.standards.opendata import safe_cell
from rathaus.standards.selectors.overview import PromiseOverview


def _cell(value):
    return safe_cell(value) if isinstance(value, str) else value


def _pct(value: float | None):
    return None if value is None else round(100 * value, 1)


def workbook(*, region_name: str, month: date, items: list[PromiseOverview]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Übersicht")[:31]
    sheet.append([_cell(_("Servicestandards %(region)s") % {"region": region_name})])
    sheet.append([_cell(_("Monat")), month.strftime("%Y-%m")])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [
        _("Versprechen"),
        _("Kommune"),
        _("Größenklasse"),
        _("Ergebnis"),
        _("Anteil (%)"),
        _("Untergrenze (%)"),
        _("Obergrenze (%)"),
        _("Fälle"),
        _("Vergleich mit ähnlich großen Kommunen"),
        _("Trend"),
    ]
    sheet.append([])
    sheet.append([_cell(str(h)) for h in header])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for item in items:
        for row in item.rows:
            sheet.append(
                [
                    _cell(item.promise.title),
                    _cell(row.label),
                    _cell(str(row.size_label)),
                    _cell(str(row.status_label)),
                    _pct(row.verdict.share),
                    _pct(row.verdict.lower),
                    _pct(row.verdict.upper),
                    row.verdict.cases,
                    _cell(str(row.position_label)),
                    _cell(str(row.trend_label)),
                ]
            )
    definitions = book.create_sheet(_("Definitionen")[:31])
    definitions.append(
        [
            _cell(str(h))
            for h in (
                _("Kennung"),
                _("Versprechen"),
                _("Ziel"),
                _("Version der Definition"),
                _("Definition (Messvorschrift)"),
            )
        ]
    )
    for item in items:
        p = item.promise
        definitions.append(
            [_cell(p.code), _cell(p.title), float(p.target_percent), p.version, _cell(p.definition)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
