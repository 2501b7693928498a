"""History before the first run: a town that joins (or the first daily job) gets its past
figures from the appointments already there — bounded, idempotent, estimates marked."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from rathaus.standards.models import DailyFigure, LeadTimeSnapshot, Metric, Promise
from rathaus.standards.services.backfill import municipality_backfill, region_backfill
from rathaus.standards.services.maintenance import standards_daily
from rathaus.standards.services.promises import membership_create
from rathaus.standards.tests import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_time(region):
    return Promise.objects.create(
        region=region,
        code="vorlauf-ausweis",
        title="Nächster freier Ausweis-Termin in 10 Arbeitstagen",
        leika_key=helpers.ID_CARD,
        metric=Metric.LEAD_TIME,
        threshold=10,
        target_percent=Decimal("80"),
        min_cases=5,
        definition="Arbeitstage bis zum nächsten freien Termin, täglich gemessen.",
        agreed_by="Konferenz",
        agreed_on=date(2026, 1, 1),
    )


@pytest.fixture
def booked(region, town, today):
    """12 days of appointments; every 2nd booking was made 21 days ahead, the others 3."""
    location, rows = helpers.history(town, today=today, late_every=2)
    return location, rows


def _expected_leads(rows, town) -> dict[date, int]:
    """Independent recomputation: per booking day the shortest lead of an ID-card booking."""
    best: dict[date, int] = {}
    for a in rows:
        if a.items.get().service.leika_key != helpers.ID_CARD:
            continue
        day = a.booked_at.astimezone(helpers.BERLIN).date()
        start = a.start.astimezone(helpers.BERLIN).date()
        lead = helpers.working_days(day, start, town.federal_state or "NW")
        best[day] = min(best.get(day, lead), lead)
    return best


def _snapshots(town):
    return dict(
        LeadTimeSnapshot.objects.filter(municipality=town).values_list("day", "working_days")
    )


def test_joining_fills_in_the_estimated_lead_times_and_the_figures(
    lead_time, booked, town, django_capture_on_commit_callbacks
):
    location, rows = booked
    with django_capture_on_commit_callbacks(execute=True):
        membership_create(actor=None, promise=lead_time, municipality=town)
    assert _snapshots(town) == _expected_leads(rows, town)
    assert not LeadTimeSnapshot.objects.filter(estimated=False).exists()
    figures = DailyFigure.objects.filter(promise=lead_time, municipality=town)
    assert figures.count() == len(_expected_leads(rows, town))
    # one case per day, a success when the shortest lead was within 10 working days
    within = sum(1 for lead in _expected_leads(rows, town).values() if lead <= 10)
    assert sum(f.successes for f in figures) == within


def test_the_backfill_is_idempotent(region, lead_time, booked, town):
    helpers.join(lead_time, town)
    first = municipality_backfill(region=region, municipality=town)
    snapshots = _snapshots(town)
    figures = DailyFigure.objects.filter(promise=lead_time).count()
    assert first == figures > 0
    assert municipality_backfill(region=region, municipality=town) == first
    assert _snapshots(town) == snapshots
    assert DailyFigure.objects.filter(promise=lead_time).count() == figures


def test_a_service_measured_live_gets_no_estimates(region, lead_time, booked, town, today):
    helpers.join(lead_time, town)
    location, rows = booked
    LeadTimeSnapshot.objects.create(
        municipality=town,
        location=location,
        leika_key=helpers.ID_CARD,
        day=today,
        working_days=0,
        taken_at=helpers.at(today, 4),
    )
    municipality_backfill(region=region, municipality=town)
    assert _snapshots(town) == {today: 0}


def test_the_backfill_is_bounded(region, lead_time, booked, town, today, settings):
    settings.RATHAUS_STANDARDS_BACKFILL_DAYS = 10
    helpers.join(lead_time, town)
    municipality_backfill(region=region, municipality=town)
    days = _snapshots(town)
    assert days and min(days) >= today - timedelta(days=10)
    assert not DailyFigure.objects.filter(day__lt=today - timedelta(days=10)).exists()


def test_the_first_daily_run_fills_history_and_later_runs_leave_it(
    region, lead_time, booked, town, today
):
    helpers.join(lead_time, town)
    location, rows = booked
    standards_daily()
    estimated = LeadTimeSnapshot.objects.filter(municipality=town, estimated=True).count()
    assert estimated == len(_expected_leads(rows, town))
    past = DailyFigure.objects.filter(promise=lead_time, day__lt=today - timedelta(days=7))
    assert past.exists()  # older than the daily job's own 7 days: from the backfill
    # the first run took a live snapshot (or found no service offered): nothing more to fill
    LeadTimeSnapshot.objects.filter(municipality=town, estimated=True).delete()
    LeadTimeSnapshot.objects.get_or_create(
        municipality=town,
        location=location,
        leika_key=helpers.ID_CARD,
        day=today,
        defaults={"working_days": 2, "taken_at": helpers.at(today, 4)},
    )
    assert region_backfill(region=region) == {}
    assert not LeadTimeSnapshot.objects.filter(estimated=True).exists()
