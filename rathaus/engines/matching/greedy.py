"""A valid assignment at once: requests by start week, candidates by fit, leads first."""

from __future__ import annotations

from collections import defaultdict

from rathaus.engines.matching.candidates import Pair
from rathaus.engines.matching.model import Problem


def leads_needed(slots: int, team_size: int) -> int:
    return -(-slots // team_size) if team_size else 0


class Ledger:
    """Weeks each helper is busy and helpers each (lender, unit, week) has lent."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.busy: dict[int, set[int]] = defaultdict(set)
        self.away: dict[tuple[str, str, int], int] = defaultdict(int)

    def fits(self, pair: Pair) -> bool:
        helper = self.problem.helpers[pair.helper]
        weeks = self.problem.requests[pair.request].weeks
        if any(w in self.busy[pair.helper] for w in weeks):
            return False
        for w in weeks:
            key = (helper.lender, helper.unit, w)
            limit = self.problem.lendable.get(key)
            if limit is not None and self.away[key] >= limit:
                return False
        return True

    def take(self, pair: Pair) -> None:
        helper = self.problem.helpers[pair.helper]
        for w in self.problem.requests[pair.request].weeks:
            self.busy[pair.helper].add(w)
            self.away[(helper.lender, helper.unit, w)] += 1


def greedy(problem: Problem, pairs: list[Pair]) -> list[Pair]:
    by_request: dict[int, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_request[p.request].append(p)
    order = sorted(
        range(len(problem.requests)),
        key=lambda r: (problem.requests[r].first_week, problem.requests[r].id),
    )
    ledger = Ledger(problem)
    chosen: list[Pair] = []
    for r in order:
        chosen.extend(_fill(problem, by_request[r], ledger, r))
    return chosen


def _fill(problem: Problem, candidates: list[Pair], ledger: Ledger, r: int) -> list[Pair]:
    request = problem.requests[r]
    ranked = sorted(candidates, key=lambda p: (-p.score, problem.helpers[p.helper].id))
    taken: list[Pair] = []
    cap = request.slots
    if request.team_size and request.lead_skill:
        for p in ranked:
            if len(taken) >= leads_needed(request.slots, request.team_size):
                break
            if request.lead_skill in problem.helpers[p.helper].skills and ledger.fits(p):
                ledger.take(p)
                taken.append(p)
        cap = min(cap, len(taken) * request.team_size)
    for p in ranked:
        if len(taken) >= cap:
            break
        if p not in taken and ledger.fits(p):
            ledger.take(p)
            taken.append(p)
    return taken
