"""Independent check of a result against the hard rules (no OR-Tools)."""

from __future__ import annotations

from collections import Counter, defaultdict

from rathaus.engines.matching.candidates import refusal
from rathaus.engines.matching.model import Problem, Result


def check(problem: Problem, result: Result) -> list[str]:
    """Violated hard rules, as short English notes; empty when the result is valid."""
    helpers = {h.id: h for h in problem.helpers}
    requests = {r.id: r for r in problem.requests}
    issues: list[str] = []
    busy: dict[tuple[str, int], str] = {}
    away: Counter = Counter()
    per_request: dict[str, list[str]] = defaultdict(list)
    for m in result.matches:
        helper, request = helpers[m.helper_id], requests[m.request_id]
        why = refusal(helper, request)
        if why:
            issues.append(f"{m.helper_id} on {m.request_id}: {why}")
        for w in request.weeks:
            if (m.helper_id, w) in busy:
                issues.append(f"{m.helper_id} twice in week {w}")
            busy[(m.helper_id, w)] = m.request_id
            away[(helper.lender, helper.unit, w)] += 1
        per_request[m.request_id].append(m.helper_id)
    for key, n in away.items():
        limit = problem.lendable.get(key)
        if limit is not None and n > limit:
            issues.append(f"staffing floor of {key} broken: {n} > {limit}")
    for rid, ids in per_request.items():
        request = requests[rid]
        if len(ids) > request.slots:
            issues.append(f"{rid}: {len(ids)} helpers for {request.slots} slots")
        if request.team_size and request.lead_skill:
            leads = sum(1 for i in ids if request.lead_skill in helpers[i].skills)
            if len(ids) > leads * request.team_size:
                issues.append(f"{rid}: {len(ids)} helpers but only {leads} leads")
    return issues
