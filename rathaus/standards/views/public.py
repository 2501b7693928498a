"""Public page and open data of a region (no login)."""

from __future__ import annotations

import json
from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from rathaus.standards import caching
from rathaus.standards.opendata import dcat, percent, write_json
from rathaus.standards.selectors import overview as ov
from rathaus.standards.selectors import publication as pub

PUBLIC_DAYS = 14


def _region(region_slug: str):
    region = pub.region_by_slug(region_slug)
    if region is None:
        raise Http404
    return region


def _public_body(region, today) -> str:
    month = ov.default_month(today)
    items = ov.overview(
        region=region, month=month, viewer_municipality_id=None, see_names=ov.named(region)
    )
    for item in items:
        for row in item.rows:
            row.drill = False
    first = today - timedelta(days=PUBLIC_DAYS - 1)
    totals = ov.daily_totals(region=region, first=first, last=today)
    days = [today - timedelta(days=i) for i in range(PUBLIC_DAYS)]
    daily = []
    for item in items:
        table = []
        for row in item.rows:
            cells = []
            for d in days:
                s, c = totals.get((item.promise.id, row.municipality_id, d), (0, 0))
                cells.append({"value": percent(s, c).replace(".", ","), "cases": c} if c else None)
            table.append((row.label, cells))
        daily.append((item, table))
    return render_to_string(
        "standards/_public_body.html", {"items": items, "days": days, "daily": daily}
    )


def public_page(request, region_slug: str):
    region = _region(region_slug)
    today = timezone.localdate()
    body = caching.fragment(region.id, ("public", today), lambda: _public_body(region, today))
    return render(
        request,
        "standards/public.html",
        {"region": region, "body_html": body, "publication": pub.latest_publication(region)},
    )


def open_data_csv(request, region_slug: str):
    region = _region(region_slug)
    publication = pub.latest_publication(region)
    if publication is None:
        raise Http404
    response = HttpResponse(publication.csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="servicestandards-{region.slug}-{publication.day:%Y-%m-%d}.csv"'
    )
    return response


def open_data_json(request, region_slug: str):
    region = _region(region_slug)
    today = timezone.localdate()
    rows = pub.open_rows(region=region, first=today - timedelta(days=364), last=today)
    return HttpResponse(write_json(rows), content_type="application/json; charset=utf-8")


def open_data_dcat(request, region_slug: str):
    region = _region(region_slug)
    publication = pub.latest_publication(region)
    base = request.build_absolute_uri("/").rstrip("/")
    body = dcat(
        region_name=region.name,
        region_slug=region.slug,
        base_url=base,
        modified=publication.day if publication else None,
    )
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/ld+json; charset=utf-8"
    )
