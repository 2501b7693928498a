"""Which helper may serve which request (hard rules), how well (fit), and the pruning."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rathaus.engines.matching.model import Helper, Problem, Request
from rathaus.engines.matching.tables import Tables
from rathaus.engines.matching.travel import travel_minutes

travel = lru_cache(maxsize=65536)(travel_minutes)


@dataclass(frozen=True)
class Pair:
    helper: int  # index into problem.helpers
    request: int  # index into problem.requests
    score: int  # fit + continuity, without coverage


def week_mask(weeks) -> int:
    mask = 0
    for w in weeks:
        mask |= 1 << w
    return mask


def refusal(helper: Helper, request: Request, helper_mask: int | None = None) -> str:
    """The first hard rule that keeps `helper` off `request`, or "" when none does."""
    if not request.required_skills <= helper.skills:
        return "SKILL_MISSING"
    if request.length > helper.max_weeks:
        return "TOO_LONG"
    need = week_mask(request.weeks)
    have = week_mask(helper.available_weeks) if helper_mask is None else helper_mask
    if have & need != need:
        return "WEEK_UNAVAILABLE"
    if (request.shifts and not helper.shifts) or (request.weekends and not helper.weekends):
        return "WILLINGNESS"
    if request.remote:
        if not helper.remote:
            return "WILLINGNESS"
    elif travel(helper.postcode, request.site_postcode) > helper.max_travel_minutes:
        return "TRAVEL"
    if helper.lender == request.requester:
        return "OWN"
    return ""


def fit(problem: Problem, helper: Helper, request: Request) -> int:
    w = problem.weights
    score = 10 * len(request.desired_skills & helper.skills)
    if request.lead_skill and request.lead_skill in helper.skills:
        score += 5
    if not request.remote:
        score += max(0, 12 - travel(helper.postcode, request.site_postcode) // 10)
    if request.requester in helper.preferred_requesters:
        score += 8
    score *= w.fit
    if helper.id in request.current:
        score += w.continuity
    return score


def pairs(problem: Problem, tables: Tables | None = None) -> list[Pair]:
    """Eligible pairs, the best `candidates_per_slot × slots + 10` per request (plus the
    helpers already on it), ranked by fit, then helper id. Pruning keeps 5,000 × 300 small;
    a pruned helper would only replace an equally or better fitting one of the same request.
    Rules and fit are computed for all helpers at once (`tables`)."""
    tables = tables or Tables(problem)
    out: list[Pair] = []
    for r, request in enumerate(problem.requests):
        found = np.flatnonzero(tables.eligible(request))
        if not len(found):
            continue
        fits = tables.fit(request)
        order = found[np.lexsort((tables.rank[found], -fits[found]))]
        keep = problem.candidates_per_slot * request.slots + 10
        kept = list(order[:keep])
        current = {tables.index_of.get(h) for h in request.current}
        kept += [h for h in order[keep:] if h in current]
        out.extend(Pair(int(h), r, int(fits[h])) for h in kept)
    return out


def overlaps(a: Request, b: Request) -> bool:
    return a.first_week <= b.last_week and b.first_week <= a.last_week
