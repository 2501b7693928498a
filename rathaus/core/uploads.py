"""Bounds for every upload, checked before anything is parsed.

An upload is refused (``UploadRefused`` with a German message) when

- the file is larger than ``MAX_UPLOAD_BYTES`` (forms check this before reading);
- an Excel file (a zip archive) is not a zip, has more than ``MAX_ZIP_MEMBERS`` members,
  declares more than ``MAX_UNCOMPRESSED_BYTES`` uncompressed, or a member expands more than
  ``MAX_COMPRESSION_RATIO`` times (zip bombs: 4.6 MB → 1.3 GB of XML);
- a sheet has a cell beyond ``MAX_COLUMNS`` or a row beyond ``MAX_ROWS`` + header.

Excel sheets are read as a stream of the rows actually present in the XML, ignoring the
declared ``<dimension>``: a 1.6 KB file declaring ``A1:XFD1048576`` with one cell in the last
row must not make the reader pad 16,384 × 1,048,576 empty cells. CSV fields larger than
``MAX_FIELD_CHARS`` and files with more than ``MAX_ROWS`` rows are refused the same way.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._reader import WorkSheetParser

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 20_000  # data rows, header not counted
MAX_COLUMNS = 64
MAX_FIELD_CHARS = 10_000


class UploadRefused(Exception):
    """The upload breaks a bound; the message is German and says which."""


def check_size(size: int, *, limit: int = MAX_UPLOAD_BYTES) -> None:
    if size > limit:
        raise UploadRefused(
            _("Die Datei ist größer als %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"}
        )


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open an Office file's zip archive after checking its declared sizes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UploadRefused(_("Die Excel-Datei kann nicht gelesen werden.")) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadRefused(_("Die Excel-Datei enthält zu viele Teile."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (
            member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO
        ):
            raise UploadRefused(
                _("Die Excel-Datei ist entpackt zu groß (höchstens %(mb)s MB).")
                % {"mb": MAX_UNCOMPRESSED_BYTES // 1024 // 1024}
            )
    return archive


def _too_many_rows() -> UploadRefused:
    return UploadRefused(
        _("Die Datei hat mehr als %(n)s Datenzeilen; bitte aufteilen.") % {"n": f"{MAX_ROWS:,}"}
    )


def _too_many_columns(line: int) -> UploadRefused:
    return UploadRefused(
        _("Zeile %(line)s: mehr als %(n)s Spalten.") % {"line": line, "n": MAX_COLUMNS}
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of the first sheet's rows present in the file, bounded as above."""
    check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many types for broken files
        raise UploadRefused(_("Die Excel-Datei kann nicht gelesen werden.")) from exc
    try:
        for line, cells, width in _sheet_cells(workbook, sheet, data_only=True):
            if line > MAX_ROWS + 1:
                raise _too_many_rows()
            row = [""] * width
            for cell in cells:
                row[cell["column"] - 1] = _cell_text(cell["value"])
            yield line, row
    except UploadRefused:
        raise
    except Exception as exc:  # broken XML inside a valid zip
        raise UploadRefused(_("Die Excel-Datei kann nicht gelesen werden.")) from exc
    finally:
        workbook.close()


def csv_rows(text: str, *, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) of a CSV text, bounded as above."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    index = 0
    try:
        for index, cells in enumerate(reader, start=1):
            if index > MAX_ROWS + 1:
                raise _too_many_rows()
            if len(cells) > MAX_COLUMNS:
                raise _too_many_columns(index)
            if any(len(cell) > MAX_FIELD_CHARS for cell in cells):
                raise _field_too_long(index)
            yield index, cells
    except csv.Error as exc:  # a field over the csv module's own limit (128 KB)
        raise _field_too_long(index + 1) from exc


def _field_too_long(line: int) -> UploadRefused:
    return UploadRefused(
        _("Zeile %(line)s: ein Feld ist länger als %(n)s Zeichen.")
        % {"line": line, "n": f"{MAX_FIELD_CHARS:,}"}
    )


class Formula(str):
    """A cell that holds a formula (its text, e.g. ``=SUM(B2:B9)``); never evaluated."""


MAX_SHEETS = 50


def xlsx_sheets(data: bytes) -> Iterator[tuple[str, Iterator[tuple[int, list[object]]]]]:
    """(sheet title, rows) for every sheet; rows are (line, cells) as present in the XML, cells
    keep their type (number, date, text; a formula as ``Formula``, not its cached value). The
    bounds above apply, the row bound to all sheets together; at most ``MAX_SHEETS`` sheets."""
    check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheets = list(workbook.worksheets)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise UploadRefused(_("Die Excel-Datei kann nicht gelesen werden.")) from exc
    if len(sheets) > MAX_SHEETS:
        workbook.close()
        raise UploadRefused(_("Die Excel-Datei hat mehr als %(n)s Blätter.") % {"n": MAX_SHEETS})
    budget = [MAX_ROWS + len(sheets)]
    try:
        for sheet in sheets:
            yield sheet.title, _typed_rows(workbook, sheet, budget)
    finally:
        workbook.close()


def _typed_rows(workbook, sheet, budget: list[int]) -> Iterator[tuple[int, list[object]]]:
    try:
        for line, cells, width in _sheet_cells(workbook, sheet, data_only=False, budget=budget):
            if line > MAX_ROWS + 1:
                raise _too_many_rows()
            row: list[object] = [None] * width
            for cell in cells:
                value = cell["value"]
                if cell["data_type"] == "f":
                    value = Formula(value or "=")
                elif isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
                    raise _field_too_long(line)
                row[cell["column"] - 1] = value
            yield line, row
    except UploadRefused:
        raise
    except Exception as exc:  # broken XML inside a valid zip
        raise UploadRefused(_("Die Excel-Datei kann nicht gelesen werden.")) from exc


def _sheet_cells(workbook, sheet, *, data_only: bool, budget: list[int] | None = None):
    """(line, cells, width) of the rows present in the sheet's XML — not its declared
    dimension, so no padding —, empty rows left out; refuses too many rows (``budget``, shared
    by the sheets of one file) or columns."""
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for line, cells in parser.parse():
            if budget is not None:
                budget[0] -= 1
                if budget[0] < 0:
                    raise _too_many_rows()
            if not cells:
                continue
            width = max(cell["column"] for cell in cells)
            if width > MAX_COLUMNS:
                raise _too_many_columns(line)
            yield line, cells, width
