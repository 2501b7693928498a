"""Planner views of solver jobs and the plan: solve, replan, grid, rooms, cell edit, publish,
export, space planning. Thin: writes go through services, reads through selectors.
"""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.core.models import Employee
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import get_scoped_or_404
from rathaus.engines.roster.explain import fmt_day
from rathaus.presence import selectors, services, services_jobs, services_publish
from rathaus.presence.forms import (
    CellForm,
    ReplanForm,
    SpaceForm,
)
from rathaus.presence.models import (
    PlanAssignment,
    SolverJob,
)
from rathaus.presence.views import WEEKDAY_SHORT, planner_period, require_perm


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


# --- solver jobs --------------------------------------------------------------------------


@login_required
@require_POST
def period_solve(request, pk):
    period = planner_period(request, pk)
    try:
        job = services_jobs.job_start(actor=request.user, period=period)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("presence:period_detail", pk=period.pk)
    return redirect("presence:job_detail", job_id=job.pk)


@login_required
@require_POST
def period_replan(request, pk):
    period = planner_period(request, pk)
    form = ReplanForm(request.POST, period=period)
    if not form.is_valid():
        for error in form.errors.get("replan_from", []):
            messages.error(request, error)
        return redirect("presence:period_detail", pk=period.pk)
    try:
        job = services_jobs.job_start(
            actor=request.user,
            period=period,
            kind=SolverJob.Kind.REPLAN,
            replan_from=form.cleaned_data["replan_from"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("presence:period_detail", pk=period.pk)
    return redirect("presence:job_detail", job_id=job.pk)


def _job(request, job_id) -> SolverJob:
    require_perm(request.user, "presence.plan")
    return get_scoped_or_404(SolverJob.objects.select_related("period"), request.user, pk=job_id)


@login_required
def job_detail(request, job_id):
    job = _job(request, job_id)
    # A GET that may write: a job whose worker died is failed here (through the service), so
    # the planner learns it even when beat is not running. Cheap when nothing is stale.
    if job.active and services_jobs.jobs_fail_stale(job=job):
        job.refresh_from_db()
    template = (
        "presence/_job_status.html"
        if request.headers.get("HX-Request")
        else "presence/job_detail.html"
    )
    return render(request, template, {"job": job, "period": job.period})


@login_required
@require_POST
def job_cancel(request, job_id):
    job = _job(request, job_id)
    services_jobs.job_cancel(actor=request.user, job=job)
    messages.info(request, _("Abbruch angefordert."))
    return redirect("presence:job_detail", job_id=job.pk)


# --- plan views ---------------------------------------------------------------------------


@login_required
def plan_grid(request, pk):
    period = planner_period(request, pk)
    unit = (request.GET.get("oe") or "").strip()[:20] or None
    rows = selectors.plan_grid(period, org_unit=unit)
    days = period.days
    return render(
        request,
        "presence/plan_grid.html",
        {
            "period": period,
            "rows": rows,
            "days": [(d, WEEKDAY_SHORT[d.weekday()]) for d in days],
            "legend": selectors.LEGEND,
            "units": period.org_units.order_by("code"),
            "unit": unit,
        },
    )


@login_required
def room_view(request, pk):
    period = planner_period(request, pk)
    rows = selectors.room_occupancy(period)
    days = [d for d in period.days if d.weekday() < 5]
    return render(
        request,
        "presence/rooms.html",
        {"period": period, "rows": rows, "days": [(d, WEEKDAY_SHORT[d.weekday()]) for d in days]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cell_edit(request, pk, employee_id, day):
    period = planner_period(request, pk)
    day = _parse_day(day)
    employee = get_scoped_or_404(Employee, request.user, pk=employee_id)
    row = (
        PlanAssignment.objects.filter(period=period, employee=employee, day=day)
        .select_related("room", "shift_type")
        .first()
    )
    if row is None:
        raise Http404
    initial = {"activity": row.activity, "room": row.room_id, "shift_type": row.shift_type_id}
    form = CellForm(request.POST or None, period=period, employee=employee, initial=initial)
    refused = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cell_update(
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
            messages.success(
                request,
                _("Eintrag für %(employee)s am %(day)s geändert.")
                % {"employee": employee, "day": fmt_day(day)},
            )
            return redirect(
                reverse("presence:plan_grid", kwargs={"pk": period.pk}) + f"#e{employee.pk}"
            )
    return render(
        request,
        "presence/cell_form.html",
        {
            "period": period,
            "employee": employee,
            "day": day,
            "form": form,
            "row": row,
            "refused": refused,
        },
        status=422 if refused else 200,
    )


@login_required
@require_POST
def publish(request, pk):
    period = planner_period(request, pk)
    try:
        version = services_publish.publish(
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


@login_required
def export_xlsx(request, pk):
    from rathaus.presence.exports import plan_workbook

    period = planner_period(request, pk)
    buffer = io.BytesIO()
    plan_workbook(period).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{period.start:%Y-%m-%d}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def space(request, pk):
    period = planner_period(request, pk)
    form = SpaceForm(request.POST or None, initial={"min_onsite": period.min_onsite_per_week})
    if request.method == "POST" and form.is_valid():
        try:
            job = services_jobs.job_start(
                actor=request.user,
                period=period,
                kind=SolverJob.Kind.SPACE,
                params={"min_onsite": form.cleaned_data["min_onsite"]},
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("presence:job_detail", job_id=job.pk)
    job = period.jobs.filter(kind=SolverJob.Kind.SPACE).order_by("-created_at", "-pk").first()
    chart = _space_chart(job.result) if job and job.result.get("curve") else None
    return render(
        request, "presence/space.html", {"period": period, "form": form, "job": job, "chart": chart}
    )


def _space_chart(result: dict) -> dict:
    """Coordinates of an SVG line chart: seats (x) against the fairness penalty (y)."""
    curve = result["curve"]
    w, h, pad = 560, 240, 48
    xs = [c["seats"] for c in curve]
    ys = [c["fairness"] + c["wishes"] + c["team_days"] for c in curve]
    x0, x1 = min(xs), max(xs) or 1
    y1 = max(ys) or 1
    points = []
    for c, x, y in zip(curve, xs, ys, strict=True):
        px = pad + (w - 2 * pad) * ((x - x0) / (x1 - x0) if x1 > x0 else 0.5)
        py = h - pad - (h - 2 * pad) * (y / y1)
        points.append({"x": round(px, 1), "y": round(py, 1), "seats": x, "penalty": y, "row": c})
    return {
        "width": w,
        "height": h,
        "pad": pad,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "ymax": y1,
        "axis_y": h - pad,
        "axis_x_end": w - pad,
    }
