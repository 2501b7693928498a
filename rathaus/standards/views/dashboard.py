"""Region dashboard and municipality view (staff)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from rathaus.core.models import Municipality
from rathaus.standards import caching, rules
from rathaus.standards.report import workbook
from rathaus.standards.selectors import overview as ov
from rathaus.standards.selectors.remedy import remedy_for
from rathaus.standards.views.common import acting_region, chosen_month


@login_required
def dashboard(request):
    region = acting_region(request.user)
    form, month = chosen_month(request)
    staff = rules.is_region_staff(request.user, region)
    viewer = None if staff else request.user.municipality_id
    see_names = staff or ov.named(region)

    def build() -> str:
        items = ov.overview(
            region=region, month=month, viewer_municipality_id=viewer, see_names=see_names
        )
        return render_to_string("standards/_overview.html", {"items": items})

    return render(
        request,
        "standards/dashboard.html",
        {
            "region": region,
            "form": form,
            "month": month,
            "overview_html": caching.fragment(region.id, ("dash", month, viewer, see_names), build),
            "staff": staff,
            "can_manage": request.user.has_perm(rules.PERM_MANAGE_PROMISES),
            "can_import": bool(rules.import_scope(request.user, region)),
            "can_enter": bool(rules.entry_scope(request.user, region)),
        },
    )


@login_required
def municipality(request, municipality_id: int):
    region = acting_region(request.user)
    staff = rules.is_region_staff(request.user, region)
    if not staff and municipality_id != request.user.municipality_id:
        raise Http404
    town = Municipality.objects.filter(pk=municipality_id, region=region).first()
    if town is None:
        raise Http404
    form, month = chosen_month(request)
    details = ov.municipality_detail(municipality=town, month=month)
    for detail in details:
        detail.remedy = remedy_for(detail, town)
    return render(
        request,
        "standards/municipality.html",
        {"region": region, "town": town, "form": form, "month": month, "details": details},
    )


@login_required
def monthly_report(request):
    region = acting_region(request.user)
    _form, month = chosen_month(request)
    staff = rules.is_region_staff(request.user, region)
    items = ov.overview(
        region=region,
        month=month,
        viewer_municipality_id=None if staff else request.user.municipality_id,
        see_names=staff or ov.named(region),
    )
    response = HttpResponse(
        workbook(region_name=region.name, month=month, items=items),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="servicestandards-{region.slug}-{month:%Y-%m}.xlsx"'
    )
    return response
