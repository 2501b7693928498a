"""The leadership cockpit (start page of the leadership role) and the strategy tree."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from rathaus.core.charts import sparkline
from rathaus.core.navigation import entries_for
from rathaus.core.tenancy import municipality_ids_for
from rathaus.steering import caching, selectors
from rathaus.steering.exports import cockpit_workbook
from rathaus.steering.rules import (
    PERM_CREATE_PROJECT,
    PERM_DECIDE,
    PERM_MANAGE_INDICATORS,
    PERM_VIEW,
)
from rathaus.steering.views.common import require


def _row_renderer(template: str):
    def render(row) -> str:
        return render_to_string(template, {"i": row, "spark": sparkline(row.spark)})

    return render


def _cockpit_body(user, today) -> str:
    data = selectors.cockpit(user, today)
    language = translation.get_language()
    return render_to_string(
        "steering/_cockpit_body.html",
        {
            "cockpit": data,
            "today": today,
            "warning_rows": caching.rendered_by_content(
                f"warning:{language}",
                data.warnings,
                _row_renderer("steering/_cockpit_warning_row.html"),
            ),
            "indicator_rows": caching.rendered_by_content(
                f"indicator:{language}",
                data.indicators,
                _row_renderer("steering/_cockpit_indicator_row.html"),
            ),
        },
    )


@login_required
def cockpit(request):
    """Parts that depend on nothing but the data are rendered once per version of the data
    (see ``caching``); the user's own parts (forms, further tasks) around them every time."""
    require(request.user, PERM_VIEW)
    user = request.user
    today = timezone.localdate()
    key = caching.key(
        municipality_ids_for(user),
        "public" if selectors.public_only(user) else "all",
        translation.get_language(),
        today.isoformat(),
    )
    body = caching.get_or_render(key, lambda: _cockpit_body(user, today))
    return render(
        request,
        "steering/cockpit.html",
        {
            "body": mark_safe(body),  # noqa: S308 - our own template's output
            "entries": entries_for(user),
            "can_analyse": user.has_perm(PERM_MANAGE_INDICATORS),
        },
    )


@login_required
def strategy(request):
    require(request.user, PERM_VIEW)
    plan = selectors.current_plan(request.user)
    fields = selectors.tree(request.user, plan)
    return render(
        request,
        "steering/strategy.html",
        {
            "plan": plan,
            "fields": fields,
            "programmes": selectors.programmes_of(request.user, plan, fields),
            "can_retreat": request.user.has_perm(PERM_DECIDE),
            "can_create": request.user.has_perm(PERM_CREATE_PROJECT),
        },
    )


@login_required
def programme_detail(request, pk: int):
    """The drill-down from the cockpit: a programme's projects across its action fields."""
    require(request.user, PERM_VIEW)
    return render(
        request,
        "steering/programme_detail.html",
        {"view": selectors.programme_get(request.user, pk)},
    )


@login_required
def cockpit_export(request):
    require(request.user, PERM_VIEW)
    today = timezone.localdate()
    data = selectors.cockpit(request.user, today)
    response = HttpResponse(
        cockpit_workbook(data, today),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="cockpit-{today:%Y-%m-%d}.xlsx"'
    return response
