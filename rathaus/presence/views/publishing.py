"""Planner action: publish the computed plan (new version, e-mails to the employees)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rathaus.core.problems import DomainError
from rathaus.presence.services import publishing
from rathaus.presence.views.access import planner_period


@login_required
@require_POST
def publish(request, pk):
    period = planner_period(request, pk)
    try:
        version = publishing.plan_publish(
            actor=request.user, period=period, base_url=request.build_absolute_uri("/")[:-1]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                # Translators: German keeps the neutral form "E-Mail(s)" for any count.
                "Plan veröffentlicht (Version %(number)s); %(count)d E-Mail(s) versandt.",
                "Plan veröffentlicht (Version %(number)s); %(count)d E-Mail(s) versandt.",
                version.mails_sent,
            )
            % {"number": version.number, "count": version.mails_sent},
        )
    return redirect("presence:period_detail", pk=period.pk)
