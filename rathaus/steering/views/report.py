"""The council's controlling report of a reporting period — a month, or a quarter for a
municipality that reports quarterly — as PDF (WeasyPrint, like the meetings' minutes): projects
with their lights, indicators with a warning (chart and its data table), budget deviations,
open cases and the decisions of the period."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from rathaus.core.pdf import html_to_pdf
from rathaus.core.tenancy import home_municipality
from rathaus.engines.indicators.periods import (
    QUARTERLY,
    period_start,
    previous_period,
    shift_periods,
)
from rathaus.steering import selectors
from rathaus.steering.models import period_name
from rathaus.steering.rules import PERM_VIEW
from rathaus.steering.services.indicators import current_values
from rathaus.steering.views.common import require
from rathaus.steering.views.indicators import chart_for

CHARTS = 12  # indicators with a warning that get a chart and a table; the rest are listed


QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)


def report_period(query, today: date, rhythm: str) -> tuple[date, str]:
    """The report's period and rhythm: ``?quartal=2026-Q3`` (a quarter), ``?monat=2026-11``
    (a month — for a municipality that reports quarterly, the quarter it lies in); missing or
    malformed: the last ended period in the municipality's rhythm."""
    quarter = QUARTER.match(query.get("quartal") or "")
    if quarter:
        return date(int(quarter[1]), int(quarter[2]) * 3 - 2, 1), QUARTERLY
    try:
        month = date.fromisoformat(f"{query.get('monat')}-01")
    except ValueError:
        return previous_period(today, rhythm), rhythm
    return period_start(month, rhythm), rhythm


def _file_name(period: date, rhythm: str) -> str:
    if rhythm == QUARTERLY:
        return f"controlling-{period.year}-Q{(period.month - 1) // 3 + 1}.pdf"
    return f"controlling-{period:%Y-%m}.pdf"


def _indicator_sections(user, warnings) -> list[dict]:
    sections = []
    for row in warnings[:CHARTS]:
        indicator = selectors.indicator_get(user, row.pk)
        values = current_values(indicator)
        sections.append(
            {
                "row": row,
                "id": f"kennzahl-{row.pk}",
                "chart": chart_for(indicator, values),
                "table": [(d, v.value, v.provisional) for d, v in list(values.items())[-12:]],
                "forecast": (indicator.analysis or {}).get("forecast", [])[:6],
            }
        )
    return sections


@login_required
@require_GET
def controlling_report(request):
    require(request.user, PERM_VIEW)
    user = request.user
    today = timezone.localdate()
    period, rhythm = report_period(request.GET, today, selectors.reporting_rhythm(user))
    end = shift_periods(period, 1, rhythm)
    data = selectors.cockpit(user, today)
    with open(finders.find("steering/report.css"), encoding="utf-8") as fh:
        css = fh.read()
    html = render_to_string(
        "steering/report/controlling.html",
        {
            "cockpit": data,
            "period": period,
            "rhythm": rhythm,
            "period_label": period_name(period, rhythm),
            "municipality": home_municipality(user),
            "indicators": _indicator_sections(user, data.warnings),
            "decisions": []
            if selectors.public_only(user)
            else selectors.decisions_in(user, period, end),
            "css": css,
            "printed": timezone.now(),
        },
        request=request,
    )
    pdf = html_to_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(period, rhythm)}"'
    return response
