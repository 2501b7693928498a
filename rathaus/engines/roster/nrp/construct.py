"""Construction heuristic for the NRP benchmark: plain Python, no CP-SAT, no clock.

Every hard rule concerns one employee, so a roster is feasible iff each row is; cover is soft.
The rows are built one employee after the other against the cover the earlier rows left open,
each by a depth-first search over the days that takes the cheapest option first (marginal
cover price: requirement still open -> -under weight, else +over weight; plus requests) and
backtracks on a dead end. A precomputed upper bound on the minutes still reachable (max
consecutive shifts, days off, weekends and per-shift maxima) prunes every branch that can no
longer reach the minimum minutes, so the first descent is almost always feasible. A row still
missed is searched again with the longest shifts first, then with a second bound that follows
the rotation rules (which shift may follow which); that finds every row of the 24 benchmark
instances.

The result depends only on the instance and the seed, never on the machine's speed. A row the
search does not find within its node budget is reported as ``None``; the caller falls back to
an exact solve of that row.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from rathaus.engines.roster.nrp.parser import NrpInstance

Rows = list[list[int]]  # per employee, per day: shift index, -1 = off
OFF = -1
NODES_PER_DAY = 40  # node budget of one row search, per day of the horizon
_UNREACHABLE = -(10**6)


@dataclass(frozen=True)
class _State:
    """The search state entering a day (``run`` = length of the current work/off block)."""

    last: int | None  # shift index, OFF, or None before day 0
    run: int
    from_start: bool  # the current block started on day 0 (never too short)
    minutes: int
    weekends_left: int


class RowSearch:
    """Finds one feasible row for employee ``e`` given the cover the others leave open."""

    def __init__(self, inst: NrpInstance, e: int) -> None:
        staff = inst.staff[e]
        self.h = h = inst.horizon
        self.lengths = [s.minutes for s in inst.shifts]
        self.cap = [min(staff.max_of(s.id), h) for s in inst.shifts]
        self.usable = [s for s in range(len(inst.shifts)) if self.cap[s] > 0]
        sidx = {s.id: i for i, s in enumerate(inst.shifts)}
        self.banned = {(a, sidx[b]) for a, s in enumerate(inst.shifts) for b in s.cannot_follow}
        self.off_days = inst.days_off_of(staff.id)
        self.k = min(staff.max_consecutive_shifts, h)
        self.min_work = staff.min_consecutive_shifts
        self.min_off = staff.min_consecutive_days_off
        self.m = max(1, self.min_off)
        self.lo, self.hi = staff.min_total_minutes, staff.max_total_minutes
        self.max_weekends = min(staff.max_weekends, h // 7)
        # 1 = Saturday, 2 = Sunday of a full week (the benchmark's weekends), else 0.
        self.weekend = [0] * h
        for sat, sun in inst.weekends:
            self.weekend[sat], self.weekend[sun] = 1, 2
        self.on: list[list[tuple[int, int]]] = [[] for _ in range(h)]
        self.off_req: dict[tuple[int, int], int] = {}
        for r in inst.on_requests:
            if r.staff == staff.id:
                self.on[r.day].append((sidx[r.shift], r.weight))
        for r in inst.off_requests:
            if r.staff == staff.id:
                key = (r.day, sidx[r.shift])
                self.off_req[key] = self.off_req.get(key, 0) + r.weight
        self.by_length = sorted(self.usable, key=lambda s: -self.lengths[s])
        self.work_days = self._work_days_bound()
        self.rotation: np.ndarray | None = None

    def _work_days_bound(self) -> list[list[list[int]]]:
        """``[d][state][w]``: most days workable from day d on, entering in block state
        ``state`` (see :meth:`_block`) with w weekends left. Exact for max consecutive shifts,
        min consecutive shifts and days off, days off and weekends; other rules relaxed."""
        h, k, m, nw = self.h, self.k, self.m, self.max_weekends
        n_states = 2 * k + m
        table = np.zeros((h + 1, n_states, nw + 1), dtype=np.int64)
        for d in range(h - 1, -1, -1):
            nxt, cur = table[d + 1], table[d]
            cur[:] = _UNREACHABLE
            can_work = d not in self.off_days and k > 0
            for state in range(n_states):
                off_to, work_to = self._moves(state)
                if d == 0 and work_to == 0:
                    work_to = k  # a run starting on day 0 may end at any length
                if off_to is not None:
                    cur[state] = nxt[off_to]
                if not can_work or work_to is None:
                    continue
                sunday_after_work = self.weekend[d] == 2 and state < 2 * k
                if self.weekend[d] and not sunday_after_work:
                    cur[state, 1:] = np.maximum(cur[state, 1:], 1 + nxt[work_to, :-1])
                else:
                    cur[state] = np.maximum(cur[state], 1 + nxt[work_to])
        out: list[list[list[int]]] = table.tolist()
        return out

    def _moves(self, state: int) -> tuple[int | None, int | None]:
        """Block state after a day off / a worked day from ``state`` (None: not allowed).

        States: 0..k-1 a work run of 1..k days, k..2k-1 the same for a run that started on
        day 0 (may end at any length), 2k..2k+m-1 an off run of 1..m days (m = may work).
        """
        k, m = self.k, self.m
        first_off = 2 * k
        if state < k:  # inside work run of state+1 days
            off = first_off if state + 1 >= self.min_work else None
            return off, (state + 1 if state + 1 < k else None)
        if state < 2 * k:  # work run from day 0
            return first_off, (state + 1 if state + 1 < 2 * k else None)
        o = state - first_off + 1
        return first_off + min(o, m - 1), (0 if o >= m else None)

    def _block(self, st: _State) -> int:
        """The bound table's block state for a search state."""
        if st.last is None:
            return 2 * self.k + self.m - 1
        if st.last == OFF:
            o = self.m if st.from_start else min(st.run, self.m)
            return 2 * self.k + o - 1
        return (self.k if st.from_start else 0) + min(st.run, self.k) - 1

    def _minutes_bound(self, days: int, counts: list[int]) -> int:
        """Most minutes in ``days`` working days with the shifts still allowed."""
        total = 0
        for s in self.by_length:
            if days <= 0:
                break
            take = min(days, self.cap[s] - counts[s])
            total += take * self.lengths[s]
            days -= take
        return total

    def _options(self, d: int, st: _State, counts: list[int]) -> list[tuple[int, _State]]:
        """Every choice for day ``d`` that keeps the row feasible so far."""
        out: list[tuple[int, _State]] = []
        working = st.last is not None and st.last != OFF
        if not working or st.from_start or st.run >= self.min_work:
            if st.last == OFF:
                nxt = _State(OFF, st.run + 1, st.from_start, st.minutes, st.weekends_left)
            else:
                nxt = _State(OFF, 1, d == 0, st.minutes, st.weekends_left)
            out.append((OFF, nxt))
        if d in self.off_days:
            return out
        if self.k == 0 or (working and st.run >= self.k):
            return out
        if st.last == OFF and not st.from_start and st.run < self.min_off:
            return out
        weekend_cost = 1 if self.weekend[d] == 1 or (self.weekend[d] == 2 and not working) else 0
        left = st.weekends_left - weekend_cost
        if left < 0:
            return out
        run, from_start = (st.run + 1, st.from_start) if working else (1, d == 0)
        for s in self.usable:
            minutes = st.minutes + self.lengths[s]
            if counts[s] >= self.cap[s] or minutes > self.hi:
                continue
            if working and (st.last, s) in self.banned:
                continue
            out.append((s, _State(s, run, from_start, minutes, left)))
        return out

    def _reachable(self, d: int, st: _State, counts: list[int]) -> bool:
        """Can the row still reach the minimum minutes from the state entering day ``d``?"""
        if st.minutes >= self.lo:
            return True
        block = self._block(st)
        days = self.work_days[d][block][st.weekends_left]
        if st.minutes + self._minutes_bound(days, counts) < self.lo:
            return False
        if self.rotation is None:
            return True
        last = 0 if st.last is None or st.last == OFF else 1 + st.last
        return st.minutes + int(self.rotation[d, block, last, st.weekends_left]) >= self.lo

    def add_rotation_bound(self) -> None:
        """Also bound the minutes by the rotation rules (which shift may follow which), with
        the per-shift maxima relaxed instead. Costs more (a table per last shift), so only
        for rows the cheaper bound let the search miss, e.g. long shifts that may not follow
        each other (Instance21)."""
        h, k, nw = self.h, self.k, self.max_weekends
        n_states, n_last = 2 * k + self.m, 1 + len(self.lengths)
        lengths = np.array([0, *self.lengths], dtype=np.int64)
        allowed = np.zeros((n_last, n_last), dtype=bool)  # [last, next]; 0 = off / start
        for s in self.usable:
            allowed[0, 1 + s] = True
            for t in self.usable:
                allowed[1 + s, 1 + t] = (s, t) not in self.banned
        table = np.zeros((h + 1, n_states, n_last, nw + 1), dtype=np.int64)
        for d in range(h - 1, -1, -1):
            nxt, cur = table[d + 1], table[d]
            cur[:] = _UNREACHABLE
            can_work = d not in self.off_days and k > 0
            for state in range(n_states):
                off_to, work_to = self._moves(state)
                if off_to is not None:
                    cur[state] = nxt[off_to, 0]
                if d == 0 and work_to == 0:
                    work_to = k
                if not can_work or work_to is None:
                    continue
                cand = np.full((n_last, nw + 1), _UNREACHABLE, dtype=np.int64)
                sunday_after_work = self.weekend[d] == 2 and state < 2 * k
                if self.weekend[d] and not sunday_after_work:
                    cand[:, 1:] = lengths[:, None] + nxt[work_to, :, :-1]
                else:
                    cand[:] = lengths[:, None] + nxt[work_to]
                best = np.where(allowed[:, :, None], cand[None, :, :], _UNREACHABLE).max(axis=1)
                cur[state] = np.maximum(cur[state], best)
        self.rotation = table

    def search(
        self, price: list[list[int]], rng: random.Random, long_first: bool = False
    ) -> list[int] | None:
        """A feasible row, cheapest option first; ``price[d][s]`` is the marginal cover cost.
        With ``long_first`` the longest allowed shift always comes first (a later attempt,
        for rows whose minimum minutes need the long shifts). None when the row is
        infeasible or the node budget ran out first.
        """
        self.long_first = long_first
        row = [OFF] * self.h
        counts = [0] * len(self.lengths)
        budget = [NODES_PER_DAY * self.h]
        failed: set[tuple[object, ...]] = set()
        start = _State(None, 0, True, 0, self.max_weekends)
        if not self._reachable(0, start, counts):
            return None
        if self._descend(0, start, row, counts, price, rng, budget, failed):
            return row
        return None

    def _descend(
        self,
        d: int,
        st: _State,
        row: list[int],
        counts: list[int],
        price: list[list[int]],
        rng: random.Random,
        budget: list[int],
        failed: set[tuple[object, ...]],
    ) -> bool:
        if d == self.h:
            return st.minutes >= self.lo
        key = (d, st, tuple(counts))
        if key in failed or budget[0] <= 0:
            return False
        budget[0] -= 1
        ranked = []
        for s, nxt in self._options(d, st, counts):
            ranked.append((self._cost(d, s, st, price), rng.random(), s, nxt))
        ranked.sort(key=lambda t: (t[0], t[1]))
        for _cost, _tie, s, nxt in ranked:
            if s != OFF:
                counts[s] += 1
            if self._reachable(d + 1, nxt, counts):
                row[d] = s
                if self._descend(d + 1, nxt, row, counts, price, rng, budget, failed):
                    return True
            if s != OFF:
                counts[s] -= 1
        failed.add(key)
        return False

    def _cost(self, d: int, s: int, st: _State, price: list[list[int]]) -> int:
        cost = sum(w for want, w in self.on[d] if want != s)
        if s == OFF:
            # Behind the pace the minimum minutes ask for: work first, rest later.
            if st.minutes * self.h < self.lo * (d + 1):
                cost += 10**9
            return cost
        cost += price[d][s] + self.off_req.get((d, s), 0)
        if self.long_first:
            cost -= 10**6 * self.lengths[s]
        return cost


def _row(search: RowSearch, price: list[list[int]], rng: random.Random) -> list[int] | None:
    """Cheapest first; then longest shifts first; then both again with the rotation bound."""
    row = search.search(price, rng) or search.search(price, rng, long_first=True)
    if row is None:
        search.add_rotation_bound()
        row = search.search(price, rng) or search.search(price, rng, long_first=True)
    return row


def construct(inst: NrpInstance, seed: int = 0) -> list[list[int] | None]:
    """Rows built one employee after the other (order shuffled by ``seed``) against the cover
    left open; ``None`` for an employee whose row the search did not find."""
    sidx = {s.id: i for i, s in enumerate(inst.shifts)}
    need = [[0] * len(inst.shifts) for _ in range(inst.horizon)]
    under = [[0] * len(inst.shifts) for _ in range(inst.horizon)]
    over = [[0] * len(inst.shifts) for _ in range(inst.horizon)]
    for c in inst.cover:
        s = sidx[c.shift]
        need[c.day][s], under[c.day][s], over[c.day][s] = (
            c.requirement,
            c.weight_under,
            c.weight_over,
        )
    rng = random.Random(seed)
    order = list(range(len(inst.staff)))
    rng.shuffle(order)
    rows: list[list[int] | None] = [None] * len(inst.staff)
    for e in order:
        price = [
            [-under[d][s] if need[d][s] > 0 else over[d][s] for s in range(len(inst.shifts))]
            for d in range(inst.horizon)
        ]
        row = _row(RowSearch(inst, e), price, rng)
        rows[e] = row
        for d, s in enumerate(row or ()):
            if s != OFF:
                need[d][s] -= 1
    return rows
