"""The standards report as PDF for the region's assembly (region or municipality, month or
quarter), chosen on a small form page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.clock import now_or
from rathaus.standards import rules
from rathaus.standards.forms import ReportForm
from rathaus.standards.pdf import Period, render_pdf, report_html, size_groups
from rathaus.standards.selectors import overview as ov
from rathaus.standards.selectors.remedy import remedy_for
from rathaus.standards.views.common import acting_region


def _towns(user, region, staff: bool):
    towns = ov.member_towns(region=region)
    return towns if staff else [t for t in towns if t.pk == user.municipality_id]


def _region_context(request, region, staff: bool, period: Period) -> dict:
    see_names = staff or ov.named(region)
    items = ov.overview(
        region=region,
        month=period.last_month,
        viewer_municipality_id=None if staff else request.user.municipality_id,
        see_names=see_names,
        span=period.span,
    )
    for item in items:
        item.groups = size_groups(item)
    title = _("Servicestandards %(region)s") % {"region": region.name}
    return {"items": items, "named": see_names, "title": title}


def _town_context(town, period: Period) -> dict:
    details = ov.municipality_detail(municipality=town, month=period.last_month, span=period.span)
    for detail in details:
        detail.remedy = remedy_for(detail, town)
    title = _("Servicestandards %(town)s") % {"town": town.name}
    return {"details": details, "town": town, "title": title}


@login_required
def report(request):
    region = acting_region(request.user)
    staff = rules.is_region_staff(request.user, region)
    towns = _towns(request.user, region, staff)
    bound = "erstellen" in request.GET
    form = ReportForm(
        request.GET if bound else None,
        towns=towns,
        region_label=_("die ganze Region (%(region)s)") % {"region": region.name},
        today=timezone.localdate(),
        initial={"monat": f"{ov.default_month(timezone.localdate()):%Y-%m}"},
    )
    if not (bound and form.is_valid()):
        status = 400 if bound else 200
        return render(
            request, "standards/report.html", {"form": form, "region": region}, status=status
        )
    last_month, span = form.period()
    period = Period(last_month, span)
    town = next((t for t in towns if t.pk == form.cleaned_data["kommune"]), None)
    context = (
        _town_context(town, period) if town else _region_context(request, region, staff, period)
    )
    html = report_html(
        template="standards/report_print.html",
        context={**context, "region": region, "period": period},
        printed=now_or(),
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    name = town.slug if town else region.slug
    response["Content-Disposition"] = (
        f'attachment; filename="servicestandards-{name}-{period.slug}.pdf"'
    )
    return response
