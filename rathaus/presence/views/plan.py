"""Planner pages of the computed plan: the grid, room occupancy, editing one cell, the Excel
export."""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core.models import Employee
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import get_scoped_or_404
from rathaus.engines.roster.explain import fmt_day
from rathaus.presence.exports import plan_workbook
from rathaus.presence.forms import CellForm
from rathaus.presence.selectors import plan as plan_selectors
from rathaus.presence.selectors.plan import WEEKDAY_SHORT
from rathaus.presence.services import plan
from rathaus.presence.views.access import planner_period


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


@login_required
def plan_grid(request, pk):
    period = planner_period(request, pk)
    unit = (request.GET.get("oe") or "").strip()[:20] or None
    rows = plan_selectors.plan_grid(period, org_unit=unit)
    days = period.days
    return render(
        request,
        "presence/plan_grid.html",
        {
            "period": period,
            "rows": rows,
            "days": [(d, WEEKDAY_SHORT[d.weekday()]) for d in days],
            "legend": plan_selectors.LEGEND,
            "units": period.org_units.order_by("code"),
            "unit": unit,
        },
    )


@login_required
def room_view(request, pk):
    period = planner_period(request, pk)
    rows = plan_selectors.room_occupancy(period)
    days = [d for d in period.days if d.weekday() < 5]
    return render(
        request,
        "presence/rooms.html",
        {"period": period, "rows": rows, "days": [(d, WEEKDAY_SHORT[d.weekday()]) for d in days]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cell_edit(request, pk, employee_id, day):
    """One cell's form: a page of its own, or (htmx) inside the grid page, where saving
    replaces only the person's row instead of reloading the whole grid."""
    period = planner_period(request, pk)
    day = _parse_day(day)
    employee = get_scoped_or_404(Employee, request.user, pk=employee_id)
    row = plan_selectors.plan_row(period, employee, day)
    if row is None:
        raise Http404
    inline = bool(request.headers.get("HX-Request"))
    initial = {"activity": row.activity, "room": row.room_id, "shift_type": row.shift_type_id}
    form = CellForm(request.POST or None, period=period, employee=employee, initial=initial)
    if inline:
        form.fields["activity"].widget.attrs["autofocus"] = True
    refused = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan.cell_update(
                actor=request.user,
                period=period,
                employee=employee,
                day=day,
                activity=data["activity"],
                room=data.get("room"),
                shift_type=data.get("shift_type"),
            )
        except DomainError as exc:
            refused = exc
            form.add_error(None, exc.message)
        else:
            saved = _("Eintrag für %(employee)s am %(day)s geändert.") % {
                "employee": employee,
                "day": fmt_day(day),
            }
            if inline:
                (grid_row,) = plan_selectors.plan_grid(period, employee_id=employee.pk)
                return render(
                    request,
                    "presence/_cell_saved.html",
                    {"period": period, "row": grid_row, "saved_message": saved},
                )
            messages.success(request, saved)
            return redirect(
                reverse("presence:plan_grid", kwargs={"pk": period.pk}) + f"#e{employee.pk}"
            )
    context = {
        "period": period,
        "employee": employee,
        "day": day,
        "form": form,
        "row": row,
        "refused": refused,
    }
    if inline:  # htmx swaps 200 answers only: the refusal is in the form
        return render(request, "presence/_cell_form.html", context)
    return render(request, "presence/cell_form.html", context, status=422 if refused else 200)


@login_required
def export_xlsx(request, pk):
    period = planner_period(request, pk)
    buffer = io.BytesIO()
    plan_workbook(period).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{period.start:%Y-%m-%d}.xlsx"'
    return response
