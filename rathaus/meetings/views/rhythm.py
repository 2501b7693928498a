"""A series' rhythm: the indicators it follows, the app's proposal, a person's decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.meetings import indicators, selectors
from rathaus.meetings.forms import IndicatorTieForm
from rathaus.meetings.rules import PERM_MANAGE
from rathaus.meetings.services import rhythm as services
from rathaus.meetings.views.common import require, require_view


def _to_series(series_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("meetings:series_rhythm", args=[series_id]))


@login_required
@require_http_methods(["GET", "POST"])
def series_rhythm(request, series_id):
    require_view(request.user)
    series = selectors.series_get(request.user, series_id)
    can_manage = request.user.has_perm(PERM_MANAGE)
    choices = indicators.choices_for(series.municipality_id)
    form = IndicatorTieForm(
        request.POST or None, choices=choices, initial={"indicators": series.indicator_ids}
    )
    if request.method == "POST":
        require(request.user, PERM_MANAGE)
        if form.is_valid():
            try:
                services.series_indicators_set(
                    actor=request.user,
                    series=series,
                    indicator_ids=form.cleaned_data["indicators"],
                )
                services.rhythm_check(series=series)
            except DomainError as exc:
                exc.show_in(form)
            else:
                messages.success(request, _("Kennzahlen gespeichert und Rhythmus geprüft."))
                return _to_series(series.pk)
    context = {
        "series": series,
        "body": series.body,
        "signals": indicators.signals_for(series.municipality_id, series.indicator_ids),
        "proposals": selectors.rhythm_proposals_of(series),
        "form": form,
        "has_indicators": bool(choices),
        "can_manage": can_manage,
    }
    return render(request, "meetings/rhythm/series.html", context)


@login_required
@require_POST
def rhythm_check(request, series_id):
    require(request.user, PERM_MANAGE)
    series = selectors.series_get(request.user, series_id)
    if services.rhythm_check(series=series) is None:
        messages.info(request, _("Der Rhythmus passt zur Lage; kein Vorschlag."))
    return _to_series(series.pk)


@login_required
@require_POST
def rhythm_decide(request, proposal_id, answer):
    require(request.user, PERM_MANAGE)
    proposal = selectors.rhythm_proposal_get(request.user, proposal_id)
    accept = answer == "uebernehmen"
    try:
        services.rhythm_decide(actor=request.user, proposal=proposal, accept=accept)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Neuer Rhythmus ab morgen übernommen.") if accept else _("Vorschlag abgelehnt."),
        )
    return _to_series(proposal.series_id)
