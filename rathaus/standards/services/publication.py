"""The daily open-data publication of a region."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.models import Region
from rathaus.standards.models import Publication
from rathaus.standards.opendata import write_csv
from rathaus.standards.selectors.publication import open_rows

PUBLISHED_DAYS = 365


@transaction.atomic
def publication_build(*, region: Region, now: datetime | None = None) -> Publication:
    """Writes (or rewrites) today's file: the last 365 days up to and including today."""
    now = now_or(now)
    today = timezone.localtime(now).date()
    rows = open_rows(region=region, first=today - timedelta(days=PUBLISHED_DAYS - 1), last=today)
    publication, _created = Publication.objects.update_or_create(
        region=region,
        day=today,
        defaults={"created": now, "rows": len(rows), "csv": write_csv(rows)},
    )
    # keep a week of files; older ones are superseded by the newest (which holds a year)
    Publication.objects.filter(region=region, day__lt=today - timedelta(days=7)).delete()
    return publication
