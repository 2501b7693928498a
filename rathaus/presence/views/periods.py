"""Planner pages of planning periods: the overview, creating and editing a period, its page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.core.tenancy import home_municipality, scoped_municipalities
from rathaus.presence.forms import PeriodForm, ReplanForm
from rathaus.presence.rules import PERM_PLAN
from rathaus.presence.selectors import periods as period_selectors
from rathaus.presence.selectors.conflicts import absence_conflicts
from rathaus.presence.selectors.plan import period_has_plan
from rathaus.presence.selectors.staff import period_employees
from rathaus.presence.services import jobs
from rathaus.presence.services import periods as period_services
from rathaus.presence.views.access import planner_period, require_perm


@login_required
def index(request):
    require_perm(request.user, PERM_PLAN)
    periods = list(period_selectors.periods_for(request.user))
    today = timezone.localdate()
    for p in periods:  # conflicts with absences, for periods with a plan that is not over
        planned = p.status in ("solved", "published") and p.end >= today
        p.conflict_count = len(absence_conflicts(p)) if planned else 0
    return render(request, "presence/index.html", {"periods": periods})


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request):
    require_perm(request.user, PERM_PLAN)
    towns = scoped_municipalities(request.user)
    town = _chosen_town(request, towns)
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    form = PeriodForm(
        request.POST or None, municipality=town, initial={"start": monday, "weeks": 4}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("org_units")
        period = period_services.period_create(
            actor=request.user, municipality=town, org_units=units, **data
        )
        messages.success(
            request, _("Planungszeitraum „%(name)s“ angelegt.") % {"name": period.name}
        )
        return redirect("presence:period_detail", pk=period.pk)
    return render(
        request,
        "presence/period_form.html",
        {"form": form, "period": None, "towns": towns if towns.count() > 1 else [], "town": town},
    )


def _chosen_town(request, towns):
    """The user's municipality, or the one a region admin chose (?kommune=…)."""
    town = home_municipality(request.user)
    if town is None:
        raise PermissionDenied
    chosen = request.GET.get("kommune", "")
    if chosen:
        # region admins choose the municipality (the first of the region is only the default)
        town = towns.filter(pk=chosen).first() if chosen.isdigit() else None
        if town is None:
            raise Http404
    return town


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    period = planner_period(request, pk)
    form = PeriodForm(request.POST or None, instance=period, municipality=period.municipality)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("org_units")
        try:
            period_services.period_update(
                actor=request.user, period=period, org_units=units, **data
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Regeln gespeichert."))
            return redirect("presence:period_detail", pk=period.pk)
    return render(request, "presence/period_form.html", {"form": form, "period": period})


@login_required
def period_detail(request, pk):
    period = planner_period(request, pk)
    # A GET that may write: fails the period's job if its worker died (see job_detail).
    if jobs.jobs_fail_stale(period=period):
        period.refresh_from_db()
    job = period_selectors.latest_job(period)
    return render(
        request,
        "presence/period_detail.html",
        {
            "period": period,
            "job": job,
            "replan_form": ReplanForm(
                period=period, initial={"replan_from": max(period.start, timezone.localdate())}
            ),
            "has_plan": period_has_plan(period),
            "versions": period_selectors.recent_versions(period),
            "staff": period_employees(period).count(),
            "conflicts": absence_conflicts(period),
            "has_shift_types": period.shift_types.exists(),
            "other_periods": period_selectors.periods_for(request.user)
            .filter(municipality_id=period.municipality_id)
            .exclude(pk=period.pk)
            .exists(),
        },
    )
