"""Employees' page: who is on site today, by building and floor (published plans only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from rathaus.presence.rules import PERM_VIEW_TODAY
from rathaus.presence.selectors.published import today_presence
from rathaus.presence.views.access import require_perm


@login_required
def today(request):
    require_perm(request.user, PERM_VIEW_TODAY)
    day = timezone.localdate()
    groups, counts = today_presence(request.user, day)
    template = (
        "presence/_today.html" if request.headers.get("HX-Request") else "presence/today.html"
    )
    return render(request, template, {"groups": groups, "counts": counts, "day": day})
