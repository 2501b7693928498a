"""Staff pages of one election: the list, the overview with preview, finalising, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rathaus.core.problems import DomainError
from rathaus.elections import presentation
from rathaus.elections.models import Election
from rathaus.elections.selectors.elections import elections_for
from rathaus.elections.selectors.results import csv_export, report
from rathaus.elections.services.elections import election_set_status
from rathaus.elections.views.common import csv_response, require, staff_election, to_detail


@login_required
@require_GET
def index(request):
    require(request.user, "elections.view_staff")
    elections = elections_for(request.user)
    return render(request, "elections/index.html", {"elections": elections})


@login_required
@require_GET
def detail(request, election_id):
    election = staff_election(request, election_id, "elections.view_staff")
    rep = report(election)
    kind, headline = presentation.headline(rep)
    preview = None
    if rep.pending:
        # what the figures would say once the pending reports are approved (staff only)
        preview = report(election, approved_only=False)
    return render(
        request,
        "elections/detail.html",
        {
            "election": election,
            "rep": rep,
            "preview": preview,
            "preview_headline": presentation.headline(preview)[1] if preview else "",
            "headline": headline,
            "headline_kind": kind,
            "chart": presentation.bar_chart(
                rep, title=_("Stimmenanteile %(title)s") % {"title": election.title}
            ),
            "runoff": election.runoffs.first(),
            "can_enter": request.user.has_perm("elections.enter_results"),
            "can_manage": request.user.has_perm("elections.manage"),
            "user_id": request.user.pk,
        },
    )


@login_required
@require_POST
def finalize(request, election_id):
    election = staff_election(request, election_id, "elections.manage")
    try:
        election_set_status(election=election, status=Election.Status.FINAL, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Das endgültige Ergebnis ist festgestellt."))
    return to_detail(election)


@login_required
@require_GET
def export_csv(request, election_id):
    """Staff export: every entered figure, approved or not (for backups and re-import)."""
    election = staff_election(request, election_id, "elections.view_staff")
    return csv_response(csv_export(election, approved_only=False), election, "_intern")
