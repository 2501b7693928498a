"""Absences: the planner's list and form for a period, and deleting one (planner or owner)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.presence.forms import PlannerAbsenceForm
from rathaus.presence.rules import PERM_PLAN, PERM_VIEW_OWN_PLAN
from rathaus.presence.selectors import absences as absence_selectors
from rathaus.presence.selectors.staff import employee_of_user
from rathaus.presence.services import absences
from rathaus.presence.views.access import planner_period, require_perm


@login_required
@require_http_methods(["GET", "POST"])
def period_absences(request, pk):
    period = planner_period(request, pk)
    form = PlannerAbsenceForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = absences.absence_create(
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
    return render(
        request,
        "presence/period_absences.html",
        {"period": period, "form": form, "absences": absence_selectors.period_absences(period)},
    )


@login_required
@require_POST
def absence_delete(request, pk):
    require_perm(request.user, PERM_VIEW_OWN_PLAN)
    absence = absence_selectors.absence_for_user(request.user, pk)
    if absence.employee != employee_of_user(request.user) and not request.user.has_perm(PERM_PLAN):
        raise Http404
    absences.absence_delete(actor=request.user, absence=absence)
    messages.success(request, _("Abwesenheit gelöscht."))
    target = request.POST.get("next", "")
    if target.startswith("/planung/") and "//" not in target:
        return redirect(target)
    return redirect("presence:my_plan")
