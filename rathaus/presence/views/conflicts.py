"""Planner action: resolve a conflict between the plan and an absence entered after it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rathaus.core.problems import DomainError
from rathaus.presence.models import PlanningPeriod
from rathaus.presence.services import conflicts
from rathaus.presence.views.access import planner_period


@login_required
@require_POST
def conflict_resolve(request, pk, absence_id):
    period = planner_period(request, pk)
    try:
        changed = conflicts.conflict_resolve(
            actor=request.user, period=period, absence_id=absence_id
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        text = ngettext(
            "Konflikt gelöst: %(count)d Tag ist jetzt als abwesend eingeplant.",
            "Konflikt gelöst: %(count)d Tage sind jetzt als abwesend eingeplant.",
            changed,
        ) % {"count": changed}
        if period.status == PlanningPeriod.Status.PUBLISHED:
            text += " " + _(
                "Bitte den Plan erneut veröffentlichen; fehlt jetzt Besetzung in einer Schicht, "
                "vorher ab diesem Tag neu planen."
            )
        messages.success(request, text)
    return redirect("presence:period_detail", pk=period.pk)
