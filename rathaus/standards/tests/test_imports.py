"""Import of figures from other systems: all or nothing, line-numbered refusals."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from rathaus.core.problems import DomainError
from rathaus.standards.models import DailyFigure
from rathaus.standards.services.imports import figures_import

pytestmark = pytest.mark.django_db

HEADER = "date;ags;location;leika;metric;value;unit;definition_version;cases\n"


def _run(region, text, allowed, filename="werte.csv"):
    return figures_import(
        actor=None, region=region, allowed=allowed, data=text.encode(), filename=filename
    )


def test_a_good_file_is_imported(calls115, region, town, other_town, today):
    day = today - timedelta(days=1)
    text = HEADER + f"{day};{town.ags};;;calls_within_30s;78,5;%;1;200\n"
    text += f"{day};{other_town.ags};;;calls_within_30s;70;%;1;100\n"
    assert _run(region, text, {town.id, other_town.id}) == 2
    figure = DailyFigure.objects.get(municipality=town, promise=calls115)
    assert (figure.cases, figure.successes, figure.location) == (200, 157, None)
    assert figure.source == DailyFigure.Source.IMPORTED
    # importing the same day again replaces, never doubles
    assert _run(region, text, {town.id, other_town.id}) == 2
    assert DailyFigure.objects.filter(promise=calls115).count() == 2


def test_bad_rows_refuse_the_whole_file_with_line_numbers(calls115, world, region, town, today):
    day = today - timedelta(days=1)
    text = HEADER
    text += f"{day};{town.ags};;;calls_within_30s;78;%;1;200\n"  # line 2: fine
    text += f"{day};99999999;;;calls_within_30s;78;%;1;200\n"  # 3: unknown AGS
    text += f"{day};{town.ags};;12345678901234;calls_within_30s;78;%;1;200\n"  # 4: LeiKa
    text += f"{day - timedelta(days=1)};{town.ags};;;calls_within_30s;78;Sekunden;1;200\n"  # 5
    text += f"{day};{town.ags};;;calls_within_30s;80;%;1;200\n"  # 6: repeated day
    text += f"{day};{town.ags};Nirgendwo;;calls_within_30s;80;%;1;200\n"  # 7: location
    text += f"{day};{town.ags};;99102005017000;appointment_within_days;80;%;1;20\n"  # 8
    with pytest.raises(DomainError) as caught:
        _run(region, text, {town.id})
    lines = {p["line"] for p in caught.value.errors}
    assert lines == {3, 4, 5, 6, 7, 8}
    repeated = next(p for p in caught.value.errors if p["line"] == 6)
    assert "Zeile 2" in repeated["message"]
    assert not DailyFigure.objects.filter(source=DailyFigure.Source.IMPORTED).exists()


def test_a_municipality_imports_only_its_own_figures(calls115, region, town, other_town, today):
    text = HEADER + f"{today - timedelta(days=1)};{other_town.ags};;;calls_within_30s;78;%;1;200\n"
    with pytest.raises(DomainError) as caught:
        _run(region, text, {town.id})
    assert caught.value.errors[0]["line"] == 2


def test_wrong_columns_and_oversized_files_are_refused(calls115, region, town):
    with pytest.raises(DomainError):
        _run(region, "datum;wert\n2026-01-01;3\n", {town.id})
    with pytest.raises(DomainError):
        _run(region, HEADER + "x" * (3 * 1024 * 1024), {town.id})


def test_the_import_page_shows_the_problems(client, calls115, world, town, today):
    client.force_login(world["admin"])
    text = HEADER + f"{today + timedelta(days=3)};{town.ags};;;calls_within_30s;78;%;1;200\n"
    upload = io.BytesIO(text.encode())
    upload.name = "werte.csv"
    response = client.post("/standards/import/", {"file": upload})
    assert response.status_code == 400
    assert "Zeile 2" in response.content.decode()
    client.force_login(world["clerk"])
    assert client.get("/standards/import/").status_code == 403


def test_the_monthly_report_is_an_excel_workbook(client, world, region, today):
    client.force_login(world["coordinator"])
    response = client.get(f"/standards/bericht.xlsx?monat={today:%Y-%m}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["Übersicht", "Definitionen"]
    titles = {row[0].value for row in book["Übersicht"].iter_rows(min_row=5)}
    assert world["within"].title in titles
