"""Uploads are bounded before parsing: the probe's spreadsheets and over-long values."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from rathaus.core import uploads
from rathaus.core.imports import run_import
from rathaus.core.models import Employee, Location, OrgUnit, Room

ROOM_HEADER = "Standort;Raum;Etage;Plätze;Plätze Pandemie\n"
EMPLOYEE_HEADER = "Personalnummer;Vorname;Nachname;Organisationseinheit;E-Mail\n"


@pytest.fixture
def setup(town):
    OrgUnit.objects.create(municipality=town, code="33", name="Bürgerbüro")
    Location.objects.create(
        municipality=town, name="Rathaus", street="Markt 1", postal_code="59999", city="M"
    )
    return town


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(data: bytes, edit) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = edit(content.decode()).encode()
            target.writestr(item, content)
    return out.getvalue()


def dimension_bomb() -> bytes:
    """The probe's 1.6 KB file: A1:XFD1048576 declared, one cell in the last row."""

    def edit(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(
            "</sheetData>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            "</sheetData>",
        )

    return _rewrite_sheet(_xlsx([["Standort", "Raum", "Etage", "Plätze"]]), edit)


def zip_bomb() -> bytes:
    """A classic bomb in small: a few KB that expand to megabytes of XML."""

    def edit(xml: str) -> str:
        return xml.replace("<sheetData>", "<sheetData>" + " " * (8 * 1024 * 1024))

    return _rewrite_sheet(_xlsx([["Standort", "Raum", "Etage", "Plätze"]]), edit)


def _import(town, data, filename="raeume.csv", kind="rooms", commit=True):
    if isinstance(data, str):
        data = data.encode()
    return run_import(
        kind=kind, data=data, filename=filename, municipality=town, actor=None, commit=commit
    )


@pytest.mark.django_db
def test_a_declared_dimension_of_a_whole_sheet_is_refused_without_padding(setup):
    data = dimension_bomb()
    assert len(data) < 8000
    result = _import(setup, data, filename="raeume.xlsx")
    assert not result.ok
    assert "mehr als" in result.errors[0][1]


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_parsing(setup):
    data = zip_bomb()
    assert len(data) < 100_000
    result = _import(setup, data, filename="raeume.xlsx")
    assert not result.ok
    assert "entpackt zu groß" in result.errors[0][1]


def test_too_many_columns_and_rows_are_refused():
    with pytest.raises(uploads.UploadRefused, match="Spalten"):
        list(uploads.xlsx_rows(_xlsx([list(range(uploads.MAX_COLUMNS + 1))])))
    with pytest.raises(uploads.UploadRefused, match="Datenzeilen"):
        list(uploads.csv_rows("a\n" * (uploads.MAX_ROWS + 2), delimiter=";"))


def test_not_a_zip_is_refused_cleanly():
    with pytest.raises(uploads.UploadRefused):
        list(uploads.xlsx_rows(b"PK\x03\x04 not really"))


@pytest.mark.django_db
def test_a_csv_field_over_128_kb_is_a_line_error_not_a_crash(setup):
    result = _import(setup, ROOM_HEADER + 'Rathaus;"' + "x" * 140_000 + '";1;1;1\n')
    assert not result.ok
    assert "Zeile 2: ein Feld ist länger als" in result.errors[0][1]


@pytest.mark.django_db
def test_preview_validates_exactly_what_the_room_import_stores(setup):
    rows = [
        "Rathaus;" + "R" * 41 + ";1;1;1",  # room number over 40 characters
        "Rathaus;2.01;99999;1;1",  # floor
        "Rathaus;2.02;1;70000;1",  # seats
    ]
    result = _import(setup, ROOM_HEADER + "\n".join(rows) + "\n", commit=False)
    assert sorted({line for line, _ in result.errors}) == [2, 3, 4]
    assert "Raumnummer" in dict(result.errors)[2]
    assert Room.objects.count() == 0


@pytest.mark.django_db
def test_preview_validates_exactly_what_the_employee_import_stores(setup):
    long_mail = "a" * 250 + "@example.org"
    rows = [
        "P" * 21 + ";Anna;A;33;",
        "P2;" + "V" * 101 + ";B;33;",
        f"P3;Carl;C;33;{long_mail}",
        "P4;Dora;=HYPERLINK(\u0007);33;",
    ]
    result = _import(
        setup, EMPLOYEE_HEADER + "\n".join(rows) + "\n", filename="p.csv", kind="employees"
    )
    assert sorted({line for line, _ in result.errors}) == [2, 3, 4, 5]
    assert Employee.objects.count() == 0


def test_upload_size_is_bounded():
    with pytest.raises(uploads.UploadRefused, match="größer als 5 MB"):
        uploads.check_size(5 * 1024 * 1024 + 1)
