"""Conferences and forums: the public page with registration, the personal link of a
registration (status, waiting-list position, cancel), and the registration list for staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.participation import conf, protection, rules
from rathaus.participation.forms import RegistrationForm
from rathaus.participation.selectors import conferences as selectors
from rathaus.participation.services import conferences as services
from rathaus.participation.views.common import client_ip


def _conference_or_404(conference_id):
    conference = selectors.public_conference(conference_id)
    if conference is None:
        raise Http404
    return conference


def _registration_or_404(token):
    registration = selectors.registration_by_token(token)
    if registration is None:
        raise Http404
    return registration


def _register(request, conference, form):
    data = form.cleaned_data
    protection.limit(client_ip(request), scope="register", per_hour=conf.join_limit_per_hour())
    protection.verify(request.POST.get("altcha"))
    registration, token = services.registration_create(
        conference=conference,
        name=data["name"],
        email=data["email"],
        organisation=data.get("organisation") or "",
        consent=data["consent"],
    )
    if registration.status == registration.Status.CONFIRMED:
        messages.success(request, _("Sie sind angemeldet. Ihr Platz ist bestätigt."))
    else:
        messages.info(
            request,
            _(
                "Alle Plätze sind vergeben. Sie stehen auf der Warteliste und rücken automatisch nach."
            ),
        )
    return HttpResponseRedirect(reverse("participation:registration", args=[token]))


@require_http_methods(["GET", "POST"])
def conference(request, conference_id):
    conference = _conference_or_404(conference_id)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return _register(request, conference, form)
        except DomainError as exc:
            exc.show_in(form)
    return render(
        request,
        "participation/conference.html",
        {
            "conference": conference,
            "process": conference.process,
            "seats": selectors.seats(conference),
            "form": form,
            "open": conference.starts_at > timezone.now(),
            "programme": [line for line in conference.programme.splitlines() if line.strip()],
            "speakers": [line for line in conference.speakers.splitlines() if line.strip()],
        },
        status=400 if form.errors else 200,
    )


@require_GET
def registration(request, token):
    registration = _registration_or_404(token)
    return render(
        request,
        "participation/registration.html",
        {
            "registration": registration,
            "conference": registration.conference,
            "token": token,
            "position": selectors.waiting_position(registration),
            "online": services.online_access(registration=registration),
        },
    )


@require_GET
def registration_online(request, token):
    """The join gate: a confirmed registration inside the join window is sent on to the video
    room; everyone else back to the personal page with the reason."""
    registration = _registration_or_404(token)
    try:
        url = services.registration_online_url(registration=registration)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("participation:registration", args=[token]))
    return HttpResponseRedirect(url)


@require_POST
def registration_cancel(request, token):
    registration = _registration_or_404(token)
    services.registration_cancel(registration=registration)
    messages.success(request, _("Ihre Anmeldung ist abgesagt. Danke, dass Sie Bescheid geben."))
    return HttpResponseRedirect(reverse("participation:registration", args=[token]))


@login_required
@require_GET
def staff_registrations(request, conference_id):
    if not request.user.has_perm(rules.PERM_VIEW):
        raise PermissionDenied
    conference = selectors.staff_conference(request.user, conference_id)
    return render(
        request,
        "participation/staff/conference.html",
        {
            "conference": conference,
            "seats": selectors.seats(conference),
            "registrations": selectors.registrations_for_staff(conference),
        },
    )
