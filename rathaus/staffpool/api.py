"""Staff pool API: requests of the region, pseudonymised pool, secondments, matching, ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from rathaus.core.api.auth import staff_auth
from rathaus.core.problems import DomainError, NotFound
from rathaus.staffpool import selectors
from rathaus.staffpool.rules import PERM_LEDGER, PERM_VIEW
from rathaus.staffpool.services import matching
from rathaus.staffpool.services import secondments as secondment_services

router = Router(tags=["staffpool"], auth=staff_auth)


class RequestOut(Schema):
    id: int
    title: str
    requester: str
    for_region: bool
    start: date
    end: date
    slots: int
    team_size: int
    required_skills: list[str]
    status: str
    shortfalls: list[str]


class MemberOut(Schema):
    helper_id: str
    name: str | None  # only for the home municipality
    municipality: str
    skills: list[str]
    available_from: date
    available_until: date
    status: str


class SecondmentOut(Schema):
    id: int
    request_id: int
    helper: str
    home: str
    start: date
    end: date
    hours_per_week: Decimal
    status: str


class ApproveIn(Schema):
    works_council_on: date
    hearing_on: date | None = None
    consent_on: date | None = None
    floor_override: bool = False
    standard_override: bool = False


class MatchOut(Schema):
    proposed: int
    shortfalls: int
    status: str


class BalanceOut(Schema):
    name: str
    lent: Decimal
    borrowed: Decimal
    balance: Decimal
    lent_planned: Decimal
    borrowed_planned: Decimal


def _need(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise DomainError("forbidden", _("Keine Berechtigung für diese Aktion."), status=403)


def _request_out(r) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "requester": r.requester_name,
        "for_region": r.for_region,
        "start": r.start,
        "end": r.end,
        "slots": r.slots,
        "team_size": r.team_size,
        "required_skills": r.required_skills,
        "status": r.status,
        "shortfalls": [selectors.shortfall_message(n) for n in r.match_note or []],
    }


def _secondment_out(user, s) -> dict:
    return {
        "id": s.pk,
        "request_id": s.request_id,
        "helper": selectors.secondment_label(user, s),
        "home": s.municipality.name,
        "start": s.start,
        "end": s.end,
        "hours_per_week": s.hours_per_week,
        "status": s.status,
    }


def _secondment(request, pk: int):
    s = selectors.secondment_get(request.user, pk)
    if s is None:
        raise NotFound("not_found", _("Abordnung nicht gefunden."))
    return s


@router.get("/requests", response=list[RequestOut], summary="Anfragen der Region")
def list_requests(request):
    _need(request, PERM_VIEW)
    return [_request_out(r) for r in selectors.requests_for(request.user)]


@router.get("/requests/{request_id}", response=RequestOut, summary="Eine Anfrage")
def get_request(request, request_id: int):
    _need(request, PERM_VIEW)
    r = selectors.request_get(request.user, request_id)
    if r is None:
        raise NotFound("not_found", _("Anfrage nicht gefunden."))
    return _request_out(r)


@router.post("/requests/{request_id}/match", response=MatchOut, summary="Helfer vorschlagen")
def match_request(request, request_id: int):
    r = selectors.request_get(request.user, request_id)
    if r is None or not selectors.may_manage_request(request.user, r):
        raise NotFound("not_found", _("Anfrage nicht gefunden."))
    summary = matching.request_match(actor=request.user, requests=[r])
    return {
        "proposed": summary.proposed,
        "shortfalls": summary.shortfalls,
        "status": summary.status,
    }


@router.get("/members", response=list[MemberOut], summary="Pool (fremde Personen nur als ID)")
def list_members(request):
    _need(request, PERM_VIEW)
    return [
        {
            "helper_id": row.member.pseudonym,
            "name": row.label if row.resolved else None,
            "municipality": row.member.municipality.name,
            "skills": [q.skill for q in row.member.qualifications.all()],
            "available_from": row.member.available_from,
            "available_until": row.member.available_until,
            "status": row.member.status,
        }
        for row in selectors.members_for(request.user)
    ]


@router.get("/secondments", response=list[SecondmentOut], summary="Abordnungen")
def list_secondments(request):
    return [_secondment_out(request.user, s) for s in selectors.secondments_for(request.user)]


@router.post("/secondments/{secondment_id}/approve", response=SecondmentOut, summary="Freigeben")
def approve(request, secondment_id: int, body: ApproveIn):
    s = secondment_services.secondment_approve(
        actor=request.user, secondment=_secondment(request, secondment_id), **body.dict()
    )
    return _secondment_out(request.user, s)


@router.post("/secondments/{secondment_id}/accept", response=SecondmentOut, summary="Zusagen")
def accept(request, secondment_id: int):
    s = secondment_services.secondment_accept(
        actor=request.user, secondment=_secondment(request, secondment_id)
    )
    return _secondment_out(request.user, s)


@router.get("/ledger", response=list[BalanceOut], summary="Stundenkonto (Salden)")
def ledger(request):
    _need(request, PERM_LEDGER)
    return [
        {
            "name": b.name,
            "lent": b.lent,
            "borrowed": b.borrowed,
            "balance": b.balance,
            "lent_planned": b.lent_planned,
            "borrowed_planned": b.borrowed_planned,
        }
        for b in selectors.balances(request.user, today=timezone.localdate())
    ]
