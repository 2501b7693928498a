"""A project: milestones, lights, reports, budget and its history of decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.engines.indicators.periods import recent_periods
from rathaus.steering import selectors
from rathaus.steering.forms import ReportForm
from rathaus.steering.models import SteeringSettings, period_name
from rathaus.steering.rules import PERM_EDIT_PROJECT, PERM_VIEW
from rathaus.steering.services.projects import (
    computed_budget_light,
    computed_time_light,
    status_report_submit,
)
from rathaus.steering.views.common import require

REPORT_PERIODS = {"monthly": 6, "quarterly": 4}  # periods offered in the report form


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, pk: int):
    require(request.user, PERM_VIEW)
    project = selectors.project_get(request.user, pk)
    today = timezone.localdate()
    can_edit = request.user.has_perm(PERM_EDIT_PROJECT, project)
    form = None
    if can_edit:
        rhythm = SteeringSettings.rhythm_of(project.municipality_id)
        periods = recent_periods(today, rhythm, REPORT_PERIODS[rhythm])
        due = periods[1]
        form = ReportForm(
            request.POST or None,
            periods=[(day, period_name(day, rhythm)) for day in periods],
            rhythm=rhythm,
            initial={
                # the period whose report is due, until it is there; then the running one
                "period": (
                    due if project.last_period is None or project.last_period < due else periods[0]
                ).isoformat(),
                "time": "green",
                "budget": "green",
                "scope": "green",
                "risk": "green",
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                status_report_submit(actor=request.user, project=project, **form.cleaned_data)
            except DomainError as exc:
                exc.show_in(form)
            else:
                messages.success(request, _("Der Statusbericht ist gespeichert."))
                return redirect("steering:project_detail", pk=project.pk)
    elif request.method == "POST":
        require(request.user, PERM_EDIT_PROJECT, project)
    budgets = selectors.budget_rows(request.user, today.year, [project])
    return render(
        request,
        "steering/project_detail.html",
        {
            "project": project,
            "light": selectors.light_of(project),
            "computed": {
                "time": computed_time_light(project, today),
                "budget": computed_budget_light(project, today),
            },
            "reports": list(project.reports.select_related("author")[:24]),
            "history": selectors.project_history(project),
            "budget_lines": list(project.budget_lines.order_by("year", "product")),
            "budget": budgets[0] if budgets else None,
            "open_cases": list(project.cases.filter(status="open")),
            "form": form,
            "can_edit": can_edit,
            "today": today,
        },
        status=400 if form is not None and form.errors else 200,
    )
