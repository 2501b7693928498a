"""Matching: pool members and open requests of a region → engine → proposed secondments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or, stamp_created
from rathaus.core.models import Employee, Municipality
from rathaus.engines import matching as engine
from rathaus.staffpool import conf
from rathaus.staffpool.models import HeldDay, PoolMember, Secondment, StaffingFloor, StaffRequest
from rathaus.staffpool.selectors import unit_presence
from rathaus.staffpool.services.requests import refresh_status

REGION = "region"


@dataclass(frozen=True)
class MatchSummary:
    proposed: int
    shortfalls: int
    status: str


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


class _Horizon:
    def __init__(self, requests: list[StaffRequest]):
        self.origin = _monday(min(r.start for r in requests))
        self.end = max(r.end for r in requests)
        self.weeks = (_monday(self.end) - self.origin).days // 7 + 1

    def week(self, d: date) -> int:
        return (_monday(d) - self.origin).days // 7

    def monday(self, w: int) -> date:
        return self.origin + timedelta(weeks=w)


def _requester(r: StaffRequest) -> str:
    return REGION if r.for_region else str(r.municipality_id)


def _engine_requests(requests, horizon: _Horizon) -> list[engine.Request]:
    out = []
    for r in requests:
        held = r.secondments.filter(status__in=Secondment.HOLDING).count()
        if r.slots - held <= 0:
            continue
        proposed = r.secondments.filter(status="proposed").values_list(
            "member__pseudonym", flat=True
        )
        out.append(
            engine.Request(
                id=str(r.pk),
                requester=_requester(r),
                slots=r.slots - held,
                first_week=horizon.week(r.start),
                last_week=horizon.week(r.end),
                required_skills=frozenset(r.required_skills),
                desired_skills=frozenset(r.desired_skills),
                remote=r.remote,
                site_postcode=r.site_postcode,
                shifts=r.shifts,
                weekends=r.weekends,
                team_size=r.team_size,
                lead_skill=r.lead_skill,
                current=frozenset(proposed),
            )
        )
    return out


def _helpers(members, requests, horizon: _Horizon) -> list[engine.Helper]:
    ids = {r.pk for r in requests}
    busy: dict[int, set[int]] = defaultdict(set)
    for member_id, day in (
        HeldDay.objects.filter(member__in=members, day__gte=horizon.origin, day__lte=horizon.end)
        .exclude(secondment__request_id__in=ids)
        .values_list("member_id", "day")
    ):
        busy[member_id].add(horizon.week(day))
    last = horizon.end
    helpers = []
    for m in members:
        weeks = frozenset(
            w
            for w in range(horizon.weeks)
            if m.available_from <= horizon.monday(w)
            and m.available_until >= horizon.monday(w) + timedelta(days=4)
            and w not in busy[m.pk]
        )
        helpers.append(
            engine.Helper(
                id=m.pseudonym,
                lender=str(m.municipality_id),
                unit=str(m.employee.org_unit_id),
                skills=frozenset(m.skills_on(last)),
                available_weeks=weeks,
                postcode=m.postcode,
                max_travel_minutes=m.max_travel_minutes,
                shifts=m.shifts,
                weekends=m.weekends,
                remote=m.remote,
            )
        )
    return helpers


def _lendable(members, horizon: _Horizon) -> dict[tuple[str, str, int], int]:
    """People a unit can spare per week: present on its leanest working day minus its floor."""
    units = {(m.municipality_id, m.employee.org_unit_id) for m in members}
    floors = {
        f.org_unit_id: f.minimum
        for f in StaffingFloor.objects.filter(org_unit_id__in=[u for _m, u in units])
    }
    out = {}
    for municipality_id, unit_id in units:
        if unit_id not in floors:
            continue
        presence = unit_presence(unit_id, horizon.origin, horizon.monday(horizon.weeks))
        for w in range(horizon.weeks):
            days = [presence[d] for d in presence if horizon.week(d) == w]
            if days:
                spare = max(0, min(days) - floors[unit_id])
                out[(str(municipality_id), str(unit_id), w)] = spare
    return out


def _problem(requests: list[StaffRequest], horizon: _Horizon) -> tuple[engine.Problem, dict]:
    region_id = requests[0].municipality.region_id
    members = list(
        PoolMember.objects.filter(
            municipality__region_id=region_id, status="active", consent_at__isnull=False
        )
        .select_related("employee")
        .prefetch_related("qualifications")
    )
    sizes = dict(
        Employee.objects.filter(municipality__region_id=region_id, active=True)
        .values_list("municipality_id")
        .annotate(n=Count("pk"))
    )
    problem = engine.Problem(
        helpers=tuple(_helpers(members, requests, horizon)),
        requests=tuple(_engine_requests(requests, horizon)),
        lendable=_lendable(members, horizon),
        lender_size={str(k): v for k, v in sizes.items()},
    )
    return problem, {m.pseudonym: m for m in members}


def _apply(actor, request: StaffRequest, matches, members: dict, now) -> int:
    chosen = {m.helper_id for m in matches}
    request.secondments.filter(status="proposed").exclude(member__pseudonym__in=chosen).delete()
    have = set(request.secondments.values_list("member__pseudonym", flat=True))
    created = 0
    for m in matches:
        if m.helper_id in have:
            continue
        member = members[m.helper_id]
        secondment = Secondment.objects.create(
            municipality_id=member.municipality_id,
            request=request,
            member=member,
            borrower_id=request.municipality_id,
            start=request.start,
            end=request.end,
            hours_per_week=(request.hours_per_week * member.share).quantize(request.hours_per_week),
            cost_share=request.cost_share,
            hourly_rate=conf.hourly_rate(),
            score=m.score,
        )
        stamp_created(secondment, now)
        created += 1
    return created


def _note(short: engine.Shortfall | None, horizon: _Horizon, held: int) -> list[dict]:
    if short is None:
        return []
    week = horizon.monday(short.week).isoformat() if short.week is not None else None
    return [
        {
            "reason": short.reason,
            "covered": short.covered + held,
            "slots": short.slots + held,
            "available": short.available,
            "skill": short.skill,
            "week_start": week,
        }
    ]


def _case_note(offers: list[engine.CaseOffer]) -> list[dict]:
    """Case exchange instead of people: the towns whose skilled members are free then."""
    if not offers:
        return []
    names = dict(
        Municipality.objects.filter(pk__in=[int(o.lender) for o in offers]).values_list(
            "pk", "name"
        )
    )
    towns = [{"name": names[int(o.lender)], "people": o.helpers} for o in offers]
    return [{"reason": "CASE_EXCHANGE", "towns": towns}]


@transaction.atomic
def request_match(
    *, actor, requests: list[StaffRequest], now=None, work_limit: float | None = None
) -> MatchSummary:
    """Propose helpers for open requests of one region; the home municipalities approve next."""
    now = now_or(now)
    requests = [r for r in requests if r.status in ("open", "partly")]
    if not requests:
        return MatchSummary(0, 0, "NONE")
    horizon = _Horizon(requests)
    problem, members = _problem(requests, horizon)
    result = engine.solve(
        problem,
        time_limit=conf.match_time_limit(),
        work_limit=work_limit if work_limit is not None else conf.match_work_limit(),
        workers=1 if conf.match_work_limit() is not None else 2,
    )
    shortfalls = {s.request_id: s for s in result.shortfalls}
    offers: dict[str, list[engine.CaseOffer]] = defaultdict(list)
    for offer in result.case_offers:
        offers[offer.request_id].append(offer)
    proposed = 0
    for r in requests:
        matches = [m for m in result.matches if m.request_id == str(r.pk)]
        proposed += _apply(actor, r, matches, members, now)
        held = r.secondments.filter(status__in=Secondment.HOLDING).count()
        r.match_note = _note(shortfalls.get(str(r.pk)), horizon, held) + _case_note(
            offers.get(str(r.pk), [])
        )
        r.save(update_fields=["match_note"])
        refresh_status(r)
        audit.record(
            actor=actor,
            instance=r,
            action="action",
            summary=_("Abgleich: %(count)s Vorschläge (%(status)s)")
            % {"count": len(matches), "status": result.status},
        )
    return MatchSummary(proposed, len(shortfalls), result.status)
