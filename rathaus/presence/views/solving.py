"""Planner pages of solver jobs: solve, replan from a date, a job's progress, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.core.problems import DomainError
from rathaus.presence.forms import ReplanForm
from rathaus.presence.models import SolverJob
from rathaus.presence.services import jobs, solving
from rathaus.presence.views.access import planner_job, planner_period


@login_required
@require_POST
def period_solve(request, pk):
    period = planner_period(request, pk)
    try:
        job = solving.job_start(actor=request.user, period=period)
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
        job = solving.job_start(
            actor=request.user,
            period=period,
            kind=SolverJob.Kind.REPLAN,
            replan_from=form.cleaned_data["replan_from"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("presence:period_detail", pk=period.pk)
    return redirect("presence:job_detail", job_id=job.pk)


@login_required
def job_detail(request, job_id):
    job = planner_job(request, job_id)
    # A GET that may write: a job whose worker died is failed here (through the service), so
    # the planner learns it even when beat is not running. Cheap when nothing is stale.
    if job.active and jobs.jobs_fail_stale(job=job):
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
    job = planner_job(request, job_id)
    jobs.job_cancel(actor=request.user, job=job)
    messages.info(request, _("Abbruch angefordert."))
    return redirect("presence:job_detail", job_id=job.pk)
