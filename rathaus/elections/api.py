"""JSON API under /api/v1/elections/: public results and staff entry/approval (problem+json)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import AuthorizationError

from rathaus.core.api_auth import staff_auth
from rathaus.core.problems import DomainError, NotFound
from rathaus.core.tenancy import get_scoped_or_404
from rathaus.elections import caching, presentation, selectors, services
from rathaus.elections.models import District, Election, Result
from rathaus.elections.services import MAX_FIGURE
from rathaus.engines.counting.german import fmt_pct

router = Router(tags=["elections"])


class ElectionOut(Schema):
    id: int
    municipality: str
    municipality_slug: str
    ags: str
    kind: str
    title: str
    date: str
    status: str
    first_round_id: int | None
    url: str


class CandidateOut(Schema):
    position: int
    name: str
    party: str
    votes: int
    share: str | None  # "45.23" (percent of valid votes, two decimals)
    share_text: str  # "45,23 %"
    previous_share: str | None
    difference_pp: str | None


class TotalsOut(Schema):
    districts_reported: int
    districts_total: int
    eligible: int
    voters: int
    voters_with_card: int
    invalid: int
    valid: int
    turnout: str | None


class DecisionOut(Schema):
    """§ 46c outcome (elected, runoff, lot_needed, not_elected, incomplete) or, for a
    Bürgerentscheid, yes / no / quorum_missed / no_votes."""

    outcome: str
    provisional: str | None
    headline: str
    elected: str | None
    runoff_candidates: list[str]
    runoff_date: str | None
    lot_candidates: list[str]
    reasons: list[str]


class DistrictOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    reported: bool
    A1: int | None
    A2: int | None
    A3: int | None
    A: int | None
    B: int | None
    B1: int | None
    C: int | None
    D: int | None
    votes: list[int | None]


class LotOut(Schema):
    at: str
    among: list[str]
    drawn: list[str]


class ElectionDetailOut(ElectionOut):
    candidates: list[CandidateOut]
    totals: TotalsOut
    decision: DecisionOut | None
    districts: list[DistrictOut]
    lots: list[LotOut]
    runoff_id: int | None


Figure = Annotated[int, Field(ge=-MAX_FIGURE, le=MAX_FIGURE)]


class FiguresIn(Schema):
    """Figures in votemanager columns; null = not reported. Negative numbers are accepted
    here so that the plausibility check can name them (422 problem+json)."""

    A1: Figure | None = None
    A2: Figure | None = None
    A3: Figure | None = None
    A: Figure | None = None
    B: Figure | None = None
    B1: Figure | None = None
    C: Figure | None = None
    D: Figure | None = None
    votes: list[Figure | None] = Field(default_factory=list, max_length=100)
    stage: str = Field(default="quick", max_length=10)
    reason: str = Field(default="", max_length=2000)
    revision: int | None = Field(default=None, ge=0, le=2_000_000_000)


class ResultOut(Schema):
    district_id: int
    number: str
    state: str
    revision: int
    entered_by: str | None
    approved_by: str | None


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
        "headline": r.headline,
        "elected": None,
        "runoff_candidates": [],
        "runoff_date": None,
        "lot_candidates": [],
        "reasons": list(r.reasons),
    }


def _detail(election: Election) -> dict:
    rep = selectors.report(election)
    d = rep.decision
    runoff = election.runoffs.exclude(status=Election.Status.PREPARATION).first()
    return {
        **_election_out(election),
        "candidates": [
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
        ],
        "totals": {
            "districts_reported": rep.totals.districts_reported,
            "districts_total": rep.totals.districts_total,
            "eligible": rep.totals.eligible,
            "voters": rep.totals.voters,
            "voters_with_card": rep.totals.voters_with_card,
            "invalid": rep.totals.invalid,
            "valid": rep.totals.valid,
            "turnout": _dec(rep.totals.turnout),
        },
        "decision": _referendum_out(rep)
        if rep.referendum is not None
        else None
        if d is None
        else {
            "outcome": d.outcome.value,
            "provisional": d.provisional.value if d.provisional else None,
            "headline": presentation.headline(rep)[1],
            "elected": d.elected,
            "runoff_candidates": list(d.runoff_candidates),
            "runoff_date": (
                (d.runoff_date or selectors.runoff_date_for(election)).isoformat()
                if d.effective.value in ("runoff", "lot_needed") and not d.is_runoff_ballot
                else None
            ),
            "lot_candidates": list(d.lot_candidates),
            "reasons": list(d.reasons),
        },
        "districts": [
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
        ],
        "lots": [
            {"at": lot.at.isoformat(), "among": lot.among, "drawn": lot.drawn} for lot in rep.lots
        ],
        "runoff_id": runoff.pk if runoff else None,
    }


def _public(election_id: int) -> Election:
    election = selectors.public_election(election_id)
    if election is None:
        raise NotFound("not_found", "Diese Wahl gibt es nicht oder sie ist nicht veröffentlicht.")
    return election


@router.get(
    "/", response=list[ElectionOut], summary="Published elections (all or one municipality)"
)
def list_elections(request: HttpRequest, municipality: str | None = None):
    return [_election_out(e) for e in selectors.public_elections(municipality)]


def _detail_json(election_id: int) -> bytes:
    election = selectors.public_election(election_id)
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
    body = caching.get_or_render(election_id, "api-json", lambda: _detail_json(election_id))
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
        election.pk, "csv", lambda: selectors.csv_export(election, approved_only=True)
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{election.municipality.ags}_{election.date:%Y%m%d}_{election.pk}.csv"'
    )
    return response


# --- staff -------------------------------------------------------------------------------------


def _staff_district(request, election_id: int, district_id: int, perm: str) -> District:
    if not request.user.has_perm(perm):
        raise AuthorizationError
    election = get_scoped_or_404(Election, request.user, pk=election_id)
    try:
        district = District.objects.select_related("result").get(pk=district_id, election=election)
    except District.DoesNotExist:
        raise NotFound("not_found", "Diesen Wahlbezirk gibt es in dieser Wahl nicht.") from None
    return services.result_ensure(district)


def _result_out(result: Result) -> dict:
    return {
        "district_id": result.district_id,
        "number": result.district.number,
        "state": result.state,
        "revision": result.revision,
        "entered_by": result.entered_by.username if result.entered_by else None,
        "approved_by": result.approved_by.username if result.approved_by else None,
    }


@router.put(
    "/{int:election_id}/districts/{int:district_id}/result",
    auth=staff_auth,
    response=ResultOut,
    summary="Enter or correct a district's figures (waits for another officer's approval)",
)
def enter_result(request: HttpRequest, election_id: int, district_id: int, payload: FiguresIn):
    district = _staff_district(request, election_id, district_id, "elections.enter_results")
    if payload.stage not in Result.Stage.values:
        raise DomainError("bad_stage", "stage muss quick oder final sein.", status=422)
    figures = {
        "a1": payload.A1,
        "a2": payload.A2,
        "a3": payload.A3,
        "a": payload.A,
        "b": payload.B,
        "b1": payload.B1,
        "c": payload.C,
        "d": payload.D,
        "votes": payload.votes,
    }
    if all(figures[f] is None for f in ("a1", "a2", "a3", "a")):
        stored = district.result  # eligible voters are known before election day
        figures.update(a1=stored.a1, a2=stored.a2, a3=stored.a3, a=stored.a)
    result = services.result_enter(
        result=district.result,
        actor=request.user,
        figures=figures,
        reason=payload.reason,
        stage=payload.stage,
        expected_revision=payload.revision,
    )
    return _result_out(result)


@router.post(
    "/{int:election_id}/districts/{int:district_id}/approve",
    auth=staff_auth,
    response=ResultOut,
    summary="Approve a result entered by another officer (four eyes)",
)
def approve_result(
    request: HttpRequest, election_id: int, district_id: int, revision: int | None = None
):
    """``?revision=n`` refuses the approval if the figures changed since they were checked."""
    district = _staff_district(request, election_id, district_id, "elections.approve_results")
    result = services.result_approve(
        result=district.result, actor=request.user, expected_revision=revision
    )
    return _result_out(result)
