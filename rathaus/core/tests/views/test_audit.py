"""The change log: filters, readable entries, pages, CSV and Excel export (point 20)."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from rathaus.core import audit
from rathaus.core.models import AuditEntry, Employee, Role
from rathaus.core.tests.factories import EmployeeFactory, OrgUnitFactory, RoomFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def admin_user(make_user, town):
    return make_user(
        Role.MUNICIPALITY_ADMIN, municipality=town, first_name="Anna", last_name="Admin"
    )


@pytest.fixture
def log(town, admin_user, make_user):
    """A room changed by Anna, an employee created by Paul, on two days."""
    paul = make_user(Role.PLANNER, municipality=town, first_name="Paul", last_name="Plan")
    room = RoomFactory(location__municipality=town, number="2.14", capacity_normal=2)
    before = audit.snapshot(room)
    room.capacity_normal = 3
    room.save()
    changed = audit.record(
        actor=admin_user, instance=room, action="update", before=before, after=audit.snapshot(room)
    )
    employee = EmployeeFactory(org_unit=OrgUnitFactory(municipality=town), last_name="Krause")
    created = audit.record(
        actor=paul, instance=employee, action="create", after=audit.snapshot(employee)
    )
    AuditEntry.objects.filter(pk=changed.pk).update(at=datetime(2026, 3, 2, 10, tzinfo=BERLIN))
    AuditEntry.objects.filter(pk=created.pk).update(at=datetime(2026, 3, 5, 9, tzinfo=BERLIN))
    return {"paul": paul, "room": room, "employee": employee}


def test_entries_read_as_words_not_as_technical_labels(client, admin_user, log):
    client.force_login(admin_user)
    html = client.get("/stammdaten/protokoll/").content.decode()
    assert "core.Room #" not in html
    assert "Raum: Raum 2.14" in html
    assert "Plätze (normal): 2 → 3" in html
    assert "Anna Admin" in html
    assert "Beschäftigte Person: Erika Krause" in html


def test_filter_by_person(client, admin_user, log):
    client.force_login(admin_user)
    html = client.get(f"/stammdaten/protokoll/?person={log['paul'].pk}").content.decode()
    assert "Erika Krause" in html
    assert "Raum 2.14" not in html


def test_filter_by_kind_of_object(client, admin_user, log):
    client.force_login(admin_user)
    html = client.get("/stammdaten/protokoll/?kind=core.Room").content.decode()
    assert "Raum 2.14" in html
    assert "Erika Krause" not in html
    # the kind filter offers readable names
    assert '<option value="core.Employee">Beschäftigte Person</option>' in html


def test_filter_by_date(client, admin_user, log):
    client.force_login(admin_user)
    html = client.get(
        "/stammdaten/protokoll/?date_from=2026-03-04&date_to=2026-03-05"
    ).content.decode()
    assert "Erika Krause" in html
    assert "Raum 2.14" not in html


def test_an_end_before_the_start_is_explained_at_the_field(client, admin_user, log):
    client.force_login(admin_user)
    response = client.get("/stammdaten/protokoll/?date_from=2026-03-05&date_to=2026-03-01")
    assert response.status_code == 200
    assert "Das Ende liegt vor dem Anfang." in response.content.decode()


def test_the_log_comes_in_pages(client, admin_user, town):
    for n in range(120):
        audit.record(
            actor=admin_user,
            action="action",
            object_type="core.Room",
            object_id=str(n),
            municipality_id=town.pk,
            summary=f"Eintrag {n}",
        )
    client.force_login(admin_user)
    first = client.get("/stammdaten/protokoll/").content.decode()
    assert "Seite 1 von 3" in first
    assert first.count('<tr class="kern-table__row">') == 51  # header + 50
    third = client.get("/stammdaten/protokoll/?kind=core.Room&page=3").content.decode()
    assert "Seite 3 von 3" in third


def test_csv_export_follows_the_filter_and_neutralises_formulas(client, admin_user, log, town):
    log["employee"].last_name = "=HYPERLINK(1)"
    Employee.objects.filter(pk=log["employee"].pk).update(last_name="=HYPERLINK(1)")
    client.force_login(admin_user)
    response = client.get(f"/stammdaten/protokoll/export.csv?person={log['paul'].pk}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Zeitpunkt",
        "Person",
        "Aktion",
        "Objektart",
        "Objekt",
        "Änderungen",
        "Kommune",
    ]
    assert len(rows) == 2
    assert rows[1][1] == "Paul Plan"
    assert rows[1][4] == "Erika =HYPERLINK(1)"  # starts with a letter: no formula


def test_xlsx_export_neutralises_formula_cells(client, admin_user, town):
    audit.record(
        actor=admin_user,
        action="action",
        object_type="x.Gone",
        object_id="1",
        municipality_id=town.pk,
        summary="=cmd|' /C calc'!A0",
    )
    client.force_login(admin_user)
    response = client.get("/stammdaten/protokoll/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert values[4] == "'=cmd|' /C calc'!A0"


def test_people_without_the_right_get_no_log_and_no_export(client, make_user, town):
    client.force_login(make_user(Role.EMPLOYEE, municipality=town))
    assert client.get("/stammdaten/protokoll/").status_code == 403
    assert client.get("/stammdaten/protokoll/export.csv").status_code == 403
