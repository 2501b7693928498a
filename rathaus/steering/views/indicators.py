"""An indicator: chart with band and forecast, data table, warnings, revisions, manual entry."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.core.charts import line_chart, sparkline
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import home_municipality
from rathaus.steering import selectors
from rathaus.steering.forms import ValueForm
from rathaus.steering.rules import PERM_MANAGE_INDICATORS, PERM_VIEW
from rathaus.steering.services.indicators import (
    current_values,
    indicator_value_confirm,
    indicator_value_record,
    indicators_analyse_all,
)
from rathaus.steering.services.projects import projects_sweep
from rathaus.steering.views.common import require


def chart_for(indicator, values):
    analysis = indicator.analysis or {}
    targets = {t.year: t for t in indicator.targets.all()}
    actual = [(d, v.value) for d, v in values.items()]
    forecast = [(date.fromisoformat(d), v, lo, hi) for d, v, lo, hi in analysis.get("forecast", [])]
    months = [d for d, _v in actual] + [d for d, *_ in forecast]
    band = [(d, targets[d.year].lower, targets[d.year].upper) for d in months if d.year in targets]
    return line_chart(
        title=f"{indicator.name} ({indicator.area})",
        unit=indicator.unit,
        actual=actual,
        band=band,
        forecast=forecast,
        summary=analysis.get("explanation", ""),
    )


@login_required
def indicator_list(request):
    """Every indicator, worst first, 100 a page (the cockpit shows only the worst 100)."""
    require(request.user, PERM_VIEW)
    page = Paginator(selectors.indicator_rows_for(request.user), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "steering/indicator_list.html",
        {"page": page, "sparks": {i.pk: sparkline(i.spark) for i in page.object_list}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request, pk: int):
    require(request.user, PERM_VIEW)
    indicator = selectors.indicator_get(request.user, pk)
    can_manage = request.user.has_perm(PERM_MANAGE_INDICATORS)
    form = ValueForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require(request.user, PERM_MANAGE_INDICATORS)
        if form.is_valid():
            try:
                indicator_value_record(
                    actor=request.user, indicator=indicator, four_eyes=True, **form.cleaned_data
                )
            except DomainError as exc:
                exc.show_in(form)
            else:
                messages.success(
                    request,
                    _("Der Wert ist erfasst und zählt, sobald eine zweite Person ihn bestätigt."),
                )
                return redirect("steering:indicator_detail", pk=indicator.pk)
    values = current_values(indicator)
    return render(
        request,
        "steering/indicator_detail.html",
        {
            "indicator": indicator,
            "analysis": indicator.analysis or {},
            "chart": chart_for(indicator, values),
            "targets": list(indicator.targets.all()),
            "revisions": [r for r in selectors.indicator_rows(indicator) if r.version > 1][-12:],
            "pending": selectors.pending_values(indicator) if can_manage else [],
            "proxies": list(indicator.proxies.all()),
            "open_cases": list(indicator.cases.filter(status="open")) if can_manage else [],
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def value_confirm(request, pk: int, value_id: int):
    require(request.user, PERM_MANAGE_INDICATORS)
    indicator = selectors.indicator_get(request.user, pk)
    value = next((v for v in selectors.pending_values(indicator) if v.pk == value_id), None)
    if value is None:
        messages.error(request, _("Dieser Wert wartet nicht auf Bestätigung."))
    else:
        try:
            indicator_value_confirm(actor=request.user, value=value)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Der Wert ist bestätigt."))
    return redirect("steering:indicator_detail", pk=indicator.pk)


@login_required
@require_POST
def analyse_all(request):
    """Re-analyses every indicator and sweeps projects: opens cases for new deviations."""
    require(request.user, PERM_MANAGE_INDICATORS)
    municipality = home_municipality(request.user)
    if municipality is None:
        raise PermissionDenied
    count = indicators_analyse_all(municipality=municipality)
    opened = projects_sweep(municipality=municipality)
    messages.success(
        request,
        _("%(n)d Kennzahlen analysiert, %(o)d neue Steuerungsfälle aus Projekten.")
        % {"n": count, "o": opened},
    )
    return redirect("steering:cockpit")
