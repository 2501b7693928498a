"""Citizen pages of the Terminagent (waiting list): register, confirm or cancel an entry,
accept or decline an offered slot.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rathaus.appointments.forms.booking import ServiceChoiceForm
from rathaus.appointments.forms.waiting_list import WaitingListForm
from rathaus.appointments.mails import weekday_name
from rathaus.appointments.models import WaitingListEntry, WaitingListOffer
from rathaus.appointments.selectors import catalogue
from rathaus.appointments.selectors.waiting_list import (
    waiting_list_entry_get_by_token,
    waiting_list_offer_get_by_token,
)
from rathaus.appointments.services import common, waiting_list
from rathaus.appointments.views.booking import appointment_context, client_ip, local_text
from rathaus.core.problems import DomainError


@require_http_methods(["GET", "POST"])
def waiting_new(request, municipality_id):
    municipality = catalogue.public_municipality_get(municipality_id)
    if municipality is None:
        raise Http404
    locations_qs = catalogue.public_locations(municipality)
    offered = []
    seen = set()
    for location in locations_qs:
        for service in catalogue.services_at(location):
            if service.id not in seen:
                seen.add(service.id)
                offered.append(service)
    data = request.POST if request.method == "POST" else None
    form = WaitingListForm(data, locations_qs=locations_qs)
    services_form = ServiceChoiceForm(data, services=offered)
    if request.method == "POST":
        services_ok = services_form.is_valid()
        if form.is_valid() and services_ok:
            try:
                common.rate_limit_ip(client_ip(request), 30, scope="waiting")
                waiting_list.waiting_list_entry_create(
                    municipality=municipality,
                    locations=form.cleaned_data["locations"],
                    demand=services_form.demand(),
                    date_from=form.cleaned_data["date_from"],
                    date_to=form.cleaned_data["date_to"],
                    weekdays=form.cleaned_data["weekdays"],
                    time_from=form.cleaned_data["time_from"],
                    time_to=form.cleaned_data["time_to"],
                    email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                )
            except DomainError as exc:
                if exc.status == 429:
                    return render(
                        request, "appointments/limit.html", {"message": exc.message}, status=429
                    )
                form.add_error(None, exc.message)
            else:
                return render(request, "appointments/sent.html", {"waiting_list": True})
    return render(
        request,
        "appointments/waiting_new.html",
        {"municipality": municipality, "form": form, "services_form": services_form},
    )


def _entry_or_404(token) -> WaitingListEntry:
    try:
        return waiting_list_entry_get_by_token(token=token)
    except DomainError as exc:
        raise Http404 from exc


@never_cache
@require_http_methods(["GET", "POST"])
def waiting_manage(request, token):
    entry = _entry_or_404(token)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                waiting_list.waiting_list_entry_confirm(token=token)
                messages.success(request, _("Ihr Eintrag im Terminagenten ist aktiv."))
            elif action == "cancel":
                waiting_list.waiting_list_entry_cancel(token=token)
                messages.success(request, _("Sie sind aus dem Terminagenten abgemeldet."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("appointments:waiting_manage", args=[token]))
    names = catalogue.service_names(entry.demand)
    return render(
        request,
        "appointments/waiting_manage.html",
        {
            "entry": entry,
            "services": [f"{n} × {names.get(int(k), '?')}" for k, n in entry.demand.items()],
            "locations": list(entry.locations.all()),
            "weekdays": ", ".join(weekday_name(w) for w in entry.weekdays),
            "Status": WaitingListEntry.Status,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def offer(request, token):
    try:
        the_offer = waiting_list_offer_get_by_token(token=token)
    except DomainError as exc:
        raise Http404 from exc
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                _appointment, personal_token = waiting_list.waiting_list_offer_accept(token=token)
                messages.success(
                    request, _("Der Termin ist für Sie gebucht. Sie erhalten eine E-Mail.")
                )
                return HttpResponseRedirect(reverse("appointments:personal", args=[personal_token]))
            if action == "decline":
                waiting_list.waiting_list_offer_decline(token=token)
                messages.info(request, _("Sie haben das Angebot abgelehnt; wir suchen weiter."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("appointments:offer", args=[token]))
    context = {"offer": the_offer, "open": the_offer.status == WaitingListOffer.Status.OFFERED}
    if the_offer.appointment is not None:
        context.update(appointment_context(the_offer.appointment))
        context["deadline"] = local_text(
            the_offer.deadline, catalogue.local_tz(the_offer.appointment.location)
        )
    return render(request, "appointments/offer.html", context)
