"""A valid assignment at once: requests by start week, every eligible helper ranked by fit,
leads first. Runs over all helpers (not only the pruned candidates): the helpers' free weeks
and the units' remaining staffing-floor allowance are numpy arrays, so a request whose best
candidates are taken or whose units are at their floor still finds the next helper who can go.
"""

from __future__ import annotations

import math

import numpy as np

from rathaus.engines.matching.candidates import Pair
from rathaus.engines.matching.model import Problem, Request
from rathaus.engines.matching.tables import Tables

NO_LIMIT = np.iinfo(np.int32).max


def leads_needed(slots: int, team_size: int) -> int:
    return -(-slots // team_size) if team_size else 0


class Capacity:
    """Weeks each helper is already lent, and how many more helpers each (lender, unit) may
    lend per week before its staffing floor (the requests' weeks as columns)."""

    def __init__(self, problem: Problem, tables: Tables):
        self.problem, self.tables = problem, tables
        units = sorted({(h.lender, h.unit) for h in problem.helpers})
        number = {u: k for k, u in enumerate(units)}
        self.unit = np.array([number[(h.lender, h.unit)] for h in problem.helpers], dtype=np.int64)
        span = tables.free.shape[1]
        self.left = np.full((len(units), span), NO_LIMIT, dtype=np.int64)
        for (lender, unit, w), n in problem.lendable.items():
            k = number.get((lender, unit))
            if k is not None and 0 <= w - tables.lo < span:
                self.left[k, w - tables.lo] = n
        self.busy = np.zeros((len(problem.helpers), span), dtype=bool)

    def cols(self, request: Request) -> slice:
        return slice(request.first_week - self.tables.lo, request.last_week - self.tables.lo + 1)

    def open_for(self, request: Request) -> np.ndarray:
        """Helpers not lent in any week of `request` whose unit may still lend in all of them."""
        cols = self.cols(request)
        unit_open: np.ndarray = np.all(self.left[:, cols] > 0, axis=1)
        return ~self.busy[:, cols].any(axis=1) & unit_open[self.unit]

    def fits(self, h: int, request: Request) -> bool:
        cols = self.cols(request)
        return not self.busy[h, cols].any() and bool((self.left[self.unit[h], cols] > 0).all())

    def take(self, h: int, request: Request) -> None:
        cols = self.cols(request)
        self.busy[h, cols] = True
        self.left[self.unit[h], cols] -= 1

    def release(self, h: int, request: Request) -> None:
        cols = self.cols(request)
        self.busy[h, cols] = False
        self.left[self.unit[h], cols] += 1


# A plan: per request index, the number of helpers to take from each unit (unit numbers as in
# `Capacity.unit`), e.g. from the org-unit LP (`bound.UnitBound.plan`).
Plan = dict[int, dict[int, float]]


def greedy(problem: Problem, tables: Tables | None = None, plan: Plan | None = None) -> list[Pair]:
    """With a `plan`, each request first takes helpers from the units the plan gives it (up
    to the planned number per unit, best fit first), then from units with room to spare
    beyond what the plan keeps for the requests still to come, then any others."""
    tables = tables or Tables(problem)
    capacity = Capacity(problem, tables)
    guide = Guide(problem, capacity, plan) if plan is not None else None
    order = sorted(
        range(len(problem.requests)),
        key=lambda r: (problem.requests[r].first_week, problem.requests[r].id),
    )
    chosen: list[Pair] = []
    for r in order:
        chosen.extend(_fill(problem, tables, capacity, r, guide))
    return chosen


class Guide:
    """The plan's helpers per unit and request, and what it keeps of each unit's weekly
    allowance for the requests not yet filled."""

    def __init__(self, problem: Problem, capacity: Capacity, plan: Plan):
        self.problem, self.capacity, self.plan = problem, capacity, plan
        self.kept = np.zeros(capacity.left.shape, dtype=np.float64)
        for r, quota in plan.items():
            cols = capacity.cols(problem.requests[r])
            for u, q in quota.items():
                self.kept[u, cols] += q

    def order(self, r: int, ranked: list[int]) -> list[int]:
        """`ranked` (best fit first) as planned helpers, helpers of units with room, others."""
        cols = self.capacity.cols(self.problem.requests[r])
        quota = self.plan.get(r, {})
        for u, q in quota.items():
            self.kept[u, cols] -= q  # this request's share is now taken or given up
        spare = np.min(self.capacity.left[:, cols] - self.kept[:, cols], axis=1) >= 1
        left = {u: math.ceil(q - 1e-6) for u, q in quota.items()}
        groups: tuple[list[int], list[int], list[int]] = ([], [], [])
        for h in ranked:
            u = int(self.capacity.unit[h])
            if left.get(u, 0) > 0:
                left[u] -= 1
                groups[0].append(h)
            else:
                groups[1 if spare[u] else 2].append(h)
        return groups[0] + groups[1] + groups[2]


def _fill(
    problem: Problem,
    tables: Tables,
    capacity: Capacity,
    r: int,
    guide: Guide | None = None,
) -> list[Pair]:
    request = problem.requests[r]
    found = np.flatnonzero(tables.eligible(request) & capacity.open_for(request))
    fits = tables.fit(request)
    ranked = [int(h) for h in found[np.lexsort((tables.rank[found], -fits[found]))]]
    if guide is not None:
        ranked = guide.order(r, ranked)
    taken: list[int] = []
    cap = request.slots
    if request.team_size and request.lead_skill:
        lead = problem.helpers
        for h in ranked:
            if len(taken) >= leads_needed(request.slots, request.team_size):
                break
            if request.lead_skill in lead[h].skills and capacity.fits(h, request):
                capacity.take(h, request)
                taken.append(h)
        cap = min(cap, len(taken) * request.team_size)
    chosen = set(taken)
    for h in ranked:
        if len(taken) >= cap:
            break
        if h not in chosen and capacity.fits(h, request):
            capacity.take(h, request)
            taken.append(h)
            chosen.add(h)
    return [Pair(h, r, int(fits[h])) for h in taken]
