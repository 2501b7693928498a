import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from rathaus.core.imports import run_import
from rathaus.core.models import AuditEntry, Employee, Location, OrgUnit, Qualification, Role, Room

HEADER = "Personalnummer;Vorname;Nachname;Organisationseinheit;E-Mail;Beschäftigungsumfang;Ausstattung;Qualifikationen\n"


@pytest.fixture
def units(town):
    OrgUnit.objects.create(municipality=town, code="33", name="Bürgerbüro")
    OrgUnit.objects.create(municipality=town, code="50", name="Sozialamt")
    Qualification.objects.create(municipality=town, code="kfz", name="Kfz")
    return town


def _import(town, text_or_bytes, filename="personal.csv", commit=True, kind="employees"):
    data = text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode("utf-8")
    return run_import(
        kind=kind, data=data, filename=filename, municipality=town, actor=None, commit=commit
    )


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_employee_csv_in_each_excel_encoding(units, encoding):
    text = (
        HEADER + "P1;Jürgen;Müßig;33;j@example.org;50 %;voll;kfz\nP2;Änne;Öztürk;50;;1;telefon;\n"
    )
    result = _import(units, text.encode(encoding))
    assert result.ok, result.errors
    assert result.created == 2
    juergen = Employee.objects.get(personnel_number="P1")
    assert (juergen.first_name, juergen.last_name, str(juergen.working_time_share)) == (
        "Jürgen",
        "Müßig",
        "0.50",
    )
    assert list(juergen.qualifications.values_list("code", flat=True)) == ["kfz"]
    assert Employee.objects.get(personnel_number="P2").equipment_need == "phone_only"


@pytest.mark.django_db
def test_dry_run_writes_nothing(units):
    result = _import(units, HEADER + "P1;Anna;A;33;;;;\n", commit=False)
    assert result.ok and len(result.rows) == 1
    assert Employee.objects.count() == 0


@pytest.mark.django_db
def test_any_bad_row_blocks_the_whole_import_with_line_numbers(units):
    text = HEADER + "P1;Anna;A;33;;;;\nP1;Ben;B;33;;;;\nP3;Clara;C;99;;;;\nP4;;D;33;;150;;\n"
    result = _import(units, text)
    assert not result.ok
    messages = {(line, msg) for line, msg in result.errors}
    assert (3, "Personalnummer P1 doppelt (schon in Zeile 2)") in messages
    assert (4, "Organisationseinheit „99“ unbekannt") in messages
    assert (5, "Vorname fehlt") in messages
    assert (5, "Beschäftigungsumfang muss zwischen 5 und 100 % liegen") in messages
    assert Employee.objects.count() == 0


@pytest.mark.django_db
def test_line_errors_speak_the_administrators_language(units):
    text = HEADER + "P1;Anna;A;33;;;;\nP1;;B;99;;150;;\n"
    with translation.override("en"):
        result = _import(units, text)
    messages = {msg for line, msg in result.errors if line == 3}
    assert messages >= {
        "Personnel number P1 twice (already in line 2)",
        "First name missing",
        "Unknown organisational unit “99”",
        "Working time must be between 5 and 100 %",
    }


@pytest.mark.django_db
def test_wrong_columns_are_reported_on_line_one(units):
    result = _import(units, "Nummer;Vorname;Nachname\n1;A;B\n")
    assert not result.ok
    line, message = result.errors[0]
    assert (
        line == 1
        and "fehlende Spalten: personalnummer, organisationseinheit" in message
        and "unbekannte Spalten: nummer" in message
    )


@pytest.mark.django_db
def test_binary_garbage_is_refused_cleanly(units):
    result = _import(units, b"\x00\x01\x02\xff\xfe" * 50)
    assert not result.ok and result.errors[0][0] == 1


@pytest.mark.django_db
def test_rooms_from_excel(units):
    Location.objects.create(
        municipality=units, name="Rathaus", street="Markt 1", postal_code="59999", city="M"
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Standort", "Raum", "Etage", "Plätze", "Plätze Pandemie", "Organisationseinheit"])
    sheet.append(["Rathaus", "2.14", 2, 3, 1, "33"])
    sheet.append(["Rathaus", "2.15", 2, 1, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = _import(units, buffer.getvalue(), filename="raeume.xlsx", kind="rooms")
    assert result.ok, result.errors
    room = Room.objects.get(number="2.14")
    assert (room.capacity_normal, room.capacity_pandemic, room.org_unit.code) == (3, 1, "33")
    assert Room.objects.get(number="2.15").capacity_pandemic == 1


@pytest.mark.django_db
def test_rooms_with_impossible_capacity_are_refused(units):
    Location.objects.create(
        municipality=units, name="Rathaus", street="Markt 1", postal_code="59999", city="M"
    )
    text = "Standort;Raum;Etage;Plätze;Plätze Pandemie\nRathaus;1.01;1;2;3\nNirgendwo;1.02;1;1;1\n"
    result = _import(units, text, kind="rooms")
    assert [line for line, _ in result.errors] == [2, 3]
    assert Room.objects.count() == 0


@pytest.mark.django_db
def test_import_through_the_browser_flow_with_preview_and_audit(client, units, make_user):
    planner = make_user(Role.PLANNER, municipality=units)
    client.force_login(planner)
    upload = io.BytesIO((HEADER + "P9;Nora;Neu;33;nora@example.org;;;\n").encode("cp1252"))
    upload.name = "personal.csv"
    preview = client.post("/stammdaten/import/", {"kind": "employees", "file": upload})
    assert "Vorschau: 1 Zeile ist fehlerfrei" in preview.content.decode()
    assert Employee.objects.count() == 0
    done = client.post("/stammdaten/import/", {"confirm": "1"}, follow=True)
    assert "Import abgeschlossen: 1 neu" in done.content.decode()
    entry = AuditEntry.objects.get(object_type="core.Employee")
    assert entry.actor == planner and entry.action == "create"
    assert entry.changes["last_name"] == "‹geändert›"  # personal data never in the audit trail
    assert entry.changes["org_unit_id"][1] == OrgUnit.objects.get(code="33").pk


@pytest.mark.django_db
def test_import_form_errors_are_german_and_at_the_field(client, units, make_user):
    client.force_login(make_user(Role.PLANNER, municipality=units))
    upload = io.BytesIO(b"irrelevant")
    upload.name = "bild.png"
    html = client.post(
        "/stammdaten/import/", {"kind": "employees", "file": upload}
    ).content.decode()
    assert 'id="id_file_error"' in html and "Bitte eine CSV- oder Excel-Datei" in html
