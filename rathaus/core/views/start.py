"""The start page (the cards a user may open) and the health check."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from rathaus.core.models import Role
from rathaus.core.navigation import entries_for


def home(request):
    # The leadership's start page is its cockpit (steering app), reached by URL name only.
    if request.user.is_authenticated and request.user.has_role(Role.LEADERSHIP):
        try:
            return HttpResponseRedirect(reverse("steering:cockpit"))
        except NoReverseMatch:
            pass
    return render(request, "core/home.html", {"entries": entries_for(request.user)})


def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = "error"
    try:
        cache.set("healthz", "1", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error"
    except Exception:  # noqa: BLE001
        checks["cache"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
