"""Second-factor pages: enrol (QR code and secret), confirm a sign-in, the account page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login

from rathaus.core.problems import DomainError
from rathaus.core.twofactor import selectors
from rathaus.core.twofactor.forms import EnrolForm, VerifyForm
from rathaus.core.twofactor.services import (
    new_secret,
    second_factor_check,
    second_factor_enrol,
)

KEY_SESSION_KEY = "second_factor_key"  # the secret shown during enrolment, until confirmed


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _to(name: str, request) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': _next(request)})}")


def _passed(request, device) -> None:
    request.session.cycle_key()  # a new session id once the second factor is passed
    otp_login(request, device)


@login_required
@require_GET
def account(request):
    """``/konto/zweiter-faktor/``: whether the second factor is set up, and how many codes are left."""
    user = request.user
    return render(
        request,
        "core/twofactor/account.html",
        {
            "has_device": selectors.has_second_factor(user),
            "required": selectors.second_factor_required(user),
            "codes_left": selectors.recovery_codes_left(user),
            "passed": selectors.passed_second_factor(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """``/konto/zweiter-faktor/einrichten/``: QR code and secret, confirmed with one code.

    Someone who has a device and has not passed it must confirm first (else a stolen password
    would be enough to replace the device).
    """
    user = request.user
    if selectors.has_second_factor(user) and not selectors.passed_second_factor(user):
        return _to("second_factor_verify", request)
    key = request.session.get(KEY_SESSION_KEY) or new_secret()
    request.session[KEY_SESSION_KEY] = key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = second_factor_enrol(user=user, key_hex=key, token=form.cleaned_data["code"])
        except DomainError as error:
            error.show_in(form)
        else:
            del request.session[KEY_SESSION_KEY]
            _passed(request, enrolment.device)
            return render(
                request,
                "core/twofactor/codes.html",
                {"codes": _readable(enrolment.recovery_codes), "next": _next(request)},
            )
    return render(
        request,
        "core/twofactor/enrol.html",
        {
            "form": form,
            "setup": selectors.provisioning(user=user, key_hex=key),
            "required": selectors.second_factor_required(user),
            "next": _next(request),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _readable(codes: list[str]) -> list[str]:
    return [f"{code[:4]}-{code[4:]}" for code in codes]


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """``/konto/zweiter-faktor/pruefen/``: the code after the password, then on to ``next``."""
    user = request.user
    if not selectors.has_second_factor(user):
        return _to("second_factor_enrol", request)
    if selectors.passed_second_factor(user):
        return HttpResponseRedirect(_next(request))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = second_factor_check(user=user, token=form.cleaned_data["code"])
        if check.device is not None:
            _passed(request, check.device)
            if check.recovery_code_used:
                messages.warning(request, _recovery_message(check.recovery_codes_left))
            return HttpResponseRedirect(_next(request))
        form.add_error("code", _refusal(check))
    return render(
        request,
        "core/twofactor/verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.is_bound and form.errors else 200,
    )


def _refusal(check) -> str:
    if check.locked_until is not None:
        return gettext(
            "Zu viele falsche Codes nacheinander. Versuchen Sie es ab %(time)s Uhr wieder."
        ) % {"time": time_format(localtime(check.locked_until), "H:i:s")}
    return gettext(
        "Der Code passt nicht. Prüfen Sie die Uhrzeit Ihres Telefons; ein "
        "Wiederherstellungscode gilt nur einmal."
    )


def _recovery_message(left: int) -> str:
    return ngettext(
        "Sie haben einen Wiederherstellungscode verbraucht; noch %(left)d ist übrig. Richten "
        "Sie den zweiten Faktor bei Bedarf neu ein.",
        "Sie haben einen Wiederherstellungscode verbraucht; noch %(left)d sind übrig. Richten "
        "Sie den zweiten Faktor bei Bedarf neu ein.",
        left,
    ) % {"left": left}
