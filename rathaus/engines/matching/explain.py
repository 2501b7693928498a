"""Why a request stays short: the first rule, in planners' order, that leaves too few helpers."""

from __future__ import annotations

from collections import Counter

from rathaus.engines.matching.candidates import Index, Pair, refusal
from rathaus.engines.matching.greedy import leads_needed
from rathaus.engines.matching.model import Helper, Problem, Request, Shortfall


def _week_gap(request: Request, skilled: list[Helper]) -> tuple[int, int] | None:
    """The first week in which fewer skilled helpers are available than slots."""
    for w in request.weeks:
        count = sum(1 for h in skilled if w in h.available_weeks)
        if count < request.slots:
            return w, count
    return None


def explain(problem: Problem, request: Request, covered: int, index: Index) -> Shortfall:
    def short(reason: str, **data) -> Shortfall:
        return Shortfall(request.id, covered, request.slots, reason, **data)

    def others(ids) -> list[Helper]:
        return [
            problem.helpers[i]
            for i in sorted(ids)
            if problem.helpers[i].lender != request.requester
        ]

    for skill in sorted(request.required_skills):
        holders = len(others(index.holding([skill])))
        if holders < request.slots:
            return short("SKILL_MISSING", skill=skill, available=holders)
    skilled = others(index.holding(request.required_skills))
    gap = _week_gap(request, skilled)
    if gap is not None:
        skill = min(request.required_skills) if request.required_skills else ""
        return short("WEEK_UNAVAILABLE", week=gap[0], skill=skill, available=gap[1])
    reasons = Counter(refusal(h, request) for h in skilled)
    eligible = reasons.pop("", 0)
    if eligible < request.slots and reasons:
        return short(reasons.most_common(1)[0][0], available=eligible)
    if request.team_size and request.lead_skill:
        leads = sum(
            1 for h in skilled if request.lead_skill in h.skills and not refusal(h, request)
        )
        if leads < leads_needed(request.slots, request.team_size):
            return short("NO_LEAD", skill=request.lead_skill, available=leads)
    units = {(h.lender, h.unit) for h in skilled if not refusal(h, request)}
    floor = any(
        problem.lendable.get((lender, unit, w)) is not None
        for lender, unit in units
        for w in request.weeks
    )
    return short("FLOOR" if floor else "TAKEN", available=eligible)


def shortfalls(problem: Problem, chosen: list[Pair]) -> list[Shortfall]:
    covered = Counter(p.request for p in chosen)
    index = Index(problem.helpers)
    return [
        explain(problem, request, covered[r], index)
        for r, request in enumerate(problem.requests)
        if covered[r] < request.slots
    ]
