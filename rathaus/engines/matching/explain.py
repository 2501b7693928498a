"""Why a request stays short: the first rule, in planners' order, that leaves too few helpers."""

from __future__ import annotations

from collections import Counter

import numpy as np

from rathaus.engines.matching.candidates import Pair
from rathaus.engines.matching.greedy import leads_needed
from rathaus.engines.matching.model import CaseOffer, Problem, Request, Shortfall
from rathaus.engines.matching.tables import Tables


def _week_gap(request: Request, skilled: np.ndarray, tables: Tables) -> tuple[int, int] | None:
    """The first week in which fewer skilled helpers are available than slots."""
    for w in request.weeks:
        count = int(tables.free[skilled, w - tables.lo].sum())
        if count < request.slots:
            return w, count
    return None


def explain(problem: Problem, request: Request, covered: int, tables: Tables) -> Shortfall:
    def short(reason: str, **data) -> Shortfall:
        return Shortfall(request.id, covered, request.slots, reason, **data)

    others = tables.lender != tables.lender_no[request.requester]
    for skill in sorted(request.required_skills):
        holders = int((tables.holding([skill]) & others).sum())
        if holders < request.slots:
            return short("SKILL_MISSING", skill=skill, available=holders)
    skilled = tables.holding(request.required_skills) & others
    gap = _week_gap(request, skilled, tables)
    if gap is not None:
        skill = min(request.required_skills) if request.required_skills else ""
        return short("WEEK_UNAVAILABLE", week=gap[0], skill=skill, available=gap[1])
    reasons = tables.first_refusals(request, skilled)
    eligible = reasons.pop("", 0)
    if eligible < request.slots and reasons:
        return short(reasons.most_common(1)[0][0], available=eligible)
    passing = skilled & tables.eligible(request)
    if request.team_size and request.lead_skill:
        leads = int((passing & tables.holding([request.lead_skill])).sum())
        if leads < leads_needed(request.slots, request.team_size):
            return short("NO_LEAD", skill=request.lead_skill, available=leads)
    helpers = problem.helpers
    units = {(helpers[i].lender, helpers[i].unit) for i in np.flatnonzero(passing)}
    floor = any(
        problem.lendable.get((lender, unit, w)) is not None
        for lender, unit in units
        for w in request.weeks
    )
    return short("FLOOR" if floor else "TAKEN", available=eligible)


def shortfalls(
    problem: Problem, chosen: list[Pair], tables: Tables | None = None
) -> list[Shortfall]:
    covered = Counter(p.request for p in chosen)
    tables = tables or Tables(problem)
    return [
        explain(problem, request, covered[r], tables)
        for r, request in enumerate(problem.requests)
        if covered[r] < request.slots
    ]


def case_offers(
    problem: Problem, chosen: list[Pair], tables: Tables, *, per_request: int = 3
) -> list[CaseOffer]:
    """For each request left short: the (at most `per_request`) other lenders with the most
    skilled helpers who are free in all its weeks and lent nowhere then. Travel, willingness
    and staffing floors do not matter: the work comes to them as cases. An offer is a
    suggestion; the same helpers may be offered for several requests."""
    covered = Counter(p.request for p in chosen)
    lent = np.zeros(tables.free.shape, dtype=bool)
    for p in chosen:
        request = problem.requests[p.request]
        lent[p.helper, request.first_week - tables.lo : request.last_week - tables.lo + 1] = True
    lenders = sorted(tables.lender_no, key=tables.lender_no.__getitem__)
    offers = []
    for r, request in enumerate(problem.requests):
        if covered[r] >= request.slots:
            continue
        cols = slice(request.first_week - tables.lo, request.last_week - tables.lo + 1)
        able = (
            tables.holding(request.required_skills)
            & tables.free_for(request)
            & ~lent[:, cols].any(axis=1)
            & (tables.lender != tables.lender_no[request.requester])
        )
        counts = np.bincount(tables.lender[able], minlength=len(lenders))
        best = sorted((-int(n), lenders[k]) for k, n in enumerate(counts) if n)[:per_request]
        offers += [CaseOffer(request.id, lender, -n) for n, lender in best]
    return offers
