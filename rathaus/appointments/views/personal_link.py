"""Citizen pages behind the personal link (confirm, view, cancel, reschedule) and the
reminder e-mail's links (attend, release).

Citizens never log in: the raw token in the URL is the only key. Views stay thin: services
do the work.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.appointments.mails import day_text, ics_for
from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import catalogue
from rathaus.appointments.selectors.appointments import (
    appointment_get_by_reminder_token,
    appointment_get_by_token,
)
from rathaus.appointments.services import booking
from rathaus.appointments.views.booking import (
    appointment_context,
    calendar_context,
    demand_label,
    demand_query,
    parse_day,
    parse_start,
    slot_choices,
)
from rathaus.core.problems import DomainError

S = Appointment.Status


def _by_token_or_404(token) -> Appointment:
    try:
        return appointment_get_by_token(token=token)
    except DomainError as exc:
        raise Http404 from exc


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    appointment = _by_token_or_404(token)
    if request.method == "POST":
        try:
            booking.appointment_confirm(token=token)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Vielen Dank! Ihr Termin ist bestätigt. "
                    "Sie erhalten eine E-Mail mit Kalenderdatei."
                ),
            )
        return HttpResponseRedirect(reverse("appointments:personal", args=[token]))
    if appointment.status != S.PENDING:
        return HttpResponseRedirect(reverse("appointments:personal", args=[token]))
    return render(request, "appointments/confirm.html", appointment_context(appointment))


def _active(appointment: Appointment) -> bool:
    """Still to come and neither cancelled nor expired: it can be moved, cancelled, saved."""
    return appointment.status in (S.PENDING, S.CONFIRMED) and appointment.start > timezone.now()


@never_cache
@require_GET
def personal(request, token):
    appointment = _by_token_or_404(token)
    if appointment.status == S.HELD:
        raise Http404
    context = appointment_context(appointment)
    active = _active(appointment)
    book_again = reverse("appointments:location", args=[appointment.location_id])
    demand = catalogue.demand_of(appointment)
    if demand:
        book_again += "?" + demand_query(demand)
    context.update(
        {
            "token": token,
            "can_change": active,
            "cancelled": appointment.status == S.CANCELLED,
            "book_again_url": None if active else book_again,
        }
    )
    return render(request, "appointments/personal.html", context)


@never_cache
@require_GET
def personal_ics(request, token):
    """The appointment as an iCalendar file (the same as the confirmation's attachment)."""
    appointment = _by_token_or_404(token)
    if appointment.status == S.HELD:
        raise Http404
    personal_url = request.build_absolute_uri(reverse("appointments:personal", args=[token]))
    cancelled = appointment.status in (S.CANCELLED, S.EXPIRED)
    response = HttpResponse(
        ics_for(appointment, personal_url="" if cancelled else personal_url, cancel=cancelled),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="termin.ics"'
    return response


@require_POST
def cancel(request, token):
    appointment = _by_token_or_404(token)
    try:
        booking.appointment_cancel(appointment=appointment)
    except DomainError as exc:
        messages.error(request, exc.message)
    # the personal page itself says "Dieser Termin ist abgesagt." and offers a new booking
    return HttpResponseRedirect(reverse("appointments:personal", args=[token]))


@never_cache
@require_GET
def reschedule(request, token):
    appointment = _by_token_or_404(token)
    if appointment.status not in (S.PENDING, S.CONFIRMED):
        raise Http404
    demand = catalogue.demand_of(appointment)
    context = calendar_context(
        appointment.location,
        demand,
        request.GET.get("monat"),
        timezone.now(),
        day_url_name="appointments:reschedule_day",
        day_url_kwargs={"token": token},
    )
    context.update(appointment_context(appointment))
    context["token"] = token
    return render(request, "appointments/reschedule.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def reschedule_day(request, token, day):
    appointment = _by_token_or_404(token)
    if appointment.status not in (S.PENDING, S.CONFIRMED):
        raise Http404
    location = appointment.location
    the_day = parse_day(day)
    if request.method == "POST":
        start = parse_start(request.POST.get("start"), catalogue.local_tz(location))
        if start is None:
            messages.error(request, _("Bitte wählen Sie eine Uhrzeit aus."))
        else:
            try:
                booking.appointment_reschedule(appointment=appointment, start=start)
                booking.appointment_send_moved_mail(appointment=appointment, token=token)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, _("Ihr Termin wurde verschoben. Sie erhalten eine E-Mail.")
                )
                return HttpResponseRedirect(reverse("appointments:personal", args=[token]))
    demand = catalogue.demand_of(appointment)
    return render(
        request,
        "appointments/day.html",
        {
            "location": location,
            "day_label": day_text(the_day),
            "slots": slot_choices(location, demand, the_day, timezone.now()),
            "demand": {},
            "demand_labels": demand_label(demand),
            "action": request.path,
            "reschedule": True,
            "back_url": reverse("appointments:reschedule", args=[token])
            + f"?monat={the_day:%Y-%m}",
        },
    )


def _by_reminder_token_or_404(token) -> Appointment:
    appointment = appointment_get_by_reminder_token(token=token)
    if appointment is None:
        raise Http404
    return appointment


@never_cache
@require_http_methods(["GET", "POST"])
def attend(request, token):
    appointment = _by_reminder_token_or_404(token)
    done = False
    if request.method == "POST":
        try:
            booking.appointment_attend(appointment=appointment)
            done = True
        except DomainError as exc:
            messages.error(request, exc.message)
    context = appointment_context(appointment)
    context.update({"mode": "attend", "done": done or bool(appointment.attendance_confirmed_at)})
    return render(request, "appointments/reminder_action.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def release(request, token):
    appointment = _by_reminder_token_or_404(token)
    done = appointment.status == S.CANCELLED
    if request.method == "POST" and not done:
        try:
            booking.appointment_cancel(appointment=appointment)
            done = True
        except DomainError as exc:
            messages.error(request, exc.message)
    context = appointment_context(appointment)
    context.update({"mode": "release", "done": done})
    return render(request, "appointments/reminder_action.html", context)
