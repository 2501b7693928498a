"""Import of finance actuals (CSV or Excel from the finance system) into the budget lines.

Layout, one line per budget line and year (header names in any order, case ignored):
``jahr; produkt; kostenstelle; ist`` and optionally ``gebunden``. A line is matched to the
budget line of the municipality with the same year, budget product and cost centre; it sets
the actual (and committed) amount. All or nothing: every line is checked first (columns,
year, amounts, unknown or ambiguous budget lines, the same line twice); errors come with their
line numbers, and only a clean file is written, in one transaction. Uploads are bounded before
they are parsed (``rathaus.core.uploads``: size, zip bombs, rows, columns, field length).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit, uploads
from rathaus.core.tabular import LineReport, TabularError, decode
from rathaus.steering import caching
from rathaus.steering.models import BudgetLine
from rathaus.steering.services.imports import CONTROL, parse_number

REQUIRED = ("jahr", "produkt", "kostenstelle", "ist")
OPTIONAL = ("gebunden",)
ALIASES = {"year": "jahr", "product": "produkt", "cost_centre": "kostenstelle", "actual": "ist"}
MAX_ERRORS = 200


@dataclass
class ActualsReport(LineReport):
    lines: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class _Actual:
    line: int
    budget_line_id: int
    actual: Decimal
    committed: Decimal | None


def rows_of_upload(name: str, data: bytes) -> Iterable[tuple[int, list[str]]]:
    """(line, cells) of a CSV or Excel upload; raises ``UploadRefused`` or ``TabularError``."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        return uploads.xlsx_rows(data)
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return uploads.csv_rows(text, delimiter=delimiter)


def _amount(text: str) -> Decimal | None:
    number = parse_number(text or "")
    if number is None or number < 0:
        return None
    try:
        return Decimal(str(number)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _columns(row: list[str]) -> dict[str, int] | None:
    names = [ALIASES.get(c.strip().lower(), c.strip().lower()) for c in row]
    if not set(REQUIRED) <= set(names):
        return None
    return {name: names.index(name) for name in (*REQUIRED, *OPTIONAL) if name in names}


def _budget_index(municipality) -> dict[tuple[int, str, str], list[int]]:
    index: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    rows = BudgetLine.objects.filter(municipality=municipality).values_list(
        "pk", "year", "product", "cost_centre"
    )
    for pk, year, product, cost_centre in rows:
        index[(year, product.strip().lower(), cost_centre.strip().lower())].append(pk)
    return index


def _check_line(number, cells, columns, index, seen) -> tuple[_Actual | None, str | None]:
    def cell(name):
        position = columns.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    if any(CONTROL.search(c or "") for c in cells):
        return None, _("Steuerzeichen im Text.")
    year_text = cell("jahr")
    if not year_text.isdigit() or not 1990 <= int(year_text) <= 2199:
        return None, _("Jahr „%(v)s“ ist kein Jahr.") % {"v": year_text[:20]}
    actual = _amount(cell("ist"))
    if actual is None:
        return None, _("Ist-Betrag „%(v)s“ ist keine Zahl ab 0.") % {"v": cell("ist")[:20]}
    committed = None
    if "gebunden" in columns and cell("gebunden"):
        committed = _amount(cell("gebunden"))
        if committed is None:
            return None, _("Gebundener Betrag „%(v)s“ ist keine Zahl ab 0.") % {
                "v": cell("gebunden")[:20]
            }
    key = (int(year_text), cell("produkt").lower(), cell("kostenstelle").lower())
    found = index.get(key, [])
    if not found:
        return None, _("Keine Budgetposition für %(y)s, Produkt „%(p)s“, Kostenstelle „%(k)s“.") % {
            "y": key[0],
            "p": cell("produkt")[:40],
            "k": cell("kostenstelle")[:40],
        }
    if len(found) > 1:
        return None, _(
            "Mehrere Budgetpositionen passen; bitte Produkt und Kostenstelle eindeutig vergeben."
        )
    if key in seen:
        return None, _("Dieselbe Budgetposition steht schon in Zeile %(l)d.") % {"l": seen[key]}
    seen[key] = number
    return _Actual(number, found[0], actual, committed), None


def _checked(rows, index, report: ActualsReport) -> list[_Actual]:
    iterator = iter(rows)
    header = next(iterator, None)
    columns = _columns(header[1]) if header else None
    if columns is None:
        report.errors.append(
            (1, _("Kopfzeile fehlt oder ist falsch: erwartet jahr; produkt; kostenstelle; ist"))
        )
        return []
    found: list[_Actual] = []
    seen: dict = {}
    for number, cells in iterator:
        if not any(c.strip() for c in cells):
            continue
        report.lines += 1
        actual, error = _check_line(number, cells, columns, index, seen)
        if error:
            report.errors.append((number, error))
            if len(report.errors) >= MAX_ERRORS:
                break
        else:
            found.append(actual)
    if not report.errors and not found:
        report.errors.append((1, _("Die Datei enthält keine Zeilen.")))
    return found


def _write(actor, found: list[_Actual], report: ActualsReport) -> None:
    lines = BudgetLine.objects.select_for_update().in_bulk([a.budget_line_id for a in found])
    for item in found:
        line = lines[item.budget_line_id]
        committed = line.committed if item.committed is None else item.committed
        if line.actual == item.actual and line.committed == committed:
            report.unchanged += 1
            continue
        before = audit.snapshot(line)
        line.actual, line.committed = item.actual, committed
        line.save(update_fields=["actual", "committed"])
        audit.record(
            actor=actor, instance=line, action="update", before=before, after=audit.snapshot(line)
        )
        report.updated += 1


def budget_actuals_import(
    *, actor, municipality, rows: Iterable[tuple[int, list[str]]]
) -> ActualsReport:
    """Checks every line, then writes all of them or none (``report.errors`` says why)."""
    report = ActualsReport()
    try:
        found = _checked(rows, _budget_index(municipality), report)
    except (uploads.UploadRefused, TabularError) as exc:
        report.errors.append((0, str(exc)))
        return report
    if not report.ok:
        return report
    with transaction.atomic():
        _write(actor, found, report)
        audit.record(
            actor=actor,
            action="action",
            municipality_id=municipality.pk,
            object_type="steering.BudgetLine",
            object_id="import",
            summary=_("Ist-Import: %(updated)s geändert, %(unchanged)s unverändert")
            % {"updated": report.updated, "unchanged": report.unchanged},
        )
        caching.bump(municipality.pk)
    return report
