"""Staff import of a votemanager CSV: upload → preview (nothing saved) → confirm."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.elections.forms import DistrictImportForm, ImportForm
from rathaus.elections.services.imports import districts_import_csv, results_import_csv
from rathaus.elections.views.common import staff_election, to_detail


@login_required
@require_http_methods(["GET", "POST"])
def import_csv(request, election_id):
    """Upload → preview (nothing saved) → confirm; refused whole with line numbers."""
    election = staff_election(request, election_id, "elections.enter_results")
    session_key = f"elections_import_{election.pk}"
    outcome = None
    form = ImportForm()
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.pop(session_key, None)
        if not pending:
            messages.error(
                request, _("Die Vorschau ist abgelaufen. Bitte die Datei erneut hochladen.")
            )
            return HttpResponseRedirect(reverse("elections:import", args=[election.pk]))
        outcome = results_import_csv(
            election=election, data=base64.b64decode(pending), actor=request.user, commit=True
        )
        if outcome.ok:
            messages.success(
                request,
                ngettext(
                    "Import abgeschlossen: %(count)s Meldung(en) erfasst; sie müssen "
                    "von einer anderen Person freigegeben werden.",
                    "Import abgeschlossen: %(count)s Meldung(en) erfasst; sie müssen "
                    "von einer anderen Person freigegeben werden.",
                    outcome.n_entered,
                )
                % {"count": outcome.n_entered},
            )
            return to_detail(election)
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            outcome = results_import_csv(
                election=election, data=data, actor=request.user, commit=False
            )
            if outcome.ok:
                request.session[session_key] = base64.b64encode(data).decode()
    status = 422 if outcome is not None and not outcome.ok else 200
    return render(
        request,
        "elections/import.html",
        {"election": election, "form": form, "outcome": outcome},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_districts(request, election_id):
    """The district list (CSV or Excel): upload → preview (nothing saved) → confirm."""
    election = staff_election(request, election_id, "elections.manage")
    session_key = f"elections_district_import_{election.pk}"
    outcome = None
    form = DistrictImportForm()
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.pop(session_key, None)
        if not pending:
            messages.error(
                request, _("Die Vorschau ist abgelaufen. Bitte die Datei erneut hochladen.")
            )
            return HttpResponseRedirect(request.path)
        try:
            outcome = districts_import_csv(
                election=election,
                data=base64.b64decode(pending["data"]),
                filename=pending["name"],
                actor=request.user,
                commit=True,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path)
        if outcome.ok:
            messages.success(
                request,
                ngettext(
                    "%(count)s Wahlbezirk importiert.",
                    "%(count)s Wahlbezirke importiert.",
                    outcome.created,
                )
                % {"count": outcome.created},
            )
            return HttpResponseRedirect(reverse("elections:districts", args=[election.pk]))
    elif request.method == "POST":
        form = DistrictImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            outcome = districts_import_csv(
                election=election, data=data, filename=upload.name, actor=request.user, commit=False
            )
            if outcome.ok:
                request.session[session_key] = {
                    "data": base64.b64encode(data).decode(),
                    "name": upload.name,
                }
    status = 422 if (outcome is not None and not outcome.ok) or form.errors else 200
    return render(
        request,
        "elections/import_districts.html",
        {"election": election, "form": form, "outcome": outcome},
        status=status,
    )
