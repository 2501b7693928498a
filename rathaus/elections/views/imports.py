"""Staff imports (votemanager results, the district list): upload → preview (nothing saved) →
confirm; a file with errors is refused whole, with line numbers."""

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


def _preview_then_confirm(request, *, session_key, form_class, run, done, template, election):
    """``run(data, filename, commit)`` checks (commit=False) or stores (commit=True) a file and
    returns its outcome; between preview and confirmation the upload waits in the session;
    ``done(outcome)`` is the answer after a successful import."""
    outcome = None
    form = form_class()
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.pop(session_key, None)
        if not pending:
            messages.error(
                request, _("Die Vorschau ist abgelaufen. Bitte die Datei erneut hochladen.")
            )
            return HttpResponseRedirect(request.path)
        try:
            outcome = run(base64.b64decode(pending["data"]), pending["name"], True)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path)
        if outcome.ok:
            return done(outcome)
    elif request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            outcome = run(data, upload.name, False)
            if outcome.ok:
                request.session[session_key] = {
                    "data": base64.b64encode(data).decode(),
                    "name": upload.name,
                }
    status = 422 if (outcome is not None and not outcome.ok) or form.errors else 200
    context = {"election": election, "form": form, "outcome": outcome}
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_csv(request, election_id):
    """A votemanager results CSV; the entered reports still need a second person's approval."""
    election = staff_election(request, election_id, "elections.enter_results")

    def done(outcome):
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

    return _preview_then_confirm(
        request,
        session_key=f"elections_import_{election.pk}",
        form_class=ImportForm,
        run=lambda data, _name, commit: results_import_csv(
            election=election, data=data, actor=request.user, commit=commit
        ),
        done=done,
        template="elections/import.html",
        election=election,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_districts(request, election_id):
    """The district list (CSV or Excel)."""
    election = staff_election(request, election_id, "elections.manage")

    def done(outcome):
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

    return _preview_then_confirm(
        request,
        session_key=f"elections_district_import_{election.pk}",
        form_class=DistrictImportForm,
        run=lambda data, name, commit: districts_import_csv(
            election=election, data=data, filename=name, actor=request.user, commit=commit
        ),
        done=done,
        template="elections/import_districts.html",
        election=election,
    )
