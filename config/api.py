"""The one django-ninja API: /api/v1/…, OpenAPI at /api/openapi.json, docs at /api/docs.

Every error leaves as application/problem+json (RFC 9457) with a German message and a code.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from rathaus.appointments.api import router as appointments_router
from rathaus.core.api.router import router as core_router
from rathaus.core.openapi import RathausNinjaAPI
from rathaus.core.problems import DomainError, problem_response
from rathaus.elections.api import router as elections_router
from rathaus.meetings.api import router as meetings_router
from rathaus.participation.api import router as participation_router
from rathaus.presence.api import router as presence_router
from rathaus.staffpool.api import router as staffpool_router
from rathaus.standards.api import router as standards_router
from rathaus.steering.api import router as steering_router

api = RathausNinjaAPI(
    title="Rathaus API",
    version="1",
    description="Termine, Dienstplanung, Wahlen – API der Rathaus-Plattform.",
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
    auth=None,
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem_response(exc.status, exc.code, exc.message, errors=exc.errors)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None,
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return problem_response(
        422, "validation_error", "Die Eingaben sind unvollständig oder ungültig.", errors=errors
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(401, "not_authenticated", "Anmeldung erforderlich.")


@api.exception_handler(AuthorizationError)
def _forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return problem_response(403, "forbidden", "Keine Berechtigung für diese Aktion.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, "not_found", "Nicht gefunden.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # ninja's English message for a body that is not JSON (or not the declared form)
        return problem_response(
            400,
            "invalid_body",
            gettext("Der Inhalt der Anfrage ist kein gültiges JSON. Bitte prüfen Sie das Format."),
        )
    return problem_response(exc.status_code, "http_error", str(exc))


@api.get("/v1/ping", tags=["system"], summary="Trivial JSON endpoint (benchmark baseline)")
def ping(request: HttpRequest) -> dict:
    return {"ok": True}


# Each app's API under /api/v1/<app>/.
api.add_router("/v1/core/", core_router)
api.add_router("/v1/appointments/", appointments_router)
api.add_router("/v1/presence/", presence_router)
api.add_router("/v1/elections/", elections_router)
api.add_router("/v1/steering/", steering_router)
api.add_router("/v1/meetings/", meetings_router)
api.add_router("/v1/participation/", participation_router)
api.add_router("/v1/staffpool/", staffpool_router)
api.add_router("/v1/standards/", standards_router)
