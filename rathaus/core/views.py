import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core import selectors
from rathaus.core.forms import ImportForm
from rathaus.core.imports import run_import
from rathaus.core.models import Role
from rathaus.core.navigation import entries_for
from rathaus.core.tenancy import home_municipality, scoped_municipalities


def require_perm(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


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


@login_required
def employees(request):
    require_perm(request.user, "core.manage_people")
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.employees_for(request.user, search=search), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/employees.html",
        {"page": page, "search": search, "org_units": selectors.org_units_for(request.user)},
    )


@login_required
def rooms(request):
    require_perm(request.user, "core.manage_people")
    page = Paginator(selectors.rooms_for(request.user), 100).get_page(request.GET.get("page"))
    return render(request, "core/rooms.html", {"page": page})


@login_required
def audit_log(request):
    require_perm(request.user, "core.view_audit")
    return render(
        request, "core/audit.html", {"entries": selectors.audit_entries_for(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload → dry-run preview with row errors → confirm (same bytes, kept in the session)."""
    require_perm(request.user, "core.import_master_data")
    municipality = home_municipality(request.user)
    if municipality is None:
        raise PermissionDenied
    choices = scoped_municipalities(request.user)
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.get("pending_import")
        if not pending:
            messages.error(
                request, _("Die Vorschau ist abgelaufen. Bitte die Datei erneut hochladen.")
            )
            return HttpResponseRedirect(reverse("core:import"))
        municipality = choices.filter(pk=pending.get("municipality_id")).first()
        if municipality is None:
            raise PermissionDenied
        result = run_import(
            kind=pending["kind"],
            data=base64.b64decode(pending["data"]),
            filename=pending["filename"],
            municipality=municipality,
            actor=request.user,
            commit=True,
        )
        del request.session["pending_import"]
        if result.ok:
            messages.success(
                request,
                _("Import abgeschlossen: %(c)d neu, %(u)d aktualisiert.")
                % {"c": result.created, "u": result.updated},
            )
            return HttpResponseRedirect(reverse("core:import"))
        return render(
            request,
            "core/import.html",
            {"form": ImportForm(municipalities=choices), "result": result},
        )
    form = ImportForm(request.POST or None, request.FILES or None, municipalities=choices)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        municipality = form.cleaned_data.get("municipality") or municipality
        data = upload.read()
        result = run_import(
            kind=form.cleaned_data["kind"],
            data=data,
            filename=upload.name,
            municipality=municipality,
            actor=request.user,
            commit=False,
        )
        if result.ok:
            request.session["pending_import"] = {
                "kind": result.kind,
                "municipality_id": municipality.pk,
                "filename": upload.name,
                "data": base64.b64encode(data).decode(),
            }
    return render(request, "core/import.html", {"form": form, "result": result})
