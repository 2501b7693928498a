"""Views: staff entry/approval (election office) and public results (no login)."""

from __future__ import annotations

import base64
import functools
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.models import Municipality
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import get_scoped_or_404
from rathaus.elections import (
    caching,
    conf,
    presentation,
    selectors,
    services,
    services_import,
    services_runoff,
)
from rathaus.elections.forms import ImportForm, ResultForm
from rathaus.elections.models import District, Election, Result


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def _election(request, election_id) -> Election:
    return get_scoped_or_404(
        Election.objects.select_related("municipality", "first_round"), request.user, pk=election_id
    )


def _staff_election(request, election_id, perm: str) -> Election:
    """The election a staff view acts on: 403 without ``perm``, 404 outside the user's scope."""
    _require(request.user, perm)
    return _election(request, election_id)


def _to_detail(election: Election) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("elections:detail", args=[election.pk]))


def _district(election: Election, district_id) -> District:
    try:
        district = District.objects.select_related("result").get(
            pk=int(district_id), election=election
        )
    except (District.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    return services.result_ensure(district)


# --- staff ------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    _require(request.user, "elections.view_staff")
    elections = selectors.elections_for(request.user)
    return render(request, "elections/index.html", {"elections": elections})


@login_required
@require_GET
def detail(request, election_id):
    election = _staff_election(request, election_id, "elections.view_staff")
    rep = selectors.report(election)
    kind, headline = presentation.headline(rep)
    preview = None
    if rep.pending:
        # what the figures would say once the pending reports are approved (staff only)
        preview = selectors.report(election, approved_only=False)
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
@require_http_methods(["GET", "POST"])
def enter(request, election_id, district_id):
    election = _staff_election(request, election_id, "elections.enter_results")
    district = _district(election, district_id)
    result = district.result
    candidates = list(election.candidates.order_by("position"))
    form = ResultForm(request.POST or None, district=district, candidates=candidates, result=result)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_enter(
                result=result,
                actor=request.user,
                figures=form.figures(),
                reason=form.cleaned_data.get("reason") or "",
                stage=form.cleaned_data.get("stage") or Result.Stage.QUICK,
                expected_revision=form.cleaned_data.get("revision"),
            )
        except services.PlausibilityError as exc:
            for p in exc.problems:
                form.add_problem(p.column, p.message)
        except DomainError as exc:
            field = "reason" if exc.code == "reason_required" else None
            form.add_error(field, exc.message)
        else:
            messages.success(
                request,
                _(
                    "%(district)s: Meldung gespeichert. Sie muss von einer anderen Person des "
                    "Wahlamts freigegeben werden."
                )
                % {"district": district},
            )
            return _to_detail(election)
    corrections = result.corrections.select_related("actor")
    return render(
        request,
        "elections/enter.html",
        {
            "election": election,
            "district": district,
            "result": result,
            "form": form,
            "corrections": corrections,
            "candidates": candidates,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def approve(request, election_id, district_id):
    election = _staff_election(request, election_id, "elections.approve_results")
    district = _district(election, district_id)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = None
    try:
        services.result_approve(
            result=district.result, actor=request.user, expected_revision=revision
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(district)s: freigegeben.") % {"district": district})
    return _to_detail(election)


@login_required
@require_POST
def approve_all(request, election_id):
    election = _staff_election(request, election_id, "elections.approve_results")
    approved, own = services.results_approve_all(election=election, actor=request.user)
    # German keeps "Meldung(en)" for any number; other languages may use proper plurals.
    text = ngettext(
        "%(count)s Meldung(en) freigegeben.", "%(count)s Meldung(en) freigegeben.", approved
    ) % {"count": approved}
    if own:
        text += " " + ngettext(
            "%(count)s selbst erfasste Meldung(en) muss eine andere Person freigeben.",
            "%(count)s selbst erfasste Meldung(en) muss eine andere Person freigeben.",
            own,
        ) % {"count": own}
    messages.success(request, text)
    return _to_detail(election)


@login_required
@require_POST
def lot(request, election_id):
    election = _staff_election(request, election_id, "elections.manage")
    try:
        drawing = services_runoff.lot_draw(election=election, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Das Los ist gezogen: %(names)s.") % {"names": ", ".join(drawing.drawn)}
        )
    return _to_detail(election)


@login_required
@require_POST
def runoff(request, election_id):
    election = _staff_election(request, election_id, "elections.manage")
    try:
        created = services_runoff.runoff_create_from(election, request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_detail(election)
    names = functools.reduce(
        # Translators: joins candidate names, e.g. "Anna Beispiel und Bernd Muster".
        lambda first, second: _("%(first)s und %(second)s") % {"first": first, "second": second},
        [c.name for c in created.candidates.order_by("position")],
    )
    messages.success(
        request,
        _("Stichwahl am %(date)s zwischen %(names)s ist angelegt.")
        % {"date": date_format(created.date, "SHORT_DATE_FORMAT"), "names": names},
    )
    return _to_detail(created)


@login_required
@require_POST
def finalize(request, election_id):
    election = _staff_election(request, election_id, "elections.manage")
    try:
        services.election_set_status(
            election=election, status=Election.Status.FINAL, actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Das endgültige Ergebnis ist festgestellt."))
    return _to_detail(election)


def _csv_response(text: str, election: Election, suffix: str = "") -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"{election.municipality.ags}_{election.date:%Y%m%d}_{election.pk}{suffix}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def export_csv(request, election_id):
    """Staff export: every entered figure, approved or not (for backups and re-import)."""
    election = _staff_election(request, election_id, "elections.view_staff")
    return _csv_response(selectors.csv_export(election, approved_only=False), election, "_intern")


@login_required
@require_http_methods(["GET", "POST"])
def import_csv(request, election_id):
    """Upload → preview (nothing saved) → confirm; refused whole with line numbers."""
    election = _staff_election(request, election_id, "elections.enter_results")
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
        outcome = services_import.results_import_csv(
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
            return _to_detail(election)
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            outcome = services_import.results_import_csv(
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


# --- public -----------------------------------------------------------------------------------


@require_GET
def public_index(request, municipality_slug=None):
    municipality = None
    if municipality_slug is not None:
        municipality = Municipality.objects.filter(slug=municipality_slug).first()
        if municipality is None:
            raise Http404
    elections = selectors.public_elections(municipality_slug)
    return render(
        request,
        "elections/public_index.html",
        {
            "elections": elections,
            "town": municipality,
            "municipalities": Municipality.objects.order_by("name"),
        },
    )


def _public_render(election_id: int) -> dict:
    election = selectors.public_election(election_id)
    if election is None:
        return {"found": False}
    rep = selectors.report(election)
    kind, headline = presentation.headline(rep)
    runoff = election.runoffs.exclude(status=Election.Status.PREPARATION).first()
    last = (
        Result.objects.filter(election=election, state=Result.State.APPROVED)
        .order_by("-approved_at")
        .values_list("approved_at", flat=True)
        .first()
    )
    context = {
        "election": election,
        "rep": rep,
        "headline": headline,
        "headline_kind": kind,
        "chart": presentation.bar_chart(
            rep, title=_("Stimmenanteile %(title)s") % {"title": election.title}
        ),
        "runoff": runoff,
        "poll_seconds": conf.poll_seconds(),
        "live": election.status != Election.Status.FINAL,
        "last_update": timezone.localtime(last) if last else None,
    }
    return {
        "found": True,
        "title": election.title,
        "municipality": election.municipality.name,
        "municipality_slug": election.municipality.slug,
        "date": election.date,
        "fragment": render_to_string("elections/_public_results.html", context),
    }


def _public_data(election_id) -> dict:
    try:
        election_id = int(election_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if caching.peek(election_id) is None and selectors.public_election(election_id) is None:
        raise Http404
    # the fragment holds translated text: one rendering per language
    language = translation.get_language() or "de"
    data = caching.get_or_render(
        election_id, f"public-{language}", lambda: _public_render(election_id)
    )
    if not data.get("found"):
        raise Http404
    return data


_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = "\x00csrf\x00"


@require_GET
def public_detail(request, election_id):
    """The whole page is cached per election version and language for anonymous visitors
    without a query string; only the CSRF token of the language switch is put in per request."""
    data = _public_data(election_id)
    if (
        request.user.is_authenticated
        or request.META.get("QUERY_STRING")
        or len(messages.get_messages(request))
    ):
        return render(request, "elections/public_detail.html", {"data": data})
    language = translation.get_language() or "de"

    def render_shell() -> str:
        html = render_to_string("elections/public_detail.html", {"data": data}, request=request)
        return _CSRF_INPUT.sub(lambda m: m.group(1) + _CSRF_PLACEHOLDER + m.group(2), html)

    shell = caching.get_or_render(int(election_id), f"page-{language}", render_shell)
    return HttpResponse(shell.replace(_CSRF_PLACEHOLDER, get_token(request)))


@require_GET
def public_fragment(request, election_id):
    """The results block alone; the public page polls it with htmx on election night."""
    data = _public_data(election_id)
    response = HttpResponse(data["fragment"])
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def public_csv(request, election_id):
    """Open data: approved figures in votemanager's CSV layout."""
    election = selectors.public_election(election_id)
    if election is None:
        raise Http404
    text = caching.get_or_render(
        election.pk, "csv", lambda: selectors.csv_export(election, approved_only=True)
    )
    return _csv_response(text, election)
