import json

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest, HttpResponseForbidden
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from rathaus.core.links import using_base_url
from rathaus.core.problems import problem_response
from rathaus.core.tenancy import CHOSEN_ATTRIBUTE, CHOSEN_SESSION_KEY, home_municipality
from rathaus.core.usercache import session_device, session_user


class SessionUserMiddleware(AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware`` with the session's user read through the shared
    cache (``rathaus.core.usercache``; Django's ``get_user`` still decides on every miss)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: session_user(request))


class TenantMiddleware:
    """Attach the acting municipality to the request (lazily: most public pages never need it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        chosen = session.get(CHOSEN_SESSION_KEY) if session is not None else None
        if isinstance(chosen, int):
            # only a region admin's session has a choice; tenancy ignores it for anyone else
            setattr(request.user, CHOSEN_ATTRIBUTE, chosen)
        request.municipality = SimpleLazyObject(lambda: home_municipality(request.user))
        return self.get_response(request)


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


def request_has_nul(request) -> bool:
    """NUL in the path, a query parameter, a form field or a JSON string (files may have them)."""
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    content_type = request.content_type or ""
    if request.method in ("GET", "HEAD", "OPTIONS") or content_type.startswith("multipart/"):
        return False
    body = request.body
    if b"\x00" in body:
        return True
    if b"%00" in body and content_type == "application/x-www-form-urlencoded":
        return True
    if b"\\u0000" in body.lower() and "json" in content_type:
        try:
            return _contains_nul(json.loads(body))
        except ValueError:
            return False
    return False


class RejectNulBytesMiddleware:
    """400 for input with NUL characters: no text field takes them, PostgreSQL refuses them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            message = gettext("Die Anfrage enthält ein unzulässiges Steuerzeichen (NUL).")
            if request.path.startswith("/api/"):
                return problem_response(400, "nul_character", message)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class LoopbackOnlyMiddleware:
    """With the public development key, serve this machine only (``make run``).

    Anyone who knows the key (it is in the repository) can forge sessions and ALTCHA
    solutions; a server started without ``RATHAUS_ENV=production`` and reachable from the
    network must not answer. The direct peer counts, not a forwarded header.
    """

    LOOPBACK = ("127.", "::1", "::ffff:127.")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        enabled = getattr(settings, "RATHAUS_LOOPBACK_ONLY", False)
        # no peer address: a Unix socket or an in-process WSGI client, both local
        peer = request.META.get("REMOTE_ADDR") or "127.0.0.1"
        if enabled and not peer.startswith(self.LOOPBACK):
            return HttpResponseForbidden(
                "Entwicklungsmodus: Dieser Server antwortet nur auf dem eigenen Rechner. "
                "Für den Betrieb RATHAUS_ENV=production und einen eigenen SECRET_KEY setzen.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


# Citizens' personal-link pages (a token in the URL, the citizen's name and appointment).
PERSONAL_PREFIXES = (
    "/termine/t/",
    "/termine/e/",
    "/termine/buchen/",
    "/termine/terminagent/",
    "/termine/angebot/",
)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` for everything a logged-in user or an API token sees and for
    personal-link pages: no shared computer's browser cache keeps citizens' data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or "HTTP_AUTHORIZATION" in request.META
            or request.path.startswith(PERSONAL_PREFIXES)
        ):
            add_never_cache_headers(response)
        return response


class RequestBaseUrlMiddleware:
    """Remembers the request's own base URL while it is served, so that mails queued by it link
    to the host the person actually used (see :mod:`rathaus.core.links`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            base = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:  # Django answers 400 later; links fall back to SITE_URL
            base = ""
        with using_base_url(base):
            return self.get_response(request)


class SessionDeviceMiddleware(OTPMiddleware):
    """django-otp's ``OTPMiddleware`` with the session's verified device read through the shared
    cache (``rathaus.core.usercache.session_device``): a verified session costs no device query.
    django-otp's own checks stay: a device of another user or not confirmed un-verifies."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = None
            if persistent_id:
                device = session_device(
                    user, persistent_id, lambda: self._device_from_persistent_id(persistent_id)
                )
            user.otp_device = self._finalize_device(request, user, device)
        return user
