"""Views of the presence app (planner overview, periods and their rules), and the helpers the
other view modules share. Thin: writes go through services, reads through selectors.

Solver jobs and the plan itself: views_plan.py; employees' own plan: views_personal.py.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from rathaus.core.models import Employee
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import get_scoped_or_404, home_municipality, scoped_municipalities
from rathaus.presence import selectors, services, services_jobs
from rathaus.presence.forms import (
    CohortForm,
    CoverageForm,
    OverrideForm,
    PeriodForm,
    PlannerAbsenceForm,
    ReplanForm,
    ShiftTypeForm,
    TeamDayForm,
)
from rathaus.presence.models import (
    Absence,
    Cohort,
    CoverageRequirement,
    EmployeeRule,
    PlanAssignment,
    PlanningPeriod,
    ShiftType,
    TeamDay,
)

WEEKDAY_SHORT = tuple(WEEKDAYS_ABBR[i] for i in range(7))  # Mo, Di, … (Django catalogue)


def require_perm(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def planner_period(request, pk) -> PlanningPeriod:
    require_perm(request.user, "presence.plan")
    return get_scoped_or_404(PlanningPeriod, request.user, pk=pk)


def own_employee(user) -> Employee | None:
    if not user.is_authenticated:
        return None
    return Employee.objects.filter(user=user, municipality_id=user.municipality_id).first()


# --- planner overview and periods ---------------------------------------------------------


@login_required
def index(request):
    require_perm(request.user, "presence.plan")
    return render(request, "presence/index.html", {"periods": selectors.periods_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request):
    require_perm(request.user, "presence.plan")
    towns = scoped_municipalities(request.user)
    town = home_municipality(request.user)
    if town is None:
        raise PermissionDenied
    chosen = request.GET.get("kommune", "")
    if chosen:
        # region admins choose the municipality (the first of the region is only the default)
        town = towns.filter(pk=chosen).first() if chosen.isdigit() else None
        if town is None:
            raise Http404
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
    return render(
        request,
        "presence/period_form.html",
        {"form": form, "period": None, "towns": towns if towns.count() > 1 else [], "town": town},
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    period = planner_period(request, pk)
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
    period = planner_period(request, pk)
    # A GET that may write: fails the period's job if its worker died (see job_detail).
    if services_jobs.jobs_fail_stale(period=period):
        period.refresh_from_db()
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
    period = planner_period(request, pk)
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
    period = planner_period(request, pk)
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
