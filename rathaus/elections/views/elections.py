"""Staff pages of one election: the list, the overview with preview, setting up (election,
candidates, districts), publishing, finalising with confirmation, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.elections import presentation
from rathaus.elections.forms import DistrictForm, ElectionForm, FinalizeForm, candidate_formset
from rathaus.elections.models import Election
from rathaus.elections.selectors.elections import (
    districts_of,
    elections_for,
    is_open_for_setup,
    previous_election_choices,
)
from rathaus.elections.selectors.results import (
    csv_export,
    next_for_approval,
    provisional_items,
    report,
)
from rathaus.elections.services.elections import (
    district_delete,
    districts_add,
    election_create,
    election_publish,
    election_set_status,
    election_update,
)
from rathaus.elections.views.common import (
    csv_response,
    district_of,
    require,
    staff_election,
    to_detail,
)


@login_required
@require_GET
def index(request):
    require(request.user, "elections.view_staff")
    elections = elections_for(request.user)
    return render(
        request,
        "elections/index.html",
        {"elections": elections, "can_manage": request.user.has_perm("elections.manage")},
    )


@login_required
@require_GET
def detail(request, election_id):
    election = staff_election(request, election_id, "elections.view_staff")
    rep = report(election)
    kind, headline = presentation.headline(rep)
    # every entered figure, approved or not: the district table shows what waits for approval
    table = report(election, approved_only=False, with_previous=False)
    # what the figures would say once the pending reports are approved (staff only)
    preview = table if rep.pending else None
    return render(
        request,
        "elections/detail.html",
        {
            "election": election,
            "rep": rep,
            "table": table,
            "preview": preview,
            "open_for_setup": is_open_for_setup(election) and not election.is_runoff,
            "preview_headline": presentation.headline(preview)[1] if preview else "",
            "headline": headline,
            "headline_kind": kind,
            "reasons": presentation.reasons(rep),
            "chart": presentation.bar_chart(
                rep,
                title=_("Stimmenanteile %(title)s") % {"title": election.title},
                caption=_("Anteil an den gültigen Stimmen der freigegebenen Bezirke."),
            ),
            "runoff": election.runoffs.first(),
            "next_for_me": next_for_approval(election, request.user),
            "can_enter": request.user.has_perm("elections.enter_results"),
            "can_manage": request.user.has_perm("elections.manage"),
            "user_id": request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def finalize(request, election_id):
    """Asks first and names what is still provisional; the final result is irreversible."""
    election = staff_election(request, election_id, "elections.manage")
    form = FinalizeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            election_set_status(election=election, status=Election.Status.FINAL, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Das endgültige Ergebnis ist festgestellt."))
            return to_detail(election)
    return render(
        request,
        "elections/finalize.html",
        {"election": election, "form": form, "items": provisional_items(election)},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def publish(request, election_id):
    election = staff_election(request, election_id, "elections.manage")
    try:
        election_publish(election=election, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(title)s ist veröffentlicht: die Ergebnisseite ist öffentlich.")
            % {"title": election.title},
        )
    return to_detail(election)


def _election_values(form: ElectionForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "date": data["date"],
        "kind": data["kind"],
        "previous_election": data.get("previous_election"),
        "quorum_percent": data.get("quorum_percent") or 20,
        "internal_note": data.get("internal_note") or "",
    }


def _election_form_page(request, election, form, formset, status=200):
    return render(
        request,
        "elections/election_form.html",
        {"election": election, "form": form, "formset": formset},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """A new election with its candidates in ballot order; districts come next."""
    require(request.user, "elections.manage")
    choices = previous_election_choices(request.user)
    form = ElectionForm(request.POST or None, previous_choices=choices)
    formset = candidate_formset(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                election = election_create(
                    municipality=request.user.municipality,
                    candidates=formset.candidates(),
                    districts=[],
                    actor=request.user,
                    **_election_values(form),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(title)s ist angelegt. Jetzt die Wahlbezirke eintragen oder importieren.")
                    % {"title": election.title},
                )
                return HttpResponseRedirect(reverse("elections:districts", args=[election.pk]))
        return _election_form_page(request, None, form, formset, status=422)
    return _election_form_page(request, None, form, formset)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, election_id):
    election = staff_election(request, election_id, "elections.manage")
    if not is_open_for_setup(election) or election.is_runoff:
        messages.error(
            request,
            _(
                "Die Wahl ist veröffentlicht oder es liegen schon Meldungen vor; sie kann nicht "
                "mehr geändert werden."
            ),
        )
        return to_detail(election)
    choices = previous_election_choices(request.user, election)
    initial = {
        "kind": election.kind,
        "title": election.title,
        "date": election.date,
        "previous_election": election.previous_election_id,
        "quorum_percent": election.quorum_percent,
        "internal_note": election.internal_note,
    }
    form = ElectionForm(request.POST or None, initial=initial, previous_choices=choices)
    candidates = list(election.candidates.order_by("position"))
    formset = candidate_formset(request.POST or None, candidates=candidates)
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                election_update(
                    election=election,
                    actor=request.user,
                    candidates=formset.candidates(),
                    **_election_values(form),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Die Wahl ist gespeichert."))
                return to_detail(election)
        return _election_form_page(request, election, form, formset, status=422)
    return _election_form_page(request, election, form, formset)


@login_required
@require_http_methods(["GET", "POST"])
def districts(request, election_id):
    """The districts of an election in preparation: add one, delete one, or import a list."""
    election = staff_election(request, election_id, "elections.manage")
    form = DistrictForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                districts_add(election=election, specs=[form.spec()], actor=request.user)
            except DomainError as exc:
                form.add_error("number" if exc.code == "duplicate_district" else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Wahlbezirk %(number)s ist angelegt.") % {"number": form.spec().number},
                )
                return HttpResponseRedirect(request.path)
        status = 422
    return render(
        request,
        "elections/districts.html",
        {
            "election": election,
            "districts": districts_of(election),
            "form": form,
            "open_for_setup": is_open_for_setup(election) and not election.is_runoff,
        },
        status=status,
    )


@login_required
@require_POST
def district_remove(request, election_id, district_id):
    election = staff_election(request, election_id, "elections.manage")
    district = district_of(election, district_id)
    try:
        district_delete(district=district, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(district)s ist gelöscht.") % {"district": district})
    return HttpResponseRedirect(reverse("elections:districts", args=[election.pk]))


@login_required
@require_GET
def export_csv(request, election_id):
    """Staff export: every entered figure, approved or not (for backups and re-import)."""
    election = staff_election(request, election_id, "elections.view_staff")
    return csv_response(csv_export(election, approved_only=False), election, "_intern")
