"""Public results (no login): the list, the page (cached per version and language), the live
fragment the page polls on election night, and the open-data CSV."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rathaus.elections import caching, conf, presentation
from rathaus.elections.models import Election
from rathaus.elections.selectors.elections import (
    last_approval,
    municipalities,
    municipality_by_slug,
    public_election,
    public_elections,
    published_runoff,
)
from rathaus.elections.selectors.results import csv_export, report
from rathaus.elections.views.common import csv_response


@require_GET
def public_index(request, municipality_slug=None):
    municipality = None
    if municipality_slug is not None:
        municipality = municipality_by_slug(municipality_slug)
        if municipality is None:
            raise Http404
    elections = public_elections(municipality_slug)
    return render(
        request,
        "elections/public_index.html",
        {
            "elections": elections,
            "town": municipality,
            "municipalities": municipalities(),
        },
    )


def _public_render(election_id: int) -> dict:
    election = public_election(election_id)
    if election is None:
        return {"found": False}
    rep = report(election)
    kind, headline = presentation.headline(rep)
    runoff = published_runoff(election)
    last = last_approval(election)
    context = {
        "election": election,
        "rep": rep,
        "headline": headline,
        "headline_kind": kind,
        "reasons": presentation.reasons(rep),
        "chart": presentation.bar_chart(
            rep,
            title=_("Stimmenanteile %(title)s") % {"title": election.title},
            caption=_("Anteil an den gültigen Stimmen; die Zahlen stehen in der Tabelle."),
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
    if caching.peek(election_id) is None and public_election(election_id) is None:
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
    election = public_election(election_id)
    if election is None:
        raise Http404
    text = caching.get_or_render(
        election.pk, "csv", lambda: csv_export(election, approved_only=True)
    )
    return csv_response(text, election)
