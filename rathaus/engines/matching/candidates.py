"""Which helper may serve which request (hard rules), how well (fit), and the pruning."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rathaus.engines.matching.model import Helper, Problem, Request
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


class Index:
    """Helpers by skill and by available week, and each helper's weeks as a bit mask."""

    def __init__(self, helpers: tuple[Helper, ...]):
        self.by_skill: dict[str, set[int]] = defaultdict(set)
        self.masks = [week_mask(h.available_weeks) for h in helpers]
        for i, h in enumerate(helpers):
            for s in h.skills:
                self.by_skill[s].add(i)
        self.everyone = set(range(len(helpers)))
        self.by_week: dict[int, set[int]] = defaultdict(set)
        for i, h in enumerate(helpers):
            for w in h.available_weeks:
                self.by_week[w].add(i)

    def holding(self, skills) -> set[int]:
        pool = self.everyone
        for skill in skills:
            pool = pool & self.by_skill.get(skill, set())
        return pool


def _eligible(problem: Problem, index: Index, r: int) -> list[int]:
    """Helpers that pass every hard rule for request r (the fast path of `refusal`)."""
    request = problem.requests[r]
    pool = index.holding(request.required_skills)
    for w in request.weeks:  # set intersections run in C: the big cut first
        pool = pool & index.by_week.get(w, set())
    out = []
    for h in sorted(pool):
        helper = problem.helpers[h]
        if request.length > helper.max_weeks or helper.lender == request.requester:
            continue
        if (request.shifts and not helper.shifts) or (request.weekends and not helper.weekends):
            continue
        if request.remote:
            if not helper.remote:
                continue
        elif travel(helper.postcode, request.site_postcode) > helper.max_travel_minutes:
            continue
        out.append(h)
    return out


def pairs(problem: Problem, index: Index | None = None) -> list[Pair]:
    """Eligible pairs, the best `candidates_per_slot × slots + 10` per request (plus the
    helpers already on it). Pruning keeps 5,000 × 300 small; a pruned helper would only
    replace an equally or better fitting one of the same request."""
    index = index or Index(problem.helpers)
    out: list[Pair] = []
    for r, request in enumerate(problem.requests):
        found = [
            Pair(h, r, fit(problem, problem.helpers[h], request))
            for h in _eligible(problem, index, r)
        ]
        keep = problem.candidates_per_slot * request.slots + 10
        found.sort(key=lambda p: (-p.score, problem.helpers[p.helper].id))
        out.extend(found[:keep])
        out.extend(p for p in found[keep:] if problem.helpers[p.helper].id in request.current)
    return out


def overlaps(a: Request, b: Request) -> bool:
    return a.first_week <= b.last_week and b.first_week <= a.last_week
