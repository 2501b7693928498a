"""Import of one indicator's values in Open SDG's data format (one CSV per indicator).

The layout is Open SDG's documented one (open-sdg ``docs/data-format.md``): the first row
names the columns; the first column is ``Year`` (an integer), the last is ``Value`` (a number,
or blank for a missing value); ``Units`` is a special column for the unit; ``GeoCode``, if
present, is the second from last; every other column in between is a disaggregation, and a
blank cell means "all" — so the rows whose disaggregation cells are all blank are the headline
series, the only rows taken here (the others are counted as skipped). A ``GeoCode`` other than
blank or the municipality's AGS is another area and skipped as well.

The values are annual: a year's value is stored under December of that year (the end of the
period it describes). All or nothing with line numbers (rows as the CSV reader counts them):
a wrong header, a year that is not a year, a value that is not a number, a unit other than the
indicator's, a year given twice in the headline series, control characters. The upload is
bounded before it is parsed (``MAX_BYTES``, rows, columns, field length).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit, uploads
from rathaus.core.clock import now_or
from rathaus.core.tabular import LineReport, TabularError, decode
from rathaus.steering.models import Indicator
from rathaus.steering.services.indicators import indicator_analyse, indicator_value_record

MAX_BYTES = 1024 * 1024
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SPECIAL = ("Units", "GeoCode")
YEARS = (1900, 2200)


@dataclass
class OpenSdgPreview(LineReport):
    """What the file would import: (line, year, value) of the headline series."""

    values: list[tuple[int, int, float]] = field(default_factory=list)
    skipped: int = 0
    missing: int = 0


@dataclass
class OpenSdgResult:
    created: int = 0
    unchanged: int = 0


def _header_error(names: list[str]) -> str | None:
    if len(names) < 2 or names[0] != "Year" or names[-1] != "Value":
        return _("Kopfzeile im Open-SDG-Format erwartet: erste Spalte „Year“, letzte „Value“.")
    if "GeoCode" in names and names.index("GeoCode") != len(names) - 2:
        return _("Die Spalte „GeoCode“ muss die vorletzte sein.")
    if len(set(names)) != len(names):
        return _("Ein Spaltenname kommt doppelt vor.")
    return None


def _year(text: str) -> int | None:
    text = text.strip()
    if not re.fullmatch(r"\d{4}", text) or not YEARS[0] <= int(text) <= YEARS[1]:
        return None
    return int(text)


def _number(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _row(preview, number, cells, names, indicator, ags, years) -> None:
    """Checks one data row and adds its headline value to the preview."""
    if len(cells) != len(names):
        return preview.errors.append(
            (number, _("%(n)d Spalten statt %(m)d.") % {"n": len(cells), "m": len(names)})
        )
    row = dict(zip(names, cells, strict=True))
    if CONTROL.search("".join(cells)):
        return preview.errors.append((number, _("Steuerzeichen sind nicht erlaubt.")))
    year = _year(row["Year"])
    if year is None:
        return preview.errors.append(
            (number, _("„%(y)s“ ist keine Jahreszahl.") % {"y": row["Year"][:20]})
        )
    unit = row.get("Units", "").strip()
    if unit and unit != indicator.unit:
        return preview.errors.append(
            (
                number,
                _("Einheit „%(e)s“ passt nicht zur Kennzahl (%(u)s).")
                % {"e": unit[:40], "u": indicator.unit},
            )
        )
    geo = row.get("GeoCode", "").strip()
    other = [c for n, c in row.items() if n not in ("Year", "Value", *SPECIAL) and c.strip()]
    if other or geo not in ("", ags):
        preview.skipped += 1
        return None
    if not row["Value"].strip():
        preview.missing += 1
        return None
    value = _number(row["Value"])
    if value is None:
        return preview.errors.append(
            (number, _("Der Wert „%(v)s“ ist keine Zahl.") % {"v": row["Value"][:20]})
        )
    if year in years:
        return preview.errors.append(
            (
                number,
                _("Das Jahr %(y)d steht schon in Zeile %(l)d.") % {"y": year, "l": years[year]},
            )
        )
    years[year] = number
    preview.values.append((number, year, value))
    return None


def opensdg_read(*, data: bytes, indicator: Indicator) -> OpenSdgPreview:
    """Checks the whole file; nothing is written. A file that can't be read at all raises
    ``TabularError`` or ``uploads.UploadRefused`` (a German message for the file field)."""
    uploads.check_size(len(data), limit=MAX_BYTES)
    text = decode(data)
    if "\x00" in text:
        raise TabularError(_("Die Datei ist keine Textdatei (CSV)."))
    rows = uploads.csv_rows(text.lstrip("\ufeff"), delimiter=",")
    preview = OpenSdgPreview()
    first = next(rows, None)
    names = [c.strip() for c in first[1]] if first else []
    problem = _header_error(names)
    if problem:
        preview.errors.append((1, problem))
        return preview
    ags = indicator.municipality.ags or ""
    years: dict[int, int] = {}
    for number, cells in rows:
        if any(c.strip() for c in cells):
            _row(preview, number, cells, names, indicator, ags, years)
    if preview.ok and not preview.values:
        preview.errors.append((1, _("Die Datei enthält keine Werte der Gesamtreihe.")))
    return preview


@transaction.atomic
def opensdg_import(
    *, actor, indicator: Indicator, data: bytes, now: datetime | None = None
) -> tuple[OpenSdgPreview, OpenSdgResult]:
    """Checks the file again and, when it is clean, stores every value (a changed year is a
    new version, an equal one changes nothing), then analyses the indicator once."""
    now = now_or(now)
    preview = opensdg_read(data=data, indicator=indicator)
    result = OpenSdgResult()
    if not preview.ok:
        return preview, result
    for _line, year, value in preview.values:
        row = indicator_value_record(
            actor=actor,
            indicator=indicator,
            ref_date=date(year, 12, 1),
            value=value,
            analyse=False,
            now=now,
        )
        if row is None:
            result.unchanged += 1
        else:
            result.created += 1
    audit.record(
        actor=actor,
        instance=indicator,
        action="action",
        summary=_("Open-SDG-Import: %(c)d neu, %(u)d unverändert")
        % {"c": result.created, "u": result.unchanged},
    )
    transaction.on_commit(lambda: indicator_analyse(indicator=indicator, now=now))
    return preview, result
