"""Planner action: publish the computed plan (new version, e-mails to the employees), after a
confirmation page that says how many people will be notified."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.presence.selectors.plan import period_has_plan, publish_audience
from rathaus.presence.services import publishing
from rathaus.presence.views.access import planner_period


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, pk):
    """GET (or a POST without the confirmation): the confirmation page; POST with
    `confirm`: publish."""
    period = planner_period(request, pk)
    if request.method == "GET" or request.POST.get("confirm") != "1":
        return render(
            request,
            "presence/publish_confirm.html",
            {
                "period": period,
                "audience": publish_audience(period),
                "has_plan": period_has_plan(period),
            },
        )
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
