"""Employees' pages: my published plan with wishes and absences, and my calendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.tenancy import get_scoped_or_404
from rathaus.presence.exports import employee_calendar
from rathaus.presence.forms import MyAbsenceForm, WishForm
from rathaus.presence.models import Wish
from rathaus.presence.rules import PERM_VIEW_OWN_PLAN
from rathaus.presence.selectors.absences import employee_absences_from
from rathaus.presence.selectors.plan import WEEKDAY_SHORT
from rathaus.presence.selectors.published import (
    calendar_feed_owner,
    calendar_token_of,
    my_entries,
)
from rathaus.presence.selectors.staff import employee_of_user
from rathaus.presence.selectors.wishes import employee_wishes_from
from rathaus.presence.services import absences, wishes
from rathaus.presence.views.access import require_perm


@login_required
@require_http_methods(["GET", "POST"])
def my_plan(request):
    require_perm(request.user, PERM_VIEW_OWN_PLAN)
    employee = employee_of_user(request.user)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    wish_form = WishForm(prefix="wish")
    absence_form = MyAbsenceForm(prefix="absence")
    if request.method == "POST" and employee is not None:
        if request.POST.get("form") == "wish":
            wish_form = WishForm(request.POST, prefix="wish")
            if wish_form.is_valid():
                wishes.wish_set(actor=request.user, employee=employee, **wish_form.cleaned_data)
                messages.success(
                    request,
                    _("Wunsch gespeichert. Er wird bei der nächsten Planung berücksichtigt."),
                )
                return redirect("presence:my_plan")
        elif request.POST.get("form") == "absence":
            absence_form = MyAbsenceForm(request.POST, prefix="absence")
            if absence_form.is_valid():
                absences.absence_create(
                    actor=request.user, employees=[employee], **absence_form.cleaned_data
                )
                messages.success(
                    request, _("Abwesenheit eingetragen; die Planung wird informiert.")
                )
                return redirect("presence:my_plan")
    entries = my_entries(employee, monday, monday + timedelta(days=55)) if employee else []
    token = calendar_token_of(employee)
    return render(
        request,
        "presence/my_plan.html",
        {
            "employee": employee,
            "entries": [(e, c, WEEKDAY_SHORT[e.day.weekday()]) for e, c in entries],
            "wishes": employee_wishes_from(employee, today),
            "absences": employee_absences_from(employee, today),
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
    require_perm(request.user, PERM_VIEW_OWN_PLAN)
    employee = employee_of_user(request.user)
    wish = get_scoped_or_404(Wish, request.user, pk=pk, employee=employee)
    wishes.wish_delete(actor=request.user, wish=wish)
    messages.success(request, _("Wunsch gelöscht."))
    return redirect("presence:my_plan")


@require_GET
def calendar_feed(request, token):
    employee = calendar_feed_owner(str(token))
    if employee is None:
        raise Http404
    response = HttpResponse(
        employee_calendar(employee), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="arbeitsplan.ics"'
    return response
