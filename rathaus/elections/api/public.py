"""Public results as JSON and CSV (no login), served from the versioned cache."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router

from rathaus.core.problems import NotFound
from rathaus.elections import caching, presentation
from rathaus.elections.api.schemas import ElectionDetailOut, ElectionOut
from rathaus.elections.models import Election
from rathaus.elections.selectors.elections import (
    public_election,
    public_elections,
    published_runoff,
    runoff_date_for,
)
from rathaus.elections.selectors.results import Report, csv_export, report
from rathaus.engines.counting.german import fmt_pct

router = Router(tags=["elections"])


def _election_out(e: Election) -> dict:
    return {
        "id": e.pk,
        "municipality": e.municipality.name,
        "municipality_slug": e.municipality.slug,
        "ags": e.municipality.ags,
        "kind": e.kind,
        "title": e.title,
        "date": e.date.isoformat(),
        "status": e.status,
        "first_round_id": e.first_round_id,
        "url": f"/wahlen/ergebnisse/{e.pk}/",
    }


def _dec(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _referendum_out(rep) -> dict:
    r = rep.referendum
    return {
        "outcome": "incomplete" if r.provisional else r.outcome,
        "provisional": r.outcome if r.provisional else None,
        "headline": presentation.referendum_headline(rep),
        "elected": None,
        "runoff_candidates": [],
        "runoff_date": None,
        "lot_candidates": [],
        "reasons": presentation.reasons(rep),
    }


def _candidates_out(rep: Report) -> list[dict]:
    return [
        {
            "position": i,
            "name": row.label,
            "party": row.party,
            "votes": row.votes,
            "share": _dec(row.share),
            "share_text": fmt_pct(row.share) if row.share is not None else "–",
            "previous_share": _dec(row.previous_share),
            "difference_pp": _dec(row.difference),
        }
        for i, row in enumerate(rep.candidate_rows, start=1)
    ]


def _totals_out(rep: Report) -> dict:
    return {
        "districts_reported": rep.totals.districts_reported,
        "districts_total": rep.totals.districts_total,
        "eligible": rep.totals.eligible,
        "voters": rep.totals.voters,
        "voters_with_card": rep.totals.voters_with_card,
        "invalid": rep.totals.invalid,
        "valid": rep.totals.valid,
        "turnout": _dec(rep.totals.turnout),
    }


def _decision_out(rep: Report, election: Election) -> dict | None:
    if rep.referendum is not None:
        return _referendum_out(rep)
    d = rep.decision
    if d is None:
        return None
    return {
        "outcome": d.outcome.value,
        "provisional": d.provisional.value if d.provisional else None,
        "headline": presentation.headline(rep)[1],
        "elected": d.elected,
        "runoff_candidates": list(d.runoff_candidates),
        "runoff_date": (
            (d.runoff_date or runoff_date_for(election)).isoformat()
            if d.effective.value in ("runoff", "lot_needed") and not d.is_runoff_ballot
            else None
        ),
        "lot_candidates": list(d.lot_candidates),
        "reasons": presentation.reasons(rep),
    }


def _districts_out(rep: Report) -> list[dict]:
    return [
        {
            "id": row.district.pk,
            "number": row.district.number,
            "name": row.district.name,
            "kind": row.district.kind,
            "reported": row.reported,
            "A1": row.figures.A1,
            "A2": row.figures.A2,
            "A3": row.figures.A3,
            "A": row.figures.A,
            "B": row.figures.B,
            "B1": row.figures.B1,
            "C": row.figures.C,
            "D": row.figures.D,
            "votes": list(row.figures.votes),
        }
        for row in rep.rows
    ]


def _detail(election: Election) -> dict:
    rep = report(election)
    runoff = published_runoff(election)
    return {
        **_election_out(election),
        "candidates": _candidates_out(rep),
        "totals": _totals_out(rep),
        "decision": _decision_out(rep, election),
        "districts": _districts_out(rep),
        "lots": [
            {"at": lot.at.isoformat(), "among": lot.among, "drawn": lot.drawn} for lot in rep.lots
        ],
        "runoff_id": runoff.pk if runoff else None,
    }


def _public(election_id: int) -> Election:
    election = public_election(election_id)
    if election is None:
        raise NotFound(
            "not_found", _("Diese Wahl gibt es nicht oder sie ist nicht veröffentlicht.")
        )
    return election


@router.get(
    "/", response=list[ElectionOut], summary="Published elections (all or one municipality)"
)
def list_elections(request: HttpRequest, municipality: str | None = None):
    return [_election_out(e) for e in public_elections(municipality)]


def _detail_json(election_id: int) -> bytes:
    election = public_election(election_id)
    if election is None:
        return b""
    return ElectionDetailOut.model_validate(_detail(election)).model_dump_json().encode()


@router.get(
    "/{int:election_id}", response=ElectionDetailOut, summary="Published results of one election"
)
def election_detail(request: HttpRequest, election_id: int):
    """Served from the versioned cache as ready JSON bytes (validated once per version)."""
    if caching.peek(election_id) is None:
        _public(election_id)  # 404 for unknown ids without creating cache entries
    # the headline is translated: one rendering per language
    language = translation.get_language() or "de"
    body = caching.get_or_render(
        election_id, f"api-json-{language}", lambda: _detail_json(election_id)
    )
    if not body:
        _public(election_id)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get(
    "/{int:election_id}/csv",
    summary="votemanager open-data CSV (approved figures; empty cell = not yet reported)",
    response={200: str},
)
def election_csv(request: HttpRequest, election_id: int):
    election = _public(election_id)
    text = caching.get_or_render(
        election.pk, "csv", lambda: csv_export(election, approved_only=True)
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{election.municipality.ags}_{election.date:%Y%m%d}_{election.pk}.csv"'
    )
    return response
