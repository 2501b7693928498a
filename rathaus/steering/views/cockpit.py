"""The leadership cockpit (start page of the leadership role) and the strategy tree."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rathaus.core.charts import sparkline
from rathaus.core.navigation import entries_for
from rathaus.steering import selectors
from rathaus.steering.exports import cockpit_workbook
from rathaus.steering.rules import PERM_DECIDE, PERM_MANAGE_INDICATORS, PERM_VIEW
from rathaus.steering.views.common import require


@login_required
def cockpit(request):
    require(request.user, PERM_VIEW)
    today = timezone.localdate()
    data = selectors.cockpit(request.user, today)
    shown = {i.pk: i for i in data.indicators + data.warnings}
    sparks = {pk: sparkline(i.spark) for pk, i in shown.items()}
    return render(
        request,
        "steering/cockpit.html",
        {
            "cockpit": data,
            "sparks": sparks,
            "today": today,
            "entries": entries_for(request.user),
            "can_analyse": request.user.has_perm(PERM_MANAGE_INDICATORS),
        },
    )


@login_required
def strategy(request):
    require(request.user, PERM_VIEW)
    return render(
        request,
        "steering/strategy.html",
        {
            "plan": selectors.current_plan(request.user),
            "fields": selectors.tree(request.user),
            "can_retreat": request.user.has_perm(PERM_DECIDE),
        },
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
