"""Which helper may serve which request (hard rules), how well (fit), and the pruning."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rathaus.engines.matching.model import Helper, Problem, Request
from rathaus.engines.matching.travel import travel_minutes


@dataclass(frozen=True)
class Pair:
    helper: int  # index into problem.helpers
    request: int  # index into problem.requests
    score: int  # fit + continuity, without coverage


def refusal(helper: Helper, request: Request) -> str:
    """The first hard rule that keeps `helper` off `request`, or "" when none does."""
    if not request.required_skills <= helper.skills:
        return "SKILL_MISSING"
    if request.length > helper.max_weeks:
        return "TOO_LONG"
    if any(w not in helper.available_weeks for w in request.weeks):
        return "WEEK_UNAVAILABLE"
    if (request.shifts and not helper.shifts) or (request.weekends and not helper.weekends):
        return "WILLINGNESS"
    if request.remote:
        if not helper.remote:
            return "WILLINGNESS"
    elif travel_minutes(helper.postcode, request.site_postcode) > helper.max_travel_minutes:
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
        score += max(0, 12 - travel_minutes(helper.postcode, request.site_postcode) // 10)
    if request.requester in helper.preferred_requesters:
        score += 8
    score *= w.fit
    if helper.id in request.current:
        score += w.continuity
    return score


def _skill_index(helpers: tuple[Helper, ...]) -> dict[str, set[int]]:
    index: dict[str, set[int]] = defaultdict(set)
    for i, h in enumerate(helpers):
        for s in h.skills:
            index[s].add(i)
    return index


def pairs(problem: Problem) -> list[Pair]:
    """Eligible pairs, the best `candidates_per_slot × slots + 10` per request (plus the
    helpers already on it). Pruning keeps 5,000 × 300 small; a pruned helper would only
    replace an equally or better fitting one of the same request."""
    index = _skill_index(problem.helpers)
    everyone = set(range(len(problem.helpers)))
    out: list[Pair] = []
    for r, request in enumerate(problem.requests):
        pool = set(everyone)
        for skill in request.required_skills:
            pool &= index.get(skill, set())
        found = []
        for h in sorted(pool):
            helper = problem.helpers[h]
            if not refusal(helper, request):
                found.append(Pair(h, r, fit(problem, helper, request)))
        keep = problem.candidates_per_slot * request.slots + 10
        found.sort(key=lambda p: (-p.score, problem.helpers[p.helper].id))
        out.extend(found[:keep])
        out.extend(p for p in found[keep:] if problem.helpers[p.helper].id in request.current)
    return out


def overlaps(a: Request, b: Request) -> bool:
    return a.first_week <= b.last_week and b.first_week <= a.last_week
