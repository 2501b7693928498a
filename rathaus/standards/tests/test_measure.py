"""Figures measured from the appointments data equal an independent recomputation."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import timedelta

import pytest

from rathaus.appointments.models import Appointment
from rathaus.standards.models import DailyFigure, Publication, RegionSettings
from rathaus.standards.services.maintenance import standards_daily
from rathaus.standards.services.measure import figures_compute
from rathaus.standards.services.publication import publication_build
from rathaus.standards.tests.helpers import BERLIN, ID_CARD, working_days

pytestmark = pytest.mark.django_db


def recompute(rows, within, wait):
    """{(promise code, location id, day): (successes, cases)} straight from the raw rows."""
    out = defaultdict(lambda: [0, 0])
    for a in Appointment.objects.filter(pk__in=[r.pk for r in rows]).prefetch_related(
        "items__service"
    ):
        keys = {i.service.leika_key for i in a.items.all()}
        if ID_CARD in keys and a.booked_at:
            booked = a.booked_at.astimezone(BERLIN).date()
            start = a.start.astimezone(BERLIN).date()
            cell = out[(within.code, a.location_id, booked)]
            cell[1] += 1
            cell[0] += working_days(booked, start) <= within.threshold
        if a.checked_in_at and a.called_at:
            day = a.checked_in_at.astimezone(BERLIN).date()
            cell = out[(wait.code, a.location_id, day)]
            cell[1] += 1
            cell[0] += (a.called_at - a.checked_in_at) <= timedelta(minutes=wait.threshold)
    return {k: tuple(v) for k, v in out.items()}


def test_figures_equal_an_independent_recomputation_from_the_raw_rows(world, region, today):
    figures_compute(region=region, date_from=today - timedelta(days=60), date_to=today)
    expected = recompute(world["rows"], world["within"], world["wait"])
    stored = {
        (f.promise.code, f.location_id, f.day): (f.successes, f.cases)
        for f in DailyFigure.objects.select_related("promise")
    }
    assert stored == expected
    assert any(s < c for s, c in expected.values()), "the sample must contain misses"


def test_the_csv_and_the_public_page_show_the_recomputed_numbers(world, region, today, client):
    RegionSettings.objects.create(region=region, named_comparison=True)
    figures_compute(region=region, date_from=today - timedelta(days=60), date_to=today)
    publication_build(region=region)
    expected = recompute(world["rows"], world["within"], world["wait"])
    body = client.get(f"/standards/oeffentlich/{region.slug}/daten.csv").content.decode()
    reader = csv.DictReader(io.StringIO(body), delimiter=";")
    names = {loc.name: loc.id for loc in world["locations"].values()}
    seen = {}
    for row in reader:
        key = (row["promise"], names[row["location"]], row["date"])
        seen[key] = (int(row["successes"]), int(row["cases"]))
        assert row["value"] == f"{100 * int(row['successes']) / int(row['cases']):.1f}"
        assert row["unit"] == "%" and row["definition_version"] == "1"
    assert seen == {(p, loc, d.isoformat()): v for (p, loc, d), v in expected.items()}
    page = client.get(f"/standards/oeffentlich/{region.slug}/").content.decode()
    for (_code, _loc, day), (s, c) in expected.items():
        if day >= today - timedelta(days=13):
            value = f"{100 * s / c:.1f}".replace(".", ",")
            assert f"{value} %<br><small>({c})</small>" in page


def test_anonymised_open_data_names_nobody(world, region, today, client, town):
    figures_compute(region=region, date_from=today - timedelta(days=60), date_to=today)
    publication_build(region=region)
    body = client.get(f"/standards/oeffentlich/{region.slug}/daten.csv").content.decode()
    assert town.name not in body and town.ags not in body
    assert "Kommune A" in body
    page = client.get(f"/standards/oeffentlich/{region.slug}/").content.decode()
    assert town.name not in page and ">Bürgerbüro<" not in page


def test_recomputing_replaces_rows_instead_of_adding(world, region, today):
    first = figures_compute(region=region, date_from=today - timedelta(days=60), date_to=today)
    second = figures_compute(region=region, date_from=today - timedelta(days=60), date_to=today)
    assert first == second == DailyFigure.objects.count()


def test_the_daily_job_measures_and_publishes(world, region):
    done = standards_daily()
    assert region.slug in done
    publication = Publication.objects.get(region=region)
    assert publication.rows > 0 and publication.csv.startswith("date;ags;location;leika;metric")
    standards_daily()  # idempotent
    assert Publication.objects.filter(region=region).count() == 1
