"""Answers before Django's URL resolving and full middleware stack, for a few hot requests.

A surge's losers (issue 18: 2,000 clients at once for 200 places) cost the server more in
Django's request handling – session, authentication, messages, CSRF, tenancy, URL
resolving, ninja's routing – than in their own answer, which is one Redis script. A
:class:`FastPath` wraps the WSGI application (``config/wsgi.py``) and hands a request whose
method and path match one of its routes to that route's view *through the part of the
middleware stack that shapes every answer*: metrics, security headers and the HTTPS
redirect, the loopback-only guard, NUL rejection, language, host check, frame options, CSP,
no-store for API tokens – the same middleware classes, in the same order, as configured in
``settings.MIDDLEWARE`` (:data:`ANSWER_MIDDLEWARE` names which), so an answer carries the
headers and the language it would carry through Django.

A fast view answers only what it can answer exactly as the full view would, and raises
:class:`PassOn` otherwise – before it changed anything; the request then goes through the
whole Django application as if the fast path did not exist (its body is handed on
unread). Contract of a route's view: ``view(request, tail) -> HttpResponse`` or raise
:class:`PassOn`; ``tail`` is the path after the route's prefix ("" for an exact path).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch, resolve
from django.utils.cache import patch_vary_headers
from django.utils.log import log_response
from django.utils.module_loading import import_string

# The middleware whose work every answer needs (in settings.MIDDLEWARE's order). Left out:
# static files, session, CSRF, authentication, messages, htmx, tenancy, login lockout and
# the mail links' base URL – none of them changes an anonymous JSON answer that sends no
# mail, for a request without a session cookie (with one, Django answers); the session
# middleware's "Vary: Cookie" is added as it would be.
ANSWER_MIDDLEWARE = (
    "rathaus.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "rathaus.core.middleware.LoopbackOnlyMiddleware",
    "rathaus.core.middleware.RejectNulBytesMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "rathaus.core.middleware.NoStoreMiddleware",
)
MAX_BODY = 16 * 1024  # larger bodies go through Django (its own limits and messages)


class PassOn(BaseException):  # noqa: N818 - a signal, not an error
    """The fast view cannot answer this request exactly: Django answers it. A
    ``BaseException`` so that the middleware's exception handling lets it through."""


View = Callable[[HttpRequest, str], HttpResponse]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # exact path, or a prefix when it ends with "/"
    view: View
    sample: str  # a full path of this route: its URL name for the metrics (resolved once)


class FastPath:
    """WSGI application: ``routes`` answered by their fast views (see the module text),
    everything else – and everything a fast view passes on – by ``app``."""

    def __init__(self, app, routes: list[Route]) -> None:
        self.app = app
        self.routes = routes
        self._matches: dict[str, ResolverMatch] = {}
        self._chain = self._build_chain()

    def _build_chain(self):
        """The configured answer middleware around the fast view, built as Django builds
        its stack (each layer turns an exception into the answer Django would give)."""
        handler = convert_exception_to_response(_call_view)
        for path in reversed(settings.MIDDLEWARE):
            if path in ANSWER_MIDDLEWARE:
                handler = convert_exception_to_response(import_string(path)(handler))
        return handler

    def _route(self, environ) -> tuple[Route, str] | None:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        for route in self.routes:
            if route.method != method:
                continue
            if path == route.path:
                return route, ""
            if route.path.endswith("/") and path.startswith(route.path):
                return route, path[len(route.path) :]
        return None

    def __call__(self, environ, start_response):
        found = self._route(environ)
        if found is None:
            return self.app(environ, start_response)
        body = _read_body(environ)
        if body is None:
            return self.app(environ, start_response)
        route, tail = found
        # a copy: WSGIRequest rewrites PATH_INFO and SCRIPT_NAME in the mapping it is given,
        # and Django must get the environ as the server sent it if the view passes on
        request = WSGIRequest(dict(environ))
        if settings.SESSION_COOKIE_NAME in request.COOKIES:  # a session to read, perhaps renew
            return self.app(environ, start_response)
        request.resolver_match = self._match(route)
        request._fast_view = (route.view, tail)
        try:
            response = self._chain(request)
        except PassOn:
            environ["wsgi.input"] = io.BytesIO(body)  # unread for Django
            return self.app(environ, start_response)
        response._handler_class = WSGIHandler  # closing it sends request_finished, as Django's
        # Django's answer varies on the cookie: the tenancy middleware reads the session on
        # every request (here: none, see above), and the session middleware says so
        patch_vary_headers(response, ("Cookie",))
        if response.status_code >= 400:  # logged as Django logs it
            log_response(
                "%s: %s", response.reason_phrase, request.path, response=response, request=request
            )
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [
            *response.items(),
            *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
        ]
        start_response(status, headers)
        return response

    def _match(self, route: Route) -> ResolverMatch:
        match = self._matches.get(route.sample)
        if match is None:
            match = self._matches[route.sample] = resolve(route.sample)
        return match


def _call_view(request) -> HttpResponse:
    view, tail = request._fast_view
    return view(request, tail)


def _read_body(environ) -> bytes | None:
    """The request body, read once and put back as a fresh stream (for the fast view and,
    if it passes on, for Django); None for bodies the fast path leaves to Django."""
    if "HTTP_TRANSFER_ENCODING" in environ:  # chunked: Django reads it as it always does
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length < 0 or length > MAX_BODY:
        return None
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body
