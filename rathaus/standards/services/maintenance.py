"""The daily job: snapshot lead times, measure the last days, publish the open data."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.models import Region
from rathaus.standards import conf
from rathaus.standards.models import Promise
from rathaus.standards.services.backfill import region_backfill
from rathaus.standards.services.measure import figures_compute, snapshots_take
from rathaus.standards.services.publication import publication_build


def standards_daily(*, now: datetime | None = None) -> dict[str, int]:
    """For every region with promises: the history of members never measured before
    (``backfill``), today's snapshots, figures of the last days (late check-ins and
    no-shows change them), and today's publication. Idempotent."""
    now = now_or(now)
    today = timezone.localtime(now).date()
    first = today - timedelta(days=conf.recompute_days() - 1)
    done = {}
    for region in Region.objects.filter(id__in=Promise.objects.values("region_id")).order_by("id"):
        region_backfill(region=region, now=now)
        snapshots_take(region=region, now=now)
        rows = figures_compute(region=region, date_from=first, date_to=today, now=now)
        publication_build(region=region, now=now)
        done[region.slug] = rows
    return done
