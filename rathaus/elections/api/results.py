"""Staff entry and approval of district results (four eyes), with problem+json errors."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import AuthorizationError

from rathaus.core.api.auth import staff_auth
from rathaus.core.problems import DomainError, NotFound
from rathaus.core.tenancy import get_scoped_or_404
from rathaus.elections.api.schemas import FiguresIn, ResultOut
from rathaus.elections.models import District, Election, Result
from rathaus.elections.selectors.elections import district_in, result_of
from rathaus.elections.services.results import result_approve, result_enter

router = Router(tags=["elections"])


def _staff_district(request, election_id: int, district_id: int, perm: str) -> District:
    if not request.user.has_perm(perm):
        raise AuthorizationError
    election = get_scoped_or_404(Election, request.user, pk=election_id)
    district = district_in(election, district_id)
    if district is None:
        raise NotFound("not_found", _("Diesen Wahlbezirk gibt es in dieser Wahl nicht."))
    return district


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
        raise DomainError("bad_stage", _("stage muss quick oder final sein."), status=422)
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
        stored = result_of(district)  # eligible voters are known before election day
        figures.update(a1=stored.a1, a2=stored.a2, a3=stored.a3, a=stored.a)
    result = result_enter(
        result=result_of(district),
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
    result = result_approve(
        result=result_of(district), actor=request.user, expected_revision=revision
    )
    return _result_out(result)
