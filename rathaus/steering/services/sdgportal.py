"""Import of the SDG indicators for municipalities in the wide CSV layout of the SDG-Portal für
Kommunen and of the Wegweiser Kommune (Bertelsmann Stiftung et al.).

Neither portal documents the columns of its export. What is accepted is the wide table both
show and export — one row per indicator, one column per year — read by its labels:

- lines above the table are free text (title, source, the area);
- the **header row** is the first row whose first cell is "Indikator(en)", "Kennzahl" or
  "Name" and that has at least one **year column** — a heading that begins with a year
  ("2021", or "2021\\nHerten" as the Wegweiser names the area below the year); optional
  columns "Einheit", an area column ("Kommune", "Gebietseinheit", "Gebiet", "Region") and a
  key column ("GKZ", "AGS", "Gemeindeschlüssel"); other columns are ignored and named;
- the **area**: a key column (the municipality's AGS) or an area column (its name) per row;
  else area names in the year headings (other areas' columns are skipped); else the lines above
  the table ("Kommune: Herten", an 8-digit AGS, or the name alone); a file that names another
  area, or none, is refused;
- an indicator's **unit** is the "Einheit" cell, else the parenthesis at the end of its name
  ("Arbeitslosenquote (%)"); it must equal the unit of the indicator it is mapped to;
- names are mapped to the municipality's indicators by name (case and spaces aside); a name
  that is not known is offered in the preview to be mapped by hand or left out;
- **numbers** are German ("1.234,5"; a dot only separates thousands); empty cells and the
  signs ``-``, ``.``, ``x``, ``*``, ``…`` give no value (named in the preview, never 0);
  the values are annual and stored under December of their year, as with Open SDG files.

Semicolon-separated, UTF-8 or Windows-1252, at most 1 MB, bounded rows, columns and fields
(``rathaus.core.uploads``); control characters are refused; line numbers are the file's lines
(a heading spread over two lines in quotes counts both).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from rathaus.core import uploads
from rathaus.core.tabular import LineReport, TabularError, decode
from rathaus.steering.models import Indicator
from rathaus.steering.services import statlayout as layout

MAX_BYTES = 1024 * 1024
NAME_HEADING = re.compile(r"^(indikator|indikatoren|kennzahl|kennzahlen|name)$")
YEAR_HEADING = re.compile(r"^((?:19|20|21)\d\d)\b\s*(.*)$", re.DOTALL)
UNIT_HEADING = re.compile(r"^einheit$")
AREA_HEADING = re.compile(r"^(kommune|gebietseinheit|gebiet|region|gemeinde|stadt)$")
KEY_HEADING = re.compile(r"^(gkz|ags|gemeindeschlüssel|regionalschlüssel|kennziffer)$")
AREA_LINE = re.compile(r"^(kommune|gebietseinheit|gebiet|region|gemeinde)\s*:\s*(.+)$")
UNIT_IN_NAME = re.compile(r"^(.*\S)\s*\(([^()]+)\)\s*$")


@dataclass(frozen=True)
class SdgRow:
    line: int
    name: str
    unit: str
    values: tuple[tuple[int, float | None, str], ...]  # (year, value, note on a missing value)
    indicator_id: int | None  # mapped by name, or None: the user chooses


@dataclass
class SdgPreview(LineReport):
    rows: list[SdgRow] = field(default_factory=list)
    skipped: int = 0  # rows or columns of other areas


@dataclass
class _Header:
    line: int
    name: int
    unit: int | None
    area: int | None
    key: int | None
    years: list[tuple[int, int, str]]  # (column, year, area named in the heading)


def _records(text: str):
    """(first line of the record, cells), bounded like every upload."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    line = 1
    try:
        for index, cells in enumerate(reader, start=1):
            if index > uploads.MAX_ROWS + 50:
                raise uploads.UploadRefused(_("Die Datei hat zu viele Zeilen."))
            if len(cells) > uploads.MAX_COLUMNS:
                raise uploads.UploadRefused(
                    _("Zeile %(l)s: mehr als %(n)s Spalten.")
                    % {"l": line, "n": uploads.MAX_COLUMNS}
                )
            if any(len(c) > uploads.MAX_FIELD_CHARS for c in cells):
                raise uploads.UploadRefused(_("Zeile %(l)s: ein Feld ist zu lang.") % {"l": line})
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise uploads.UploadRefused(
            _("Zeile %(l)s: die CSV-Datei ist fehlerhaft.") % {"l": line}
        ) from exc


def header_of(line: int, cells: list[str]) -> _Header | None:
    names = [layout.heading(c) for c in cells]
    if not names or not NAME_HEADING.match(names[0]):
        return None
    header = _Header(line, 0, None, None, None, [])
    for index, raw in enumerate(cells[1:], start=1):
        name = names[index]
        year = YEAR_HEADING.match(raw.strip())
        if year:
            header.years.append((index, int(year.group(1)), year.group(2).strip()))
        elif UNIT_HEADING.match(name):
            header.unit = index
        elif AREA_HEADING.match(name):
            header.area = index
        elif KEY_HEADING.match(name):
            header.key = index
    return header if header.years else None


def _split_unit(name: str, unit_cell: str) -> tuple[str, str]:
    match = UNIT_IN_NAME.match(name)
    if unit_cell.strip():
        return name.strip(), unit_cell.strip()
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return name.strip(), ""


def _same_unit(a: str, b: str) -> bool:
    return re.sub(r"\s+", " ", a.strip().lower()) == re.sub(r"\s+", " ", b.strip().lower())


def _own(text: str, municipality) -> bool:
    key, name = layout.key_and_name(text.strip())
    if key is not None:
        return key == municipality.ags
    if layout.ags_of(text.strip()):
        return layout.ags_of(text.strip()) == municipality.ags
    return layout.area_name(name) == layout.area_name(municipality.name)


def _area_from_lines(lines: list[tuple[int, str]], municipality, preview) -> bool:
    """The area named above the table: True when it is the municipality, an error when it is
    another one, False when no line names an area."""
    for line, text in lines:
        found = AREA_LINE.match(layout.heading(text))
        keys = re.findall(r"(?<!\d)\d{8}(?!\d)", text)
        if found:
            if _own(text.split(":", 1)[1], municipality):
                return True
        elif keys:
            if municipality.ags in keys:
                return True
        elif layout.area_name(text) == layout.area_name(municipality.name):
            return True
        else:
            continue
        preview.errors.append(
            (
                line,
                _("Die Datei gilt für „%(a)s“, nicht für %(m)s.")
                % {"a": text.strip()[:60], "m": municipality.name},
            )
        )
        return False
    return False


def _columns(header: _Header, municipality, preview: SdgPreview) -> list[tuple[int, int]] | None:
    """The (column, year) pairs of the municipality; None when the headings name no area."""
    named = [(c, y, a) for c, y, a in header.years if a]
    if not named:
        return None
    own = [(c, y) for c, y, a in named if _own(a, municipality)]
    preview.skipped += len(named) - len(own)
    if not own:
        preview.errors.append(
            (
                header.line,
                _("Keine Jahresspalte für %(m)s; die Spalten nennen „%(a)s“.")
                % {"m": municipality.name, "a": named[0][2][:60]},
            )
        )
    return own


def _row(number, cells, header, columns, known, preview, seen) -> None:
    if layout.CONTROL.search("".join(cells).replace("\r", "")):
        preview.errors.append((number, _("Steuerzeichen sind nicht erlaubt.")))
        return
    name, unit = _split_unit(cells[0], cells[header.unit] if header.unit is not None else "")
    values, errors = [], []
    for column, year in columns:
        read = layout.text_value(cells[column] if column < len(cells) else "")
        if read.error:
            errors.append(f"{year}: {read.error}")
        values.append((year, read.value, read.note))
    if errors:
        preview.errors.append((number, f"„{name[:60]}“ – " + " ".join(errors)))
        return
    key = layout.heading(name)
    if key in seen:
        preview.errors.append(
            (
                number,
                _("„%(n)s“ steht schon in Zeile %(l)d.") % {"n": name[:60], "l": seen[key]},
            )
        )
        return
    seen[key] = number
    indicator = known.get(key)
    if indicator is not None and unit and not _same_unit(unit, indicator.unit):
        preview.errors.append(
            (
                number,
                _("Einheit „%(e)s“ passt nicht zur Kennzahl „%(k)s“ (%(u)s).")
                % {"e": unit[:40], "k": indicator.name, "u": indicator.unit},
            )
        )
        return
    preview.rows.append(
        SdgRow(number, name, unit, tuple(values), indicator.pk if indicator else None)
    )


def _in_area(cells: list[str], header: _Header, municipality, preview) -> bool:
    for index in (header.key, header.area):
        given = index is not None and index < len(cells) and cells[index].strip()
        if given and not _own(cells[index], municipality):
            preview.skipped += 1
            return False
    return True


def known_names(indicators) -> dict[str, Indicator]:
    """Indicator by name (case and spaces aside); the whole town's before a district's."""
    known: dict[str, Indicator] = {}
    for indicator in sorted(indicators, key=lambda i: i.area.lower() != "gesamtstadt"):
        known.setdefault(layout.heading(indicator.name), indicator)
    return known


def _table(records, municipality, preview):
    above: list[tuple[int, str]] = []
    for number, cells in records:
        header = header_of(number, cells)
        if header is not None:
            return header, above
        text = " ".join(c.strip() for c in cells if c.strip())
        if text:
            above.append((number, text))
    preview.errors.append(
        (
            1,
            _(
                "Keine Kopfzeile gefunden: erwartet „Indikatoren“ (oder „Kennzahl“) in der "
                "ersten Spalte und Jahreszahlen als Spaltenköpfe, getrennt durch Semikolon."
            ),
        )
    )
    return None, above


def sdg_read(*, data: bytes, municipality, indicators) -> SdgPreview:
    """Checks the whole file; nothing is written. ``indicators``: the municipality's."""
    uploads.check_size(len(data), limit=MAX_BYTES)
    text = decode(data)
    if "\x00" in text:
        raise TabularError(_("Die Datei ist keine Textdatei (CSV)."))
    preview = SdgPreview()
    records = _records(text.lstrip("\ufeff"))
    header, above = _table(records, municipality, preview)
    if header is None:
        return preview
    columns = _columns(header, municipality, preview)
    if columns is None:
        columns = [(c, y) for c, y, _a in header.years]
        per_row = header.key is not None or header.area is not None
        if not per_row and not _area_from_lines(above, municipality, preview) and preview.ok:
            preview.errors.append(
                (
                    header.line,
                    _(
                        "Für welches Gebiet die Werte gelten, steht nirgends: bitte eine "
                        "Spalte „Kommune“ oder „GKZ“ oder eine Zeile „Kommune: …“ über der "
                        "Tabelle."
                    ),
                )
            )
    if not preview.ok:
        return preview
    known, seen = known_names(indicators), {}
    for number, cells in records:
        if not any(c.strip() for c in cells) or not cells[0].strip():
            continue
        if _in_area(cells, header, municipality, preview):
            _row(number, cells, header, columns, known, preview, seen)
    if preview.ok and not any(v is not None for r in preview.rows for _y, v, _n in r.values):
        preview.errors.append(
            (header.line, _("Die Datei enthält keine Werte für %(m)s.") % {"m": municipality.name})
        )
    return preview


def sdg_checked(
    rows: list[SdgRow], choices: dict[int, Indicator | None]
) -> tuple[list[tuple[int, str]], list[layout.Checked]]:
    """Errors and the values to store, given the indicator chosen for each row (by line;
    a row mapped by name keeps its indicator unless the user changed it)."""
    errors: list[tuple[int, str]] = []
    checked: list[layout.Checked] = []
    used: dict[int, int] = {}
    for row in rows:
        indicator = choices.get(row.line)
        if indicator is None:
            continue
        if row.unit and not _same_unit(row.unit, indicator.unit):
            errors.append(
                (
                    row.line,
                    _("Einheit „%(e)s“ passt nicht zur Kennzahl „%(k)s“ (%(u)s).")
                    % {"e": row.unit[:40], "k": indicator.name, "u": indicator.unit},
                )
            )
            continue
        if indicator.pk in used:
            errors.append(
                (
                    row.line,
                    _("Die Kennzahl „%(k)s“ ist schon Zeile %(l)d zugeordnet.")
                    % {"k": indicator.name, "l": used[indicator.pk]},
                )
            )
            continue
        used[indicator.pk] = row.line
        checked.extend(
            layout.Checked(indicator.pk, date(year, 12, 1), value, False, row.line, "")
            for year, value, _note in row.values
            if value is not None
        )
    if not errors and not checked:
        errors.append((1, _("Keiner Zeile ist eine Kennzahl zugeordnet; nichts zu übernehmen.")))
    return errors, checked


def rows_to_session(rows: list[SdgRow]) -> list:
    return [[r.line, r.name, r.unit, [list(v) for v in r.values], r.indicator_id] for r in rows]


def rows_from_session(data: list) -> list[SdgRow]:
    return [
        SdgRow(line, name, unit, tuple((y, v, n) for y, v, n in values), indicator_id)
        for line, name, unit, values, indicator_id in data
    ]
