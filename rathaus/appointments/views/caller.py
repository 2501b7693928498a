"""Pages on which a clerk serves a caller (phone or desk): book an appointment for them,
find appointments by name or number, move and cancel them (issue 11).

Thin views: forms in :mod:`~rathaus.appointments.forms.caller`, writes in
:mod:`~rathaus.appointments.services.caller` (same rules as a citizen's booking, audited,
source "durch Bürgerbüro"), reads in :mod:`~rathaus.appointments.selectors.caller`. Domain
errors become a German message on the page, never a 500; every lookup is scoped to the
clerk's municipality (404 otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.appointments import rules as permissions
from rathaus.appointments.forms.caller import (
    CallerForm,
    CallerSearchForm,
    DayForm,
    FindForm,
    SlotForm,
)
from rathaus.appointments.selectors import caller as caller_selectors
from rathaus.appointments.selectors import catalogue
from rathaus.appointments.selectors import counter as counter_selectors
from rathaus.appointments.services import caller as caller_services
from rathaus.appointments.views.counter import _require
from rathaus.core.problems import DomainError


def _location(request, location_id):
    _require(request.user, permissions.PERM_COUNTER)
    return counter_selectors.location_get_scoped(user=request.user, pk=location_id)


def _appointment(request, appointment_id):
    _require(request.user, permissions.PERM_COUNTER)
    return counter_selectors.appointment_get_scoped(user=request.user, pk=appointment_id)


def _find_url(location_id: int, query: str) -> str:
    url = reverse("appointments:caller_find", kwargs={"location_id": location_id})
    return f"{url}?{urlencode({'q': query})}" if query else url


def _fail(form, exc: DomainError) -> None:
    """A domain error at its field if the form has it, else above the form."""
    field = (exc.errors or [{}])[0].get("field")
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def caller_book(request, location_id):
    """Step 1 (GET): services and day → the free times; step 2 (POST): time and caller."""
    location = _location(request, location_id)
    data = request.POST if request.method == "POST" else (request.GET or None)
    search = CallerSearchForm(data, services=catalogue.services_at(location))
    slots = []
    if search.is_bound and search.is_valid():
        slots = caller_selectors.free_slots(location, search.demand(), search.cleaned_data["tag"])
    tz = caller_selectors.local_tz(location)
    form = CallerForm(request.POST or None, slots=slots, tz=tz)
    if request.method == "POST" and search.is_valid() and form.is_valid():
        try:
            appointment = caller_services.appointment_book_for_caller(
                actor=request.user,
                location=location,
                demand=search.demand(),
                start=form.start_time(),
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            start = appointment.start.astimezone(tz)
            messages.success(
                request,
                _("Termin gebucht für %(name)s am %(day)s um %(time)s Uhr (Nr. %(pk)s).")
                % {
                    "name": appointment.citizen_name,
                    "day": f"{start:%d.%m.%Y}",
                    "time": f"{start:%H:%M}",
                    "pk": appointment.pk,
                },
            )
            return HttpResponseRedirect(_find_url(location.pk, appointment.citizen_name))
    invalid = (search.is_bound and not search.is_valid()) or (form.is_bound and form.errors)
    return render(
        request,
        "appointments/caller/book.html",
        {
            "location": location,
            "search": search,
            "form": form,
            "searched": search.is_bound and search.is_valid(),
            "slots": slots,
        },
        status=422 if invalid else 200,
    )


@login_required
@require_GET
def caller_find(request, location_id):
    location = _location(request, location_id)
    form = FindForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = caller_selectors.appointments_find(location=location, query=form.cleaned_data["q"])
    return render(
        request,
        "appointments/caller/find.html",
        {"location": location, "form": form, "found": found},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def caller_move(request, appointment_id):
    """Pick a day (GET) and one of its free times (POST) for an existing appointment."""
    appointment = _appointment(request, appointment_id)
    location = appointment.location
    tz = caller_selectors.local_tz(location)
    data = request.POST if request.method == "POST" else request.GET
    day_form = DayForm(data or None, initial={"tag": appointment.start.astimezone(tz).date()})
    slots = []
    if day_form.is_bound and day_form.is_valid():
        slots = caller_selectors.free_slots(
            location, catalogue.demand_of(appointment), day_form.cleaned_data["tag"]
        )
    form = SlotForm(request.POST or None, slots=slots, tz=tz)
    if request.method == "POST" and day_form.is_valid() and form.is_valid():
        try:
            moved = caller_services.appointment_move_for_caller(
                actor=request.user, appointment=appointment, start=form.start_time()
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            start = moved.start.astimezone(tz)
            messages.success(
                request,
                _("Termin verschoben auf %(day)s, %(time)s Uhr.")
                % {"day": f"{start:%d.%m.%Y}", "time": f"{start:%H:%M}"},
            )
            return HttpResponseRedirect(_find_url(location.pk, appointment.citizen_name))
    return render(
        request,
        "appointments/caller/move.html",
        {
            "appointment": appointment,
            "start": appointment.start.astimezone(tz),
            "services": counter_selectors._items_label(appointment),
            "day_form": day_form,
            "form": form,
            "searched": day_form.is_bound and day_form.is_valid(),
            "slots": slots,
        },
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def caller_cancel(request, appointment_id):
    """Ask first (GET), then cancel (POST)."""
    appointment = _appointment(request, appointment_id)
    tz = caller_selectors.local_tz(appointment.location)
    error = ""
    if request.method == "POST":
        try:
            caller_services.appointment_cancel_for_caller(
                actor=request.user, appointment=appointment
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Der Termin wurde abgesagt."))
            return HttpResponseRedirect(
                _find_url(appointment.location_id, appointment.citizen_name)
            )
    return render(
        request,
        "appointments/caller/cancel.html",
        {
            "appointment": appointment,
            "start": appointment.start.astimezone(tz),
            "services": counter_selectors._items_label(appointment),
            "error": error,
        },
        status=409 if error else 200,
    )
