"""Import of the Federal Employment Agency's Excel tables (Statistik der Bundesagentur für
Arbeit): employment at workplace and at residence, unemployment, notified short-time work.

The BA documents the contents of its tables, not their cell layout, and the layout differs
between products and years. So nothing here depends on a cell position; every sheet (or the
one named) is read by its labels:

- the **table** is the first run of rows that look like data (a label — an area key or a
  name — followed by numbers or special signs) under a **header block** of up to six rows
  that names at least one known column; headings spread over several rows are merged top-down
  (a group heading such as "Sozialversicherungspflichtig Beschäftigte" counts for the
  sub-headed columns below it, as Excel's merged cells show it); a row of column numbers is
  ignored;
- the **reference month** comes from the title rows above the table: the month after
  "Berichtsmonat", "Stichtag", "Berichtszeitraum" or "Berichtsjahr", else the first month
  named ("Juni 2025", "30.06.2025", a date cell) before any words about the publication
  ("Datenstand", "erstellt", "Stand", "veröffentlicht"), then the sheet's name; failing that,
  the one month all recognised headings name;
- the **area's row** is the one whose key — its own column, or the prefix of the name
  ("05562016 Herten, Stadt"), as an 8-digit AGS, a 12-digit ARS, or a number that lost its
  leading zero — is the municipality's AGS; a row without a key counts by its name;
- the **columns** are mapped by their merged heading to the four kinds (``KINDS``); breakdowns
  ("Frauen", "SGB II", "Veränderung", "Quote", "Einpendler" …, ``BREAKDOWN``) and columns
  naming another month (the previous year's) are not a kind; the user maps each kind to one of
  the municipality's indicators (a count: ``statlayout.COUNT_UNITS``);
- the **special signs** ``*`` (anonymised), ``-`` (nothing), ``x`` (not meaningful), ``.``
  (not available) give no value — listed per line, never stored as 0; a formula, a date or
  text where a number belongs refuses the file;
- values are **provisional** when the sheet's title or footnotes or the column's heading say
  "vorläufig" or "hochgerechnet", or the value carries a trailing ``p``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from rathaus.core import uploads
from rathaus.core.tabular import LineReport, TabularError
from rathaus.steering.models import Indicator
from rathaus.steering.services import statlayout as layout

MAX_BYTES = uploads.MAX_UPLOAD_BYTES
MAX_HEADER_ROWS = 6


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    needs: tuple[str, ...]  # every pattern must occur in the merged heading
    guess: str  # an indicator whose name matches is preselected for this kind


KINDS = (
    Kind(
        "arbeitsort",
        gettext_lazy("SV-Beschäftigte am Arbeitsort"),
        (r"beschäftigt|\bsvb\b", r"arbeitsort"),
        r"arbeitsort",
    ),
    Kind(
        "wohnort",
        gettext_lazy("SV-Beschäftigte am Wohnort"),
        (r"beschäftigt|\bsvb\b", r"wohnort"),
        r"wohnort",
    ),
    Kind("arbeitslose", gettext_lazy("Arbeitslose"), (r"\barbeitslose\b",), r"\barbeitslose\b"),
    Kind(
        "kurzarbeit",
        gettext_lazy("Angezeigte Kurzarbeit (Personen)"),
        (r"kurzarbeit", r"person"),
        r"kurzarbeit",
    ),
)
KIND_LABELS = {kind.key: kind.label for kind in KINDS}
BREAKDOWN = re.compile(
    r"veränderung|vorjahr|quote|anteil|%|prozent|frauen|männer|weiblich|männlich|ausländ"
    r"|deutsche|jahre|alter|unter \d|teilzeit|vollzeit|sgb|rechtskreis|langzeit|betrieb"
    r"|geringfügig|auszubild|pendler|saldo|dichte|je \d|bestand an"
)
KEY = re.compile(r"schlüssel|\bags\b|\bars\b|\bgkz\b|kennziffer|gemeindenummer|regional-?nr")
NAME = re.compile(r"gemeinde|region|name|gebiet|kreis|bezeichnung|stadt|verwaltungsbezirk")
LABEL = re.compile(r"berichtsmonat|stichtag|berichtszeitraum|berichtsjahr|berichtsquartal")
NOT_REFERENCE = re.compile(
    r"datenstand|erstellt|erstellungsdatum|\bstand\b|veröffentlich|abgerufen"
)
PROVISIONAL = re.compile(r"vorläufig|hochgerechnet|hochrechnung")


@dataclass(frozen=True)
class Column:
    index: int
    heading: str
    kind: str

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass(frozen=True)
class BaValue:
    """One cell of the area's row: a value, or the reason there is none (``note``)."""

    sheet: str
    line: int
    column: str
    heading: str
    kind: str
    ref_date: date
    value: float | None
    note: str = ""
    provisional: bool = False

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class BaPreview(LineReport):
    values: list[BaValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


@dataclass
class _Table:
    header_line: int
    columns: list[Column]
    key_col: int | None
    name_col: int | None
    data: list[tuple[int, list]]
    titles: list[str]  # title rows above the header, joined per row
    footnotes: list[str]


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime | date):
        return cell.strftime("%d.%m.%Y")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _is_number(cell: object) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return True
    if isinstance(cell, str) and not isinstance(cell, uploads.Formula):
        # a number, a provisional one ("1.234p") or a special sign
        return bool(cell.strip()) and not layout.text_value(cell, provisional_p=True).error
    return False


def _is_label(cell: object) -> bool:
    if isinstance(cell, int) and not isinstance(cell, bool):
        return layout.ags_of(str(cell)) is not None
    if isinstance(cell, str) and not isinstance(cell, uploads.Formula):
        text = cell.strip()
        return layout.ags_of(text) is not None or (len(text) >= 3 and not _is_number(text))
    return False


def looks_like_data(cells: list) -> bool:
    """A label (a key or a name) followed by at least one number or special sign."""
    filled = [c for c in cells if not _blank(c)]
    return len(filled) >= 2 and _is_label(filled[0]) and any(_is_number(c) for c in filled[1:])


def _is_numbering(cells: list) -> bool:
    """A row of column numbers or letters under the headings ("1 2 3", "A B C")."""
    filled = [_text(c) for c in cells if not _blank(c)]
    return bool(filled) and all(re.fullmatch(r"\(?\d{1,2}\)?|[A-Z]", t) for t in filled)


def header_rows(rows: list[tuple[int, list]], start: int) -> list[list]:
    """The header block above data row ``start``: up to six non-empty rows directly above it
    (blank rows between header and data are allowed), ending at a blank row or a title row —
    one that has a single cell at or left of the table's first column."""
    first_col = next(i for i, c in enumerate(rows[start][1]) if not _blank(c))
    header: list[list] = []
    expected = rows[start][0] - 1
    for line, cells in reversed(rows[:start]):
        if line != expected and header:
            break
        expected = line - 1
        filled = [i for i, c in enumerate(cells) if not _blank(c)]
        if not filled:
            if header:
                break
            continue
        if _is_numbering(cells):
            continue
        if len(filled) == 1 and filled[0] <= first_col:
            break
        header.insert(0, cells)
        if len(header) >= MAX_HEADER_ROWS:
            break
    return header


def merge_headings(header: list[list]) -> list[str]:
    """One heading per column, the header rows read top-down; a heading above several
    sub-headed columns (a merged cell in Excel) counts for each of them."""
    width = max((len(r) for r in header), default=0)
    texts = [[_text(r[k]) if k < len(r) else "" for k in range(width)] for r in header]
    merged = [""] * width
    for depth, row in enumerate(texts):
        carry = ""
        for k in range(width):
            below = any(texts[d][k] for d in range(depth + 1, len(texts)))
            if row[k]:
                carry = row[k]
            elif not below:
                carry = ""
            part = row[k] or (carry if below else "")
            if part:
                merged[k] = f"{merged[k]} {part}".strip()
    return merged


def classify(headings: list[str]) -> tuple[list[Column], int | None, int | None]:
    """The columns of a known kind, the key column and the name column."""
    columns: list[Column] = []
    key_col = name_col = None
    for index, raw in enumerate(headings):
        text = layout.heading(raw)
        if not text:
            continue
        kinds = [k.key for k in KINDS if all(re.search(p, text) for p in k.needs)]
        if kinds:
            if len(kinds) == 1 and not BREAKDOWN.search(text):
                columns.append(Column(index, text, kinds[0]))
        elif key_col is None and KEY.search(text):
            key_col = index
        elif name_col is None and NAME.search(text):
            name_col = index
    return columns, key_col, name_col


def find_table(rows: list[tuple[int, list]]) -> _Table | None:
    for start, (_line, cells) in enumerate(rows):
        if not looks_like_data(cells):
            continue
        header = header_rows(rows, start)
        columns, key_col, name_col = (
            classify(merge_headings(header)) if header else ([], None, None)
        )
        if not columns:
            continue
        above = rows[:start]
        first_header = rows[start][0] - len(header)
        titles = [
            " ".join(_text(c) for c in r if not _blank(c)) for ln, r in above if ln < first_header
        ]
        below = [r for r in rows[start:] if not looks_like_data(r[1])]
        return _Table(
            header_line=rows[start][0] - 1,
            columns=columns,
            key_col=key_col,
            name_col=name_col,
            data=[r for r in rows[start:] if looks_like_data(r[1])],
            titles=[t for t in titles if t],
            footnotes=[" ".join(_text(c) for c in r if not _blank(c)) for _ln, r in below],
        )
    return None


def reference_month(table: _Table, sheet: str) -> date | None:
    """See the module's docstring: labelled month, else the first named, else the headings'."""
    first = None
    for title in [*table.titles, sheet]:
        text = layout.heading(title)
        label = LABEL.search(text)
        if label:
            months = layout.months_in(text[label.end() :])
            if months:
                return months[0]
        publication = NOT_REFERENCE.search(text)
        months = layout.months_in(text[: publication.start()] if publication else text)
        if months and first is None:
            first = months[0]
    if first is not None:
        return first
    named = {m for column in table.columns for m in layout.months_in(column.heading)}
    return named.pop() if len(named) == 1 else None


def _row_key(cells: list, table: _Table) -> tuple[str | None, str]:
    """(AGS, name) of a data row: the key column, else a key prefixed to the name."""

    def cell(index):
        return _text(cells[index]) if index is not None and index < len(cells) else ""

    if table.key_col is not None and cell(table.key_col):
        return layout.ags_of(cell(table.key_col)), cell(table.name_col)
    candidates = [cell(table.name_col)] if table.name_col is not None else []
    candidates += [_text(c) for c in cells[:3] if isinstance(c, str | int)]
    for text in candidates:
        key, name = layout.key_and_name(text)
        if key is None and layout.ags_of(text):
            return layout.ags_of(text), ""
        if key is not None:
            return key, name
    return None, next((t for t in candidates if t), "")


def area_rows(table: _Table, municipality) -> list[tuple[int, list]]:
    by_key, by_name = [], []
    own = layout.area_name(municipality.name)
    for line, cells in table.data:
        key, name = _row_key(cells, table)
        if key is not None:
            if key == municipality.ags:
                by_key.append((line, cells))
        elif name and layout.area_name(name) == own:
            by_name.append((line, cells))
    return by_key or by_name


def _chosen_columns(preview, sheet, table: _Table, ref: date) -> list[Column]:
    """Per kind one column: not a column naming another month; "insgesamt" breaks a tie."""
    chosen = []
    for kind in KINDS:
        candidates = [
            c
            for c in table.columns
            if c.kind == kind.key and all(m == ref for m in layout.months_in(c.heading))
        ]
        if len(candidates) > 1:
            total = [c for c in candidates if "insgesamt" in c.heading]
            candidates = total if len(total) == 1 else candidates
        if len(candidates) > 1:
            preview.errors.append(
                (
                    table.header_line,
                    _(
                        "Blatt „%(s)s“: mehrere Spalten für „%(k)s“ (%(c)s); bitte das Blatt eindeutig machen."
                    )
                    % {"s": sheet, "k": kind.label, "c": ", ".join(c.letter for c in candidates)},
                )
            )
        elif candidates:
            chosen.append(candidates[0])
    return chosen


def cell_value(cell: object) -> layout.CellValue:
    """What one cell of the area's row says; Excel's own types first, then the text."""
    if isinstance(cell, uploads.Formula):
        return layout.CellValue(
            None,
            error=_("Die Zelle enthält eine Formel (%(f)s); bitte nur Werte.") % {"f": cell[:40]},
        )
    if _blank(cell):
        return layout.CellValue(None, _("leer"))
    if isinstance(cell, bool | datetime | date):
        return layout.CellValue(None, error=_("„%(v)s“ ist keine Zahl.") % {"v": _text(cell)[:20]})
    if isinstance(cell, int | float):
        return layout.CellValue(float(cell))
    return layout.text_value(str(cell), provisional_p=True)


def _sheet(preview: BaPreview, sheet: str, rows: list[tuple[int, list]], municipality) -> None:
    table = find_table(rows)
    if table is None:
        preview.notes.append(
            _("Blatt „%(s)s“: keine Tabelle mit bekannten Spalten.") % {"s": sheet}
        )
        return
    ref = reference_month(table, sheet)
    if ref is None:
        preview.errors.append(
            (
                table.header_line,
                _(
                    "Blatt „%(s)s“: kein Berichtsmonat oder Stichtag über der Tabelle "
                    "(z. B. „Berichtsmonat Juni 2025“ oder „Stichtag 30.06.2025“)."
                )
                % {"s": sheet},
            )
        )
        return
    found = area_rows(table, municipality)
    if not found:
        preview.notes.append(
            _("Blatt „%(s)s“: keine Zeile für %(m)s (AGS %(a)s).")
            % {"s": sheet, "m": municipality.name, "a": municipality.ags}
        )
        return
    if len(found) > 1:
        preview.errors.append(
            (
                found[1][0],
                _("Blatt „%(s)s“: %(m)s steht mehrfach (Zeilen %(l)s).")
                % {"s": sheet, "m": municipality.name, "l": ", ".join(str(r[0]) for r in found)},
            )
        )
        return
    line, cells = found[0]
    marked = any(PROVISIONAL.search(layout.heading(t)) for t in table.titles + table.footnotes)
    for column in _chosen_columns(preview, sheet, table, ref):
        cell = cells[column.index] if column.index < len(cells) else None
        read = cell_value(cell)
        where = _("Blatt „%(s)s“, Zelle %(c)s%(l)d") % {"s": sheet, "c": column.letter, "l": line}
        if read.error:
            preview.errors.append((line, f"{where}: {read.error}"))
            continue
        preview.kinds.add(column.kind)
        preview.values.append(
            BaValue(
                sheet=sheet,
                line=line,
                column=column.letter,
                heading=column.heading,
                kind=column.kind,
                ref_date=ref,
                value=read.value,
                note=read.note,
                provisional=marked or read.provisional or bool(PROVISIONAL.search(column.heading)),
            )
        )


def _check_mapping(preview: BaPreview, mapping: dict[str, Indicator | None]) -> None:
    """Units against the chosen indicators; the same month of a kind twice in the file."""
    seen: dict[tuple[str, date], BaValue] = {}
    for item in preview.values:
        indicator = mapping.get(item.kind)
        if indicator is not None and not layout.counts_people(indicator.unit):
            preview.errors.append(
                (
                    item.line,
                    _(
                        "Blatt „%(s)s“, Spalte %(c)s: „%(k)s“ zählt Personen, die Kennzahl "
                        "„%(i)s“ hat die Einheit „%(u)s“."
                    )
                    % {
                        "s": item.sheet,
                        "c": item.column,
                        "k": item.kind_label,
                        "i": indicator.name,
                        "u": indicator.unit,
                    },
                )
            )
        if item.value is None:
            continue
        before = seen.get((item.kind, item.ref_date))
        if before is not None and before.value != item.value:
            preview.errors.append(
                (
                    item.line,
                    _(
                        "Blatt „%(s)s“: „%(k)s“ für %(d)s steht schon in Blatt „%(t)s“, Zeile %(l)d, mit einem anderen Wert."
                    )
                    % {
                        "s": item.sheet,
                        "k": item.kind_label,
                        "d": item.ref_date.strftime("%m/%Y"),
                        "t": before.sheet,
                        "l": before.line,
                    },
                )
            )
        seen.setdefault((item.kind, item.ref_date), item)


def ba_read(
    *, data: bytes, municipality, mapping: dict[str, Indicator | None], sheet: str = ""
) -> BaPreview:
    """Reads every sheet (or the one named) of a BA workbook; nothing is written. A file that
    can't be read at all raises ``TabularError`` or ``uploads.UploadRefused``."""
    uploads.check_size(len(data), limit=MAX_BYTES)
    preview = BaPreview()
    named = False
    for title, rows in uploads.xlsx_sheets(data):
        if sheet and title.strip().lower() != sheet.strip().lower():
            continue
        named = True
        _sheet(preview, title, list(rows), municipality)
    if sheet and not named:
        raise TabularError(_("Die Datei hat kein Blatt „%(s)s“.") % {"s": sheet[:60]})
    _check_mapping(preview, mapping)
    if preview.ok and not any(v.value is not None for v in preview.values):
        preview.errors.append(
            (
                1,
                _("Kein Wert für %(m)s gefunden (AGS %(a)s). %(n)s")
                % {"m": municipality.name, "a": municipality.ags, "n": " ".join(preview.notes)},
            )
        )
    elif preview.ok and not any(mapping.get(k) for k in preview.kinds):
        preview.errors.append(
            (1, _("Bitte mindestens einer erkannten Spalte eine Kennzahl zuordnen."))
        )
    return preview


def checked_rows(preview: BaPreview, mapping: dict[str, Indicator | None]) -> list[layout.Checked]:
    """The values the preview would store: a number, in a kind mapped to an indicator, once."""
    rows, seen = [], set()
    for item in preview.values:
        indicator = mapping.get(item.kind)
        if indicator is None or item.value is None or (item.kind, item.ref_date) in seen:
            continue
        seen.add((item.kind, item.ref_date))
        rows.append(
            layout.Checked(
                indicator.pk,
                item.ref_date,
                item.value,
                item.provisional,
                item.line,
                f"{item.sheet}!{item.column}{item.line}",
            )
        )
    return rows


def kind_choices(indicators) -> list[tuple[str, str, Indicator | None]]:
    """(kind, label, preselected indicator): the only counting indicator whose name says it."""
    choices = []
    for kind in KINDS:
        fitting = [
            i
            for i in indicators
            if layout.counts_people(i.unit) and re.search(kind.guess, layout.heading(i.name))
        ]
        choices.append((kind.key, str(kind.label), fitting[0] if len(fitting) == 1 else None))
    return choices


def preview_rows(preview: BaPreview, mapping: dict[str, Indicator | None]) -> list[tuple]:
    """(value, indicator or None, state, current value) per cell the preview found."""
    rows = []
    for item in preview.values:
        indicator = mapping.get(item.kind)
        state, current = ("skip", None)
        if indicator is not None and item.value is not None:
            state, current = layout.status_of(
                indicator.pk, item.ref_date, item.value, item.provisional
            )
        rows.append((item, indicator, state, current))
    return rows
