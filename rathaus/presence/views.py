"""Views of the presence app: thin; writes go through services, reads through selectors."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.models import Employee
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import get_scoped_or_404, home_municipality
from rathaus.engines.roster.explain import fmt_day
from rathaus.presence import selectors, services
from rathaus.presence.forms import (
    CellForm,
    CohortForm,
    CoverageForm,
    MyAbsenceForm,
    OverrideForm,
    PeriodForm,
    PlannerAbsenceForm,
    ReplanForm,
    ShiftTypeForm,
    SpaceForm,
    TeamDayForm,
    WishForm,
)
from rathaus.presence.models import (
    Absence,
    CalendarToken,
    Cohort,
    CoverageRequirement,
    EmployeeRule,
    PlanAssignment,
    PlanningPeriod,
    ShiftType,
    SolverJob,
    TeamDay,
    Wish,
)

WEEKDAY_SHORT = tuple(WEEKDAYS_ABBR[i] for i in range(7))  # Mo, Di, … (Django catalogue)


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def _period(request, pk) -> PlanningPeriod:
    _require(request.user, "presence.plan")
    return get_scoped_or_404(PlanningPeriod, request.user, pk=pk)


def _own_employee(user) -> Employee | None:
    if not user.is_authenticated:
        return None
    return Employee.objects.filter(user=user, municipality_id=user.municipality_id).first()


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


# --- planner overview and periods ---------------------------------------------------------


@login_required
def index(request):
    _require(request.user, "presence.plan")
    return render(request, "presence/index.html", {"periods": selectors.periods_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request):
    _require(request.user, "presence.plan")
    town = home_municipality(request.user)
    if town is None:
        raise PermissionDenied
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    form = PeriodForm(
        request.POST or None, municipality=town, initial={"start": monday, "weeks": 4}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("org_units")
        period = services.period_create(
            actor=request.user, municipality=town, org_units=units, **data
        )
        messages.success(
            request, _("Planungszeitraum „%(name)s“ angelegt.") % {"name": period.name}
        )
        return redirect("presence:period_detail", pk=period.pk)
    return render(request, "presence/period_form.html", {"form": form, "period": None})


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    period = _period(request, pk)
    form = PeriodForm(request.POST or None, instance=period, municipality=period.municipality)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("org_units")
        try:
            services.period_update(actor=request.user, period=period, org_units=units, **data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Regeln gespeichert."))
            return redirect("presence:period_detail", pk=period.pk)
    return render(request, "presence/period_form.html", {"form": form, "period": period})


@login_required
def period_detail(request, pk):
    period = _period(request, pk)
    job = selectors.latest_job(period)
    return render(
        request,
        "presence/period_detail.html",
        {
            "period": period,
            "job": job,
            "replan_form": ReplanForm(
                period=period, initial={"replan_from": max(period.start, timezone.localdate())}
            ),
            "has_plan": PlanAssignment.objects.filter(period=period).exists(),
            "versions": period.versions.all()[:5],
            "staff": selectors.period_staff_count(period),
        },
    )


RULE_FORMS = {
    "shift": (ShiftTypeForm, gettext_lazy("Schichtart angelegt.")),
    "coverage": (CoverageForm, gettext_lazy("Besetzungsvorgabe angelegt.")),
    "cohort": (CohortForm, gettext_lazy("Schichtteam angelegt.")),
    "teamday": (TeamDayForm, gettext_lazy("Teamtag angelegt.")),
    "override": (OverrideForm, gettext_lazy("Ausnahme gespeichert.")),
}
RULE_MODELS = {
    "shift": ShiftType,
    "coverage": CoverageRequirement,
    "cohort": Cohort,
    "teamday": TeamDay,
    "override": EmployeeRule,
}


@login_required
@require_http_methods(["GET", "POST"])
def period_rules(request, pk):
    period = _period(request, pk)
    forms = {key: cls(period=period, prefix=key) for key, (cls, _msg) in RULE_FORMS.items()}
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which == "delete":
            kind = request.POST.get("kind", "")
            model = RULE_MODELS.get(kind)
            try:
                obj_pk = int(request.POST.get("id", ""))
            except ValueError:
                obj_pk = 0
            if model is not None and period.status != PlanningPeriod.Status.SOLVING:
                try:
                    deleted, _per_model = model.objects.filter(period=period, pk=obj_pk).delete()
                except ProtectedError:
                    messages.error(
                        request,
                        _(
                            "Diese Schichtart ist im berechneten Plan eingeplant und kann erst "
                            "gelöscht werden, wenn der Plan ohne sie neu berechnet wurde."
                        ),
                    )
                else:
                    if deleted:
                        messages.success(request, _("Regel gelöscht."))
            return redirect("presence:period_rules", pk=period.pk)
        if which in RULE_FORMS:
            cls, msg = RULE_FORMS[which]
            form = cls(request.POST, period=period, prefix=which)
            forms[which] = form
            if form.is_valid():
                _save_rule(which, form, period)
                messages.success(request, msg)
                return redirect("presence:period_rules", pk=period.pk)
            messages.error(request, _("Bitte die markierten Angaben prüfen."))
    return render(
        request,
        "presence/period_rules.html",
        {
            "period": period,
            "forms": forms,
            "shift_types": period.shift_types.select_related("location"),
            "coverage": period.coverage.select_related("shift_type", "qualification"),
            "cohorts": period.cohorts.prefetch_related("members"),
            "team_days": period.team_days.select_related("org_unit"),
            "overrides": period.overrides.select_related("employee"),
        },
    )


def _save_rule(which: str, form, period: PlanningPeriod) -> None:
    town = period.municipality_id
    if which == "cohort":
        cohort = Cohort.objects.create(
            municipality_id=town, period=period, name=form.cleaned_data["name"]
        )
        cohort.members.set(form.cleaned_data["members"])
    elif which == "override":
        data = form.cleaned_data
        EmployeeRule.objects.update_or_create(
            period=period,
            employee=data["employee"],
            defaults={
                "municipality_id": town,
                "min_onsite_per_week": data["min_onsite_per_week"],
                "max_onsite_per_week": data["max_onsite_per_week"],
                "note": data["note"],
            },
        )
    else:
        obj = form.save(commit=False)
        obj.municipality_id = town
        obj.period = period
        obj.save()


@login_required
@require_http_methods(["GET", "POST"])
def period_absences(request, pk):
    period = _period(request, pk)
    form = PlannerAbsenceForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = services.absence_create(
            actor=request.user,
            employees=form.employees(),
            start=data["start"],
            end=data["end"],
            kind=data["kind"],
            note=data["note"],
        )
        messages.success(
            request,
            ngettext(
                # Translators: German keeps the neutral form "Abwesenheit(en)" for any count.
                "%(count)d Abwesenheit(en) eingetragen. "
                "Mit „ab Datum neu planen“ wird der Plan angepasst.",
                "%(count)d Abwesenheit(en) eingetragen. "
                "Mit „ab Datum neu planen“ wird der Plan angepasst.",
                len(created),
            )
            % {"count": len(created)},
        )
        return redirect("presence:period_absences", pk=period.pk)
    absences = (
        Absence.objects.filter(
            employee__in=services_staff(period), start__lte=period.end, end__gte=period.start
        )
        .select_related("employee")
        .order_by("start", "employee__last_name")
    )
    return render(
        request,
        "presence/period_absences.html",
        {"period": period, "form": form, "absences": absences},
    )


def services_staff(period: PlanningPeriod):
    from rathaus.presence.forms import period_staff

    return period_staff(period)


# --- solver jobs --------------------------------------------------------------------------


@login_required
@require_POST
def period_solve(request, pk):
    period = _period(request, pk)
    try:
        job = services.job_start(actor=request.user, period=period)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("presence:period_detail", pk=period.pk)
    return redirect("presence:job_detail", job_id=job.pk)


@login_required
@require_POST
def period_replan(request, pk):
    period = _period(request, pk)
    form = ReplanForm(request.POST, period=period)
    if not form.is_valid():
        for error in form.errors.get("replan_from", []):
            messages.error(request, error)
        return redirect("presence:period_detail", pk=period.pk)
    try:
        job = services.job_start(
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
    _require(request.user, "presence.plan")
    return get_scoped_or_404(SolverJob.objects.select_related("period"), request.user, pk=job_id)


@login_required
def job_detail(request, job_id):
    job = _job(request, job_id)
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
    services.job_cancel(actor=request.user, job=job)
    messages.info(request, _("Abbruch angefordert."))
    return redirect("presence:job_detail", job_id=job.pk)


# --- plan views ---------------------------------------------------------------------------


@login_required
def plan_grid(request, pk):
    period = _period(request, pk)
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
    period = _period(request, pk)
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
    period = _period(request, pk)
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
    period = _period(request, pk)
    try:
        version = services.publish(
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

    period = _period(request, pk)
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
    period = _period(request, pk)
    form = SpaceForm(request.POST or None, initial={"min_onsite": period.min_onsite_per_week})
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_start(
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


# --- employees ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_plan(request):
    _require(request.user, "presence.view_own_plan")
    employee = _own_employee(request.user)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    wish_form = WishForm(prefix="wish")
    absence_form = MyAbsenceForm(prefix="absence")
    if request.method == "POST" and employee is not None:
        if request.POST.get("form") == "wish":
            wish_form = WishForm(request.POST, prefix="wish")
            if wish_form.is_valid():
                services.wish_set(actor=request.user, employee=employee, **wish_form.cleaned_data)
                messages.success(
                    request,
                    _("Wunsch gespeichert. Er wird bei der nächsten Planung berücksichtigt."),
                )
                return redirect("presence:my_plan")
        elif request.POST.get("form") == "absence":
            absence_form = MyAbsenceForm(request.POST, prefix="absence")
            if absence_form.is_valid():
                services.absence_create(
                    actor=request.user, employees=[employee], **absence_form.cleaned_data
                )
                messages.success(
                    request, _("Abwesenheit eingetragen; die Planung wird informiert.")
                )
                return redirect("presence:my_plan")
    entries = (
        selectors.my_entries(employee, monday, monday + timedelta(days=55)) if employee else []
    )
    token = services.calendar_token_for(employee) if employee else None
    return render(
        request,
        "presence/my_plan.html",
        {
            "employee": employee,
            "entries": [(e, c, WEEKDAY_SHORT[e.day.weekday()]) for e, c in entries],
            "wishes": Wish.objects.filter(employee=employee, day__gte=today) if employee else [],
            "absences": Absence.objects.filter(employee=employee, end__gte=today)
            if employee
            else [],
            "wish_form": wish_form,
            "absence_form": absence_form,
            "feed_url": request.build_absolute_uri(
                reverse("presence:calendar_feed", kwargs={"token": token.token})
            )
            if token
            else None,
            "today": today,
        },
    )


@login_required
@require_POST
def wish_delete(request, pk):
    _require(request.user, "presence.view_own_plan")
    employee = _own_employee(request.user)
    wish = get_scoped_or_404(Wish, request.user, pk=pk, employee=employee)
    services.wish_delete(actor=request.user, wish=wish)
    messages.success(request, _("Wunsch gelöscht."))
    return redirect("presence:my_plan")


@login_required
@require_POST
def absence_delete(request, pk):
    _require(request.user, "presence.view_own_plan")
    absence = get_scoped_or_404(Absence.objects.select_related("employee"), request.user, pk=pk)
    own = _own_employee(request.user)
    if absence.employee != own and not request.user.has_perm("presence.plan"):
        raise Http404
    services.absence_delete(actor=request.user, absence=absence)
    messages.success(request, _("Abwesenheit gelöscht."))
    target = request.POST.get("next", "")
    if target.startswith("/planung/") and "//" not in target:
        return redirect(target)
    return redirect("presence:my_plan")


@login_required
def today(request):
    _require(request.user, "presence.view_today")
    day = timezone.localdate()
    groups, counts = selectors.today_presence(request.user, day)
    if request.headers.get("HX-Request"):
        return render(
            request, "presence/_today.html", {"groups": groups, "counts": counts, "day": day}
        )
    return render(request, "presence/today.html", {"groups": groups, "counts": counts, "day": day})


@require_GET
def calendar_feed(request, token):
    from rathaus.presence.exports import employee_calendar

    feed = CalendarToken.objects.select_related("employee").filter(token=str(token)[:64]).first()
    if feed is None or not feed.employee.active:
        raise Http404
    response = HttpResponse(
        employee_calendar(feed.employee), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="arbeitsplan.ics"'
    return response
