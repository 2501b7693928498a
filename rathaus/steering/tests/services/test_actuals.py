"""Finance actuals import: matched by year, product and cost centre; all or nothing."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from rathaus.steering.models import BudgetLine
from rathaus.steering.services.actuals import budget_actuals_import, rows_of_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(world):
    line = BudgetLine.objects.get(project=world["project"])
    line.product, line.cost_centre = "51.10.01", "6100"
    line.save()
    return line


def _import(world, text):
    return budget_actuals_import(
        actor=world["users"]["treasurer"],
        municipality=world["project"].municipality,
        rows=rows_of_upload("ist.csv", text.encode("utf-8")),
    )


def test_a_clean_file_sets_actual_and_committed(world, line):
    report = _import(
        world, "jahr;produkt;kostenstelle;gebunden;ist\n2031;51.10.01;6100;45.000,00;31.250,50\n"
    )
    assert report.ok and report.updated == 1
    line.refresh_from_db()
    assert (line.committed, line.actual) == (Decimal("45000.00"), Decimal("31250.50"))


def test_one_bad_line_refuses_the_whole_file_with_line_numbers(world, line):
    report = _import(
        world,
        "jahr;produkt;kostenstelle;ist\n2031;51.10.01;6100;100\n2031;99.99;1;5\n2031;51.10.01;6100;x\n",
    )
    assert not report.ok
    assert [n for n, _m in report.errors] == [3, 4]
    assert "Keine Budgetposition" in report.errors[0][1]
    line.refresh_from_db()
    assert line.actual == Decimal("30000")


def test_the_same_budget_line_twice_and_a_wrong_header_are_refused(world, line):
    report = _import(
        world, "jahr;produkt;kostenstelle;ist\n2031;51.10.01;6100;1\n2031;51.10.01;6100;2\n"
    )
    assert report.errors == [(3, "Dieselbe Budgetposition steht schon in Zeile 2.")]
    report = _import(world, "year;what;ist\n2031;x;1\n")
    assert report.errors[0][0] == 1 and "Kopfzeile" in report.errors[0][1]


def test_an_excel_file_is_read_like_the_csv(world, line, client):
    book = Workbook()
    sheet = book.active
    sheet.append(["Jahr", "Produkt", "Kostenstelle", "Ist"])
    sheet.append([2031, "51.10.01", "6100", 77000.5])
    data = io.BytesIO()
    book.save(data)
    client.force_login(world["users"]["treasurer"])
    response = client.post(
        "/steuerung/import/ist/",
        {"file": SimpleUploadedFile("ist.xlsx", data.getvalue())},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.actual == Decimal("77000.50")


def test_the_upload_page_shows_errors_with_line_numbers_and_refuses_other_roles(
    world, line, client
):
    client.force_login(world["users"]["treasurer"])
    response = client.post(
        "/steuerung/import/ist/",
        {
            "file": SimpleUploadedFile(
                "ist.csv", b"jahr;produkt;kostenstelle;ist\n1800;51.10.01;6100;1\n"
            )
        },
    )
    assert response.status_code == 400
    assert "Jahr „1800“ ist kein Jahr." in response.content.decode()
    client.force_login(world["users"]["owner"])
    assert client.get("/steuerung/import/ist/").status_code == 403
