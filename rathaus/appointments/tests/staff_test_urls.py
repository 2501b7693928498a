"""URL conf for the staff tests until the lead wires ``staff_urls`` and ``staff_api``.

It is the project's URL conf with the staff URLs added to the ``appointments`` namespace
and a second ninja API (same problem+json handlers) that mounts a fresh staff router at
``/api/v1/appointments/staff/``. Once the project includes them, it simply reuses them.
"""

from django.urls import include, path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

import config.api as project_api
from config.urls import urlpatterns as project_patterns
from rathaus.appointments import staff_api, staff_urls
from rathaus.appointments import urls as appointment_urls
from rathaus.core.problems import DomainError


def _already_wired() -> bool:
    names = {getattr(p, "name", None) for p in appointment_urls.urlpatterns}
    nested = any(
        getattr(p, "urlconf_name", None) in (staff_urls, "rathaus.appointments.staff_urls")
        for p in appointment_urls.urlpatterns
    )
    return "staff_day" in names or nested


test_api = NinjaAPI(urls_namespace="staff_test_api", docs_url=None, openapi_url=None)
for exc, handler in (
    (DomainError, project_api._domain_error),
    (ValidationError, project_api._validation_error),
    (AuthenticationError, project_api._auth_error),
    (AuthorizationError, project_api._forbidden),
    (project_api.Http404, project_api._not_found),
    (HttpError, project_api._http_error),
):
    test_api.add_exception_handler(exc, handler)
test_api.add_router("/v1/appointments/staff/", staff_api.build_router())

if _already_wired():
    appointments = path("termine/", include("rathaus.appointments.urls"))
else:
    appointments = path(
        "termine/",
        include(([*appointment_urls.urlpatterns, *staff_urls.urlpatterns], "appointments")),
    )

urlpatterns = [
    path("staff-test-api/", test_api.urls),
    appointments,
    *[p for p in project_patterns if str(p.pattern) != "termine/"],
]
