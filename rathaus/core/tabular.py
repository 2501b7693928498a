"""Reading CSV and Excel uploads into rows with line numbers, tolerant of what Excel produces."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from rathaus.core import uploads


@dataclass
class LineReport:
    """What an all-or-nothing import found: one (line, German message) per refusal."""

    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class TabularError(Exception):
    """The file as a whole can't be read (encoding, format, header)."""


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line in the file (header is line 1)
    values: dict[str, str]


def _normalise(name: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "_", "-": "_"})
    return name.strip().lower().translate(table)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then cp1252 as Excel on Windows writes it."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TabularError(_("Die Datei ist weder UTF-8 noch Windows-1252 kodiert."))


def _read_csv(data: bytes) -> list[list[str]]:
    text = decode(data)
    if "\x00" in text:
        raise TabularError(_("Die Datei ist keine Textdatei (CSV)."))
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    try:
        return [cells for _, cells in uploads.csv_rows(text, delimiter=delimiter)]
    except uploads.UploadRefused as exc:
        raise TabularError(str(exc)) from exc


def _read_xlsx(data: bytes) -> list[list[str]]:
    """Rows of the first sheet; rows missing in the file are empty (line numbers stay true)."""
    rows: list[list[str]] = []
    try:
        for line, cells in uploads.xlsx_rows(data):
            rows.extend([] for _ in range(line - 1 - len(rows)))
            rows.append(cells)
    except uploads.UploadRefused as exc:
        raise TabularError(str(exc)) from exc
    return rows


def read_table(
    data: bytes, filename: str, *, required: list[str], optional: list[str]
) -> list[Row]:
    """Rows keyed by normalised column names. Wrong or missing columns fail the whole file."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raw = _read_xlsx(data)
    elif filename.lower().endswith((".csv", ".txt")):
        raw = _read_csv(data)
    else:
        raise TabularError(_("Bitte eine CSV- oder Excel-Datei (.csv, .xlsx) hochladen."))
    if not raw:
        raise TabularError(_("Die Datei ist leer."))
    header = [_normalise(h) for h in raw[0]]
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h and h not in required and h not in optional]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("fehlende Spalten: " + ", ".join(missing))
        if unknown:
            parts.append("unbekannte Spalten: " + ", ".join(unknown))
        raise TabularError("Zeile 1: " + "; ".join(parts) + ".")
    rows = []
    for index, cells in enumerate(raw[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            extra = cells[len(header) :]
            if any(c.strip() for c in extra):
                rows.append(
                    Row(index, {"__error__": f"{len(cells)} Werte, erwartet {len(header)}"})
                )
                continue
        values = {
            h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h
        }
        rows.append(Row(index, values))
    return rows
