"""Employees' views: my plan with wishes and absences, today's overview, calendar feed."""

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
from rathaus.presence import selectors, services, services_publish
from rathaus.presence.forms import (
    MyAbsenceForm,
    WishForm,
)
from rathaus.presence.models import (
    Absence,
    CalendarToken,
    Wish,
)
from rathaus.presence.views import WEEKDAY_SHORT, own_employee, require_perm

# --- employees ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_plan(request):
    require_perm(request.user, "presence.view_own_plan")
    employee = own_employee(request.user)
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
    token = services_publish.calendar_token_for(employee) if employee else None
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
    require_perm(request.user, "presence.view_own_plan")
    employee = own_employee(request.user)
    wish = get_scoped_or_404(Wish, request.user, pk=pk, employee=employee)
    services.wish_delete(actor=request.user, wish=wish)
    messages.success(request, _("Wunsch gelöscht."))
    return redirect("presence:my_plan")


@login_required
@require_POST
def absence_delete(request, pk):
    require_perm(request.user, "presence.view_own_plan")
    absence = get_scoped_or_404(Absence.objects.select_related("employee"), request.user, pk=pk)
    own = own_employee(request.user)
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
    require_perm(request.user, "presence.view_today")
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
