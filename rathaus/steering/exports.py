"""Excel export of the cockpit: projects with lights and budgets, indicators with their state.

Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading
apostrophe, so that they stay text.
"""

from __future__ import annotations

import io
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from rathaus.steering.models import Light
from rathaus.steering.selectors import Cockpit, light_of

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Neutralises formula injection: text that starts like a formula is prefixed with '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _light(value) -> str:
    return str(Light(value).label) if value in Light.values else _("kein Bericht")


def cockpit_workbook(cockpit: Cockpit, today: date) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Projekte")[:31]
    sheet.append(
        [
            _("Handlungsfeld"),
            _("Projekt"),
            _("Status"),
            _("Gesamtampel"),
            _("zuständig"),
            _("Beginn"),
            _("Ende"),
        ]
    )
    for fv in cockpit.fields:
        for p in fv.projects:
            sheet.append(
                [
                    safe(fv.field.title),
                    safe(p.title),
                    str(p.get_status_display()),
                    _light(light_of(p)),
                    safe(p.owner_unit.name),
                    p.start,
                    p.end,
                ]
            )
    indicators = book.create_sheet(_("Kennzahlen")[:31])
    indicators.append(
        [
            _("Kennzahl"),
            _("Gebiet"),
            _("Lage"),
            _("Erläuterung"),
            _("Letzter Wert"),
            _("Einheit"),
            _("Quelle"),
        ]
    )
    for i in cockpit.indicators:
        indicators.append(
            [
                safe(i.name),
                safe(i.area),
                _light(i.status),
                safe(i.explanation),
                i.latest[1] if i.latest else None,
                safe(i.unit),
                safe(i.source),
            ]
        )
    budgets = book.create_sheet(_("Budget")[:31])
    budgets.append(
        [_("Projekt"), _("Jahr"), _("Plan (€)"), _("gebunden + Ist (€)"), _("Abweichung")]
    )
    for row in cockpit.budgets:
        budgets.append(
            [safe(row.project.title), cockpit.year, row.planned, row.used, (row.percent or 0) / 100]
        )
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
