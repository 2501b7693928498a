"""The one place where the second factor is enforced (docs/core.md "Second factor")."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from rathaus.core.problems import problem_response
from rathaus.core.twofactor.selectors import (
    has_second_factor,
    passed_second_factor,
    second_factor_required,
)

# Reachable before the second factor: signing in and out, the second-factor pages themselves,
# the language switch, static files and the probes. Everything else waits for the code.
OPEN_PREFIXES = ("/konto/", "/i18n/", "/static/", "/healthz", "/metrics", "/favicon.ico")


def needs_second_factor(user) -> bool:
    """Signed in, not yet confirmed, and the person must (role) or chose to (has a device)."""
    if not user.is_authenticated or passed_second_factor(user):
        return False
    return second_factor_required(user) or has_second_factor(user)


class SecondFactorMiddleware:
    """A session that needs the second factor reaches only ``OPEN_PREFIXES`` until it has.

    Pages lead to the code (or, without a device, to enrolment) and come back afterwards;
    the API answers 403 problem+json; htmx requests get ``HX-Redirect``. API tokens are not
    sessions (they are checked per request in ``core.api.auth``) and are not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(OPEN_PREFIXES) or not needs_second_factor(request.user):
            return self.get_response(request)
        return refuse(request)


def refuse(request) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return problem_response(
            403,
            "second_factor_required",
            gettext("Bitte bestätigen Sie zuerst Ihre Anmeldung mit dem zweiten Faktor."),
        )
    name = "second_factor_verify" if has_second_factor(request.user) else "second_factor_enrol"
    url = reverse(name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
