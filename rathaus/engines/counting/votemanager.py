"""votemanager open-data CSV: export and all-or-nothing import.

Format written (and expected) by this module:

* UTF-8 text without BOM (a BOM is tolerated on import), ``;`` as separator, fields quoted
  only when needed (``"`` doubled inside), every line ends with ``\\r\\n`` – the RFC 4180
  convention, which spreadsheet tools open cleanly. Import accepts ``\\r\\n`` and ``\\n``.
* Line 1 is the header ``datum;wahl;ags;gebiet-nr;gebiet-name;max-schnellmeldungen;
  anz-schnellmeldungen;A1;A2;A3;A;B;B1;C;D;D1;…;Dn``, then one line per district.
* ``datum`` is ``TT.MM.JJJJ``, ``ags`` the 8-digit municipality key, ``max-schnellmeldungen``
  is 1 per district and ``anz-schnellmeldungen`` 1 once its quick report is complete
  (``DistrictResult.reported``), else 0.
* An empty cell means "not yet reported", never 0.
* Postal-vote districts (``brief``) have no eligible voters: their A columns are written as 0,
  as votemanager does. The CSV has no column for the kind, so on import a row whose A1, A2,
  A3 and A are all 0 is a postal district, unless ``expected_districts`` maps numbers to kinds.

Round trip: ``write_csv(*read_csv(write_csv(meta, rs)))`` is byte-identical to
``write_csv(meta, rs)``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rathaus.engines.spreadsheet import neutralise_row, restore

from .model import ELIGIBLE_COLUMNS, RESULT_COLUMNS, DistrictResult, Kind
from .plausibility import vote_columns

FIXED_HEADER = (
    "datum",
    "wahl",
    "ags",
    "gebiet-nr",
    "gebiet-name",
    "max-schnellmeldungen",
    "anz-schnellmeldungen",
    *ELIGIBLE_COLUMNS,
    *RESULT_COLUMNS,
)
LINE_END = "\r\n"
MAX_DIGITS = 9  # no municipality has a billion voters; also keeps int() far from its limits

_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_AGS = re.compile(r"\d{8}")
_UINT = re.compile(r"[0-9]+")
_NEG = re.compile(r"-[0-9]+")


@dataclass(frozen=True, slots=True)
class CsvMeta:
    """Columns that are the same in every line: election date, election name, AGS."""

    date: date
    election: str
    ags: str


class CsvImportError(ValueError):
    """All problems of a rejected file as ``(line number, German message)``; line 0 = file."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(f"Zeile {line}: {msg}" for line, msg in self.problems))


def header(n_columns: int) -> list[str]:
    return [*FIXED_HEADER, *(f"D{i}" for i in range(1, n_columns + 1))]


def _bad_text(value: str) -> bool:
    # Line breaks, tabs, other control characters and lone surrogates never belong in a name;
    # refusing them keeps every record on exactly one line.
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in value)


def _fmt_date(d: date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


def write_csv(meta: CsvMeta, results: Sequence[DistrictResult]) -> str:
    """The votemanager open-data CSV for ``results`` (see module docstring for the format).

    Raises ``ValueError`` for data that could not be read back: no districts, differing
    numbers of vote columns, negative figures, empty or control-character texts, bad AGS.
    """
    if not results:
        raise ValueError("at least one district is needed")
    n_cols = len(results[0].votes)
    if n_cols == 0 or any(len(r.votes) != n_cols for r in results):
        raise ValueError("all districts need the same, non-zero number of vote columns")
    if not _AGS.fullmatch(meta.ags):
        raise ValueError(f"AGS {meta.ags!r} is not 8 digits")
    for text in (meta.election, *(r.number for r in results), *(r.name for r in results)):
        if not text or _bad_text(text):
            raise ValueError(f"empty text or control characters in {text!r}")

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator=LINE_END)
    writer.writerow(header(n_cols))
    prefix = [_fmt_date(meta.date), meta.election, meta.ags]
    for r in results:
        eligible = [r.A1, r.A2, r.A3, r.A]
        if r.kind == "brief":
            eligible = [0 if v is None else v for v in eligible]
        figures = [*eligible, r.B, r.B1, r.C, r.D, *r.votes]
        if any(v is not None and v < 0 for v in figures):
            raise ValueError(f"negative figure in district {r.number!r}")
        cells = ["" if v is None else str(v) for v in figures]
        texts = neutralise_row([*prefix, r.number, r.name])
        writer.writerow([*texts, "1", "1" if r.reported else "0", *cells])
    return out.getvalue()


def _decode(data: str | bytes) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    bom = len(data) - len(raw := data.removeprefix(b"\xef\xbb\xbf"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CsvImportError(
            [
                (
                    line,
                    f"Die Datei ist nicht UTF-8-kodiert (ungültiges Byte 0x{raw[exc.start]:02x} "
                    f"an Byte-Position {exc.start + bom}). Bitte als UTF-8 speichern.",
                )
            ]
        ) from None


def _int_cell(cell: str, column: str, problems: list[str]) -> int | None:
    if cell == "":
        return None
    if _UINT.fullmatch(cell):
        if len(cell.lstrip("0")) > MAX_DIGITS:
            problems.append(f"{column}: Zahl {cell[:20]!r} ist zu groß")
            return None
        return int(cell)
    if _NEG.fullmatch(cell):
        problems.append(f"{column}: {cell[:20]!r} ist negativ")
    else:
        problems.append(f"{column}: {cell[:20]!r} ist keine ganze Zahl")
    return None


def _parse_date(cell: str) -> date | None:
    m = _DATE.fullmatch(cell)
    if not m:
        return None
    try:
        return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None


def read_csv(
    text: str | bytes,
    expected_districts: Iterable[str] | Mapping[str, Kind] | None = None,
    n_candidates: int | None = None,
) -> tuple[CsvMeta, list[DistrictResult]]:
    """Parse a votemanager CSV; returns everything or raises ``CsvImportError`` listing all
    problems found (nothing is half-imported).

    ``expected_districts``: district numbers the election has (unknown ones are errors; missing
    ones are fine – a file may carry only some districts); a mapping number → kind also sets
    each district's kind. ``n_candidates``: checks the number of D columns (2 for one candidate).
    """
    rows = _csv_rows(_decode(text))
    head_line, head = rows[0]
    problems = _header_problems(head_line, head, n_candidates)
    if len(rows) == 1:
        problems.append((head_line, "Die Datei enthält keine Wahlbezirke."))
    districts = _Districts(head, expected_districts)
    results: list[DistrictResult] = []
    for line, row in rows[1:]:
        result, msgs = districts.read(line, row)
        problems.extend((line, m) for m in msgs)
        if result is not None:
            results.append(result)
    if problems or districts.meta is None:
        raise CsvImportError(problems or [(0, "Keine gültigen Zeilen.")])
    return districts.meta, results


def _csv_rows(src: str) -> list[tuple[int, list[str]]]:
    """The non-empty rows with their line numbers; raises on broken CSV or an empty file."""
    reader = csv.reader(io.StringIO(src, newline=""), delimiter=";", strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if row:
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise CsvImportError([(reader.line_num + 1, f"CSV-Format fehlerhaft: {exc}")]) from None
    if not rows:
        raise CsvImportError([(0, "Die Datei ist leer.")])
    return rows


def _header_problems(
    head_line: int, head: list[str], n_candidates: int | None
) -> list[tuple[int, str]]:
    """Raises when the header is not votemanager's; a wrong number of vote columns is a
    problem to list with the others."""
    n_cols = len(head) - len(FIXED_HEADER)
    if n_cols < 1 or head != header(n_cols):
        raise CsvImportError(
            [
                (
                    head_line,
                    "Kopfzeile passt nicht zum votemanager-Format; erwartet "
                    f"{';'.join(header(max(n_cols, 1)))}, gefunden {';'.join(head)[:300]}",
                )
            ]
        )
    if n_candidates is not None and n_cols != vote_columns(n_candidates):
        return [
            (
                head_line,
                f"{n_cols} Stimmenspalten (D1…D{n_cols}), erwartet {vote_columns(n_candidates)} "
                f"bei {n_candidates} Bewerber(n)",
            )
        ]
    return []


class _Districts:
    """Reads the district lines one by one; remembers what the later lines are checked
    against (the first line's date/election/AGS, the numbers seen)."""

    def __init__(
        self, head: list[str], expected: Iterable[str] | Mapping[str, Kind] | None
    ) -> None:
        self.head = head
        self.kinds: Mapping[str, Kind] | None = None
        self.known: set[str] | None = None
        if isinstance(expected, Mapping):
            self.kinds = expected
            self.known = set(expected)
        elif expected is not None:
            self.known = set(expected)
        self.meta: CsvMeta | None = None
        self.meta_line = 0
        self.first_seen: dict[str, int] = {}

    def read(self, line: int, row: list[str]) -> tuple[DistrictResult | None, list[str]]:
        """The district of one line, or None and the line's problems."""
        head = self.head
        if len(row) != len(head):
            return None, [f"{len(row)} Spalten statt {len(head)} wie in der Kopfzeile"]
        msgs: list[str] = []
        # wahl, number and name were neutralised against formula injection on export
        row = [row[0], restore(row[1]), row[2], restore(row[3]), restore(row[4]), *row[5:]]
        _datum, _wahl, _ags, number, name, max_sm, anz_sm = row[:7]
        here = self._meta(row, msgs)
        self._district(line, number, name, msgs)
        if max_sm != "1":
            msgs.append(f"max-schnellmeldungen: {max_sm[:20]!r}, erwartet 1 je Wahlbezirk")
        if anz_sm not in ("0", "1"):
            msgs.append(f"anz-schnellmeldungen: {anz_sm[:20]!r}, erwartet 0 oder 1")
        values = [_int_cell(cell, col, msgs) for cell, col in zip(row[7:], head[7:], strict=True)]
        if here is not None:
            if self.meta is None:
                self.meta, self.meta_line = here, line
            elif here != self.meta:
                msgs.append(f"datum/wahl/ags weichen von Zeile {self.meta_line} ab")
        if msgs:
            return None, msgs
        a1, a2, a3, a, b, b1, c, d = values[:8]
        if self.kinds is not None:
            kind = self.kinds[number]
        else:
            kind = "brief" if a1 == a2 == a3 == a == 0 else "urne"
        result = DistrictResult(number, name, kind, a1, a2, a3, a, b, b1, c, d, tuple(values[8:]))
        if (anz_sm == "1") != result.reported:
            state = "vollständig" if result.reported else "unvollständig"
            return None, [f"anz-schnellmeldungen: {anz_sm}, aber die Meldung ist {state}"]
        return result, []

    def _meta(self, row: list[str], msgs: list[str]) -> CsvMeta | None:
        """datum, wahl, ags of one line, or None if one of them is invalid."""
        datum, wahl, ags = row[:3]
        day = _parse_date(datum)
        meta_ok = day is not None
        if day is None:
            msgs.append(f"datum: {datum[:30]!r} ist kein Datum im Format TT.MM.JJJJ")
        if not wahl or _bad_text(wahl):
            meta_ok = False
            msgs.append("wahl: leer oder mit Steuerzeichen")
        if not _AGS.fullmatch(ags):
            meta_ok = False
            msgs.append(f"ags: {ags[:30]!r} ist kein 8-stelliger Gemeindeschlüssel")
        return CsvMeta(day, wahl, ags) if meta_ok and day is not None else None

    def _district(self, line: int, number: str, name: str, msgs: list[str]) -> None:
        """gebiet-nr: known to the election and not seen before; gebiet-name: plain text."""
        if not number or _bad_text(number):
            msgs.append("gebiet-nr: leer oder mit Steuerzeichen")
        elif number in self.first_seen:
            first = self.first_seen[number]
            msgs.append(f"gebiet-nr: {number} ist doppelt (zuerst in Zeile {first})")
        elif self.known is not None and number not in self.known:
            msgs.append(f"gebiet-nr: {number} ist kein Wahlbezirk dieser Wahl")
        else:
            self.first_seen[number] = line
        if not name or _bad_text(name):
            msgs.append("gebiet-name: leer oder mit Steuerzeichen")
