"""After the greedy pass: fill the places it left open by moving one helper at a time.

For a request that is short, a helper who could serve it but is lent elsewhere in one of its
weeks moves over when the request they leave finds a replacement among the helpers who are
still free (one step of an augmenting path). Every move keeps every hard rule; the pass stops
after `rounds` sweeps or when a sweep fills nothing.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from rathaus.engines.matching.candidates import Pair
from rathaus.engines.matching.greedy import Capacity
from rathaus.engines.matching.model import Problem
from rathaus.engines.matching.tables import Tables


class _State:
    def __init__(self, problem: Problem, tables: Tables, capacity: Capacity, chosen: list[Pair]):
        self.problem, self.tables, self.capacity = problem, tables, capacity
        self.on: dict[int, list[int]] = defaultdict(list)  # request -> helpers
        self.serves: dict[int, list[int]] = defaultdict(list)  # helper -> requests
        for p in chosen:
            self.on[p.request].append(p.helper)
            self.serves[p.helper].append(p.request)
        self.eligible = [tables.eligible(r) for r in problem.requests]
        self.fits = [tables.fit(r) for r in problem.requests]

    def is_lead(self, h: int, r: int) -> bool:
        lead = self.problem.requests[r].lead_skill
        return bool(lead) and lead in self.problem.helpers[h].skills

    def may_join(self, h: int, r: int) -> bool:
        """The team rule: a member who is not a lead needs room under the leads present."""
        request = self.problem.requests[r]
        if not (request.team_size and request.lead_skill) or self.is_lead(h, r):
            return True
        leads = sum(self.is_lead(x, r) for x in self.on[r])
        return len(self.on[r]) + 1 <= leads * request.team_size

    def add(self, h: int, r: int) -> None:
        self.capacity.take(h, self.problem.requests[r])
        self.on[r].append(h)
        self.serves[h].append(r)

    def remove(self, h: int, r: int) -> None:
        self.capacity.release(h, self.problem.requests[r])
        self.on[r].remove(h)
        self.serves[h].remove(r)

    def blockers(self, h: int, r: int) -> list[int]:
        request = self.problem.requests[r]
        return [
            x
            for x in self.serves[h]
            if self.problem.requests[x].first_week <= request.last_week
            and request.first_week <= self.problem.requests[x].last_week
        ]

    def replacement(self, r: int, leaving: int) -> int | None:
        request = self.problem.requests[r]
        free = self.eligible[r] & self.capacity.open_for(request)
        free[leaving] = False
        if self.is_lead(leaving, r):  # a lead is replaced by a lead
            free &= self.tables.holding([request.lead_skill])
        found = np.flatnonzero(free)
        if not len(found):
            return None
        return int(found[np.lexsort((self.tables.rank[found], -self.fits[r][found]))[0]])

    def fill_one(self, r: int, tries: int) -> bool:
        request = self.problem.requests[r]
        direct = np.flatnonzero(self.eligible[r] & self.capacity.open_for(request))
        for h in direct[np.lexsort((self.tables.rank[direct], -self.fits[r][direct]))]:
            if int(h) not in self.on[r] and self.may_join(int(h), r):
                self.add(int(h), r)
                return True
        return self._move_one(r, tries)

    def _move_one(self, r: int, tries: int) -> bool:
        request = self.problem.requests[r]
        busy = np.flatnonzero(self.eligible[r] & ~self.capacity.open_for(request))
        for h in busy[np.lexsort((self.tables.rank[busy], -self.fits[r][busy]))][:tries]:
            h = int(h)
            blocking = self.blockers(h, r)
            if len(blocking) != 1 or h in self.on[r] or not self.may_join(h, r):
                continue
            (other,) = blocking
            self.remove(h, other)
            substitute = self.replacement(other, h) if self.capacity.fits(h, request) else None
            if substitute is not None:
                self.add(substitute, other)
                if self.capacity.fits(h, request):  # the substitute may share h's unit
                    self.add(h, r)
                    return True
                self.remove(substitute, other)
            self.add(h, other)
        return False


def repair(
    problem: Problem,
    tables: Tables,
    capacity: Capacity,
    chosen: list[Pair],
    *,
    rounds: int = 2,
    tries: int = 60,
) -> list[Pair]:
    """`chosen` with open places filled where one move allows it (deterministic)."""
    state = _State(problem, tables, capacity, chosen)
    for _ in range(rounds):
        filled = False
        for r, request in enumerate(problem.requests):
            while len(state.on[r]) < request.slots and state.fill_one(r, tries):
                filled = True
        if not filled:
            break
    return [
        Pair(h, r, int(state.fits[r][h])) for r in range(len(problem.requests)) for h in state.on[r]
    ]
