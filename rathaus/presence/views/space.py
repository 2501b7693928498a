"""Planner page of space planning: how many desks a hybrid policy needs (a solver job)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.presence.forms import SpaceForm
from rathaus.presence.models import SolverJob
from rathaus.presence.selectors.periods import latest_space_job
from rathaus.presence.services import solving
from rathaus.presence.views.access import planner_period


@login_required
@require_http_methods(["GET", "POST"])
def space(request, pk):
    period = planner_period(request, pk)
    form = SpaceForm(request.POST or None, initial={"min_onsite": period.min_onsite_per_week})
    if request.method == "POST" and form.is_valid():
        try:
            job = solving.job_start(
                actor=request.user,
                period=period,
                kind=SolverJob.Kind.SPACE,
                params={"min_onsite": form.cleaned_data["min_onsite"]},
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("presence:job_detail", job_id=job.pk)
    job = latest_space_job(period)
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
