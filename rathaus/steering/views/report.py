"""The council's controlling report of a month as PDF (WeasyPrint, like the meetings' minutes):
projects with their lights, indicators with a warning (chart and its data table), budget
deviations, open cases and the decisions of the month."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from rathaus.core.pdf import html_to_pdf
from rathaus.core.tenancy import home_municipality
from rathaus.steering import selectors
from rathaus.steering.rules import PERM_VIEW
from rathaus.steering.services.indicators import current_values
from rathaus.steering.views.common import require
from rathaus.steering.views.indicators import chart_for

CHARTS = 12  # indicators with a warning that get a chart and a table; the rest are listed


def _month(text: str | None, today: date) -> date:
    """``?monat=2026-11``; the previous month when missing or malformed."""
    try:
        return date.fromisoformat(f"{text}-01") if text else selectors.previous_month(today)
    except ValueError:
        return selectors.previous_month(today)


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
    month = _month(request.GET.get("monat"), today)
    data = selectors.cockpit(user, today)
    with open(finders.find("steering/report.css"), encoding="utf-8") as fh:
        css = fh.read()
    html = render_to_string(
        "steering/report/controlling.html",
        {
            "cockpit": data,
            "month": month,
            "municipality": home_municipality(user),
            "indicators": _indicator_sections(user, data.warnings),
            "decisions": [] if selectors.public_only(user) else selectors.decisions_in(user, month),
            "css": css,
            "printed": timezone.now(),
        },
        request=request,
    )
    pdf = html_to_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="controlling-{month:%Y-%m}.pdf"'
    return response
