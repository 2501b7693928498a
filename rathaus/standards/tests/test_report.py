"""The PDF report: produced, holding the figures, with the dashboard's fair comparison."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from django.utils import timezone

from rathaus.standards.models import DailyFigure, Promise
from rathaus.standards.templatetags.standards_tags import de_pct
from rathaus.standards.tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def _last_quarter(today: date) -> list[date]:
    """The first days of the three months of the last complete quarter."""
    first_of_this = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    last = (first_of_this - timedelta(days=1)).replace(day=1)
    months = [last]
    while len(months) < 3:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def _figure(promise, town, day, cases, successes):
    DailyFigure.objects.create(
        municipality=town,
        promise=promise,
        day=day,
        cases=cases,
        successes=successes,
        definition_version=promise.version,
        source=DailyFigure.Source.MANUAL,
        computed_at=timezone.now(),
    )


@pytest.fixture
def quarter(calls115, town, other_town, today):
    """Musterstadt: 10 days a month with 50 calls, 40 answered in time (80 %); Anderswo:
    two days with 30 calls in the first month only — below the minimum of 100."""
    months = _last_quarter(today)
    for month in months:
        for d in range(10):
            _figure(calls115, town, month + timedelta(days=d), 50, 40)
    _figure(calls115, other_town, months[0], 30, 15)
    _figure(calls115, other_town, months[0] + timedelta(days=1), 30, 15)
    return months


def _wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def _pdf(client, **params) -> bytes:
    response = client.get("/standards/bericht/", {"erstellen": "1", **params})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return response.content


def test_the_region_report_for_a_quarter_holds_the_recomputed_figures(
    client, world, quarter, calls115, town, other_town
):
    client.force_login(world["coordinator"])
    q = (quarter[-1].month - 1) // 3 + 1
    text = pdf_text(_pdf(client, quartal=f"{quarter[-1].year}-Q{q}"))
    assert f"{q}. Quartal {quarter[-1].year}" in text
    # independent recomputation from the raw rows: 3 months × 10 days × (40 of 50)
    lower, upper = _wilson(1200, 1500)
    assert f"{de_pct(0.8)} {de_pct(lower)} – {de_pct(upper)} 1500" in text
    # Anderswo's 60 calls are below the minimum: no verdict, no interval
    assert "zu wenige Daten" in text
    assert f"{other_town.name} 10.000–25.000 Einw. zu wenige Daten 50,0 %" in text
    assert "60 kein Vergleich (zu wenige Fälle)" in text
    # every active promise has its chart followed by the table of its numbers
    promises = Promise.objects.filter(region=calls115.region, active=True).count()
    assert text.count("Daten zur Grafik") == promises == 3
    # no league table: within the size class by name, not by result
    table = text[text.index(calls115.title) :]
    table = table[table.index("Daten zur Grafik") :]
    assert table.index(other_town.name) < table.index(town.name)


def test_a_month_report_judges_that_month_only(client, world, quarter, calls115, other_town):
    client.force_login(world["coordinator"])
    text = pdf_text(_pdf(client, monat=f"{quarter[0]:%Y-%m}"))
    lower, upper = _wilson(400, 500)
    assert f"{de_pct(0.8)} {de_pct(lower)} – {de_pct(upper)} 500" in text


def test_municipality_staff_get_the_region_report_anonymised(
    client, world, quarter, town, other_town
):
    client.force_login(world["admin"])
    text = pdf_text(_pdf(client, monat=f"{quarter[0]:%Y-%m}"))
    assert town.name in text
    assert other_town.name not in text and "Kommune " in text


def test_the_municipality_report_shows_its_history_and_locations(
    client, world, quarter, calls115, town, other_town
):
    client.force_login(world["coordinator"])
    text = pdf_text(_pdf(client, monat=f"{quarter[-1]:%Y-%m}", kommune=town.pk))
    assert f"Servicestandards {town.name}" in text
    for month in quarter:
        assert f"{month:%m/%Y} erfüllt {de_pct(0.8)}" in text
    assert other_town.name not in text
    # a municipality may ask only for its own report
    client.force_login(world["admin"])
    refused = client.get(
        "/standards/bericht/",
        {"erstellen": "1", "monat": f"{quarter[0]:%Y-%m}", "kommune": other_town.pk},
    )
    assert refused.status_code == 400


@pytest.mark.parametrize(
    "params, message",
    [
        ({"monat": "2026-05", "quartal": "2026-Q1"}, "Bitte entweder einen Monat oder ein Quartal"),
        ({}, "Bitte einen Monat oder ein Quartal wählen."),
        ({"monat": "2999-01"}, "Dieser Monat hat noch nicht begonnen."),
        ({"monat": "2026-13"}, "Bitte einen Monat im Format JJJJ-MM angeben."),
    ],
)
def test_a_bad_choice_is_refused_at_the_field(client, world, params, message):
    client.force_login(world["coordinator"])
    response = client.get("/standards/bericht/", {"erstellen": "1", **params})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_report_page_is_for_staff_only(client, world, make_user):
    assert client.get("/standards/bericht/").status_code == 302  # to the login
    client.force_login(world["clerk"])
    assert client.get("/standards/bericht/").status_code == 200
