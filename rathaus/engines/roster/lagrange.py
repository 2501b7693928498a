"""Lagrangian relaxation of the kit pool: a lower bound that sees the pool, and plans that fit it.

The parts of the decomposition only interact through the pool (per day, the kits used at home
by all parts together ≤ stock). Pricing that constraint with λ_d ≥ 0 per kit-day gives

    L(λ) = Σ_parts min_x [ penalty_p(x) + Σ_d λ_d · kits_p,d(x) ]  −  Σ_d λ_d · stock_d,

a valid lower bound of the whole problem for every λ ≥ 0 (λ = 0 is the relaxed bound used
before). Every part is solved with the prices by CP-SAT, and its *proven* bound (not its
incumbent) enters the sum, so a part that is not solved to optimality only weakens the bound.

Prices (a stabilised cutting-plane / bundle scheme, Dantzig–Wolfe in the dual): every part
solution seen becomes a column (penalty, kits per day); a restricted master LP (GLOP) chooses
a convex combination per part within the stock, and its duals are the cutting-plane model's
best prices; the next prices are smoothed towards the best prices so far (Wentges smoothing),
falling back to the pure duals when smoothing finds no new column. Prices are integers in
tenths of a penalty point (`SCALE`), so every CP-SAT model keeps an integer objective and
the bound is exact integer arithmetic.

Repair: a small CP-SAT over the columns chooses one solution per part with the summed kits
within the stock on every day and the least penalty (the greedy repair's plan is one of the
columns, so it is never worse than that repair).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from rathaus.engines.roster.clock import Clock
from rathaus.engines.roster.cpmodel import HOME, Built, assignment_of, build, option_of
from rathaus.engines.roster.decompose import components, kit_use, subproblem
from rathaus.engines.roster.explain import seat_plan
from rathaus.engines.roster.kits import repair
from rathaus.engines.roster.model import Assignment, Problem, Status
from rathaus.engines.roster.parts import RULES, Part, solve_part
from rathaus.engines.roster.progress import Watch

log = logging.getLogger(__name__)

SCALE = 10  # prices in tenths of a penalty point per kit-day
BIG = 1000  # price ceiling (the master's overflow cost): a kit-day is never worth more
BOX = 0.5  # least half-width of the box around the best prices (points per kit-day)
SMOOTHING = 0.5  # weight of the best prices so far in the next prices (Wentges)
MASTER_IP_SHARE = 0.1  # of the phase's time for choosing one column per part
# First prices on the short days: a fifth of a point per kit-day. Most kits of the relaxed plans
# are free to give back (an office day that no rule minds), and parts priced this low stay
# quick to prove; the master's duals take over from the second round.
FIRST_PRICE = 2
# Least price in every round on every day the pool could bind (the parts' kit users free to
# stay at home outnumber the stock): a tenth of a point per kit-day makes every part give
# back the kits no rule asks for, also on days the master's duals price at 0, so the
# round's plans overrun the stock less and their repair costs less (seed 3 of the generated
# town hall at work 40: 847 -> 786, the bound 427 -> 433).
LEAST_PRICE = 1
REPAIR_SHARE = 0.1  # of the time pricing has left, for one round's repair to the stock


@dataclass(frozen=True)
class Column:
    """One solution of one part: its penalty (original objective) and kits per day."""

    cost: int
    kits: tuple[int, ...]  # per index of `Problem.days`
    assignments: tuple[Assignment, ...]
    penalties: tuple[tuple[str, int], ...]

    def priced(self, prices: Sequence[int]) -> int:
        """Scaled penalty plus the kits at `prices` (tenths of a point)."""
        return SCALE * self.cost + sum(p * k for p, k in zip(prices, self.kits, strict=True))


@dataclass
class Dual:
    """The result of the phase: the best bound with its prices, and the plan chosen."""

    bound: int  # valid lower bound of the whole problem (ceil of the best L(λ))
    prices: tuple[float, ...]  # the best prices, penalty points per kit-day
    iterations: int
    parts: list[Part] | None = None  # one column per part within the stock, if found
    columns: int = 0
    # Kits per part and day from the master LP's mix, within the stock (see `lp_budgets`).
    budgets: list[dict[date, int]] | None = None


@dataclass
class _State:
    columns: list[list[Column]]
    best_num: int  # best Σ b'_p − Σ λ' S over the priced parts, scaled by SCALE
    best_prices: list[int]
    upper: int | None  # penalty of a known plan within the stock (for the first step)
    iterations: int = 0
    gradient: list[int] | None = None  # kits used minus stock at the best prices
    improved: bool = True  # the last round raised the bound
    step: float = 1.0  # Polyak step factor, halved while subgradient steps do not help
    # Per priced part: its least and most kits per day (any plan), and the proven bounds of
    # its priced objective at the prices seen so far (scaled): see `_floor`.
    least: list[list[int]] = field(default_factory=list)
    most: list[list[int]] = field(default_factory=list)
    points: list[list[tuple[tuple[int, ...], int]]] = field(default_factory=list)
    latest: list[Column] = field(default_factory=list)  # per priced part, at the last prices
    floors: list[int] = field(default_factory=list)  # least price per day (`LEAST_PRICE`)


class _Priced:
    """One part's CP-SAT model, built once and re-solved with new kit prices."""

    def __init__(self, sub: Problem, day_index: dict[date, int]) -> None:
        self.sub = sub
        self.b: Built = build(sub)
        self.penalty = cast(cp_model.LinearExpr, self.b.objective_expr())
        self.kits: dict[int, list[cp_model.IntVar]] = {}
        emps = sub.employees_by_id
        for (eid, d), lits in self.b.x.items():
            if HOME in lits and emps[eid].needs_kit:
                self.kits.setdefault(day_index[d], []).append(lits[HOME])
        self.n_days = len(day_index)

    def solve(
        self, prices: Sequence[int], hint: Column, limit: float, seed: int, watch: Watch
    ) -> tuple[Column | None, int]:
        """The best column at `prices` and the proven bound of the priced objective."""
        kit_cost = cp_model.LinearExpr.weighted_sum(
            [v for i, vs in self.kits.items() if prices[i] for v in vs],
            [prices[i] for i, vs in self.kits.items() if prices[i] for _ in vs],
        )
        priced = SCALE * self.penalty + kit_cost
        self.b.model.minimize(priced)
        self._hint(hint)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.linearization_level = 2  # fairness needs the full LP to be proven
        watch.clock.limit(solver.parameters, limit)
        code = watch.run(solver, self.b.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, 0  # every priced term is >= 0: 0 is a valid bound
        value = int(round(solver.objective_value))
        bound = value if code == cp_model.OPTIMAL else math.ceil(solver.best_objective_bound - 1e-6)
        return self._column(solver), max(0, min(bound, value))

    def _hint(self, column: Column) -> None:
        model = self.b.model
        model.clear_hints()
        chosen = {(a.employee_id, a.day): option_of(a) for a in column.assignments}
        for key, lits in self.b.x.items():
            for o, v in lits.items():
                model.add_hint(v, chosen.get(key) == o)

    def _column(self, solver: cp_model.CpSolver) -> Column:
        b = self.b
        assignments = [Assignment(eid, d, kind) for (eid, d), kind in b.base.items()]
        for (eid, d), lits in b.x.items():
            chosen = next(o for o, v in lits.items() if solver.boolean_value(v))
            assignments.append(assignment_of(eid, d, chosen))
        penalties = tuple((r, int(solver.value(b.rule_expr(r)))) for r in RULES)
        kits = [0] * self.n_days
        for i, vs in self.kits.items():
            kits[i] = sum(1 for v in vs if solver.boolean_value(v))
        return Column(sum(p for _, p in penalties), tuple(kits), tuple(assignments), penalties)


class _PricedPieces:
    """A batched part priced component by component (`pieces`: one model over independent
    components is much slower to solve and to prove than the components one by one). Same
    interface as `_Priced`; the bound is the sum of the pieces' proven bounds (0 for a piece
    without a plan: every priced term is >= 0)."""

    def __init__(self, sub: Problem, comps: list[list[str]], day_index: dict[date, int]) -> None:
        self.pieces = [_Priced(subproblem(sub, c), day_index) for c in comps]
        self.size = [len(c) for c in comps]

    def solve(
        self, prices: Sequence[int], hint: Column, limit: float, seed: int, watch: Watch
    ) -> tuple[Column | None, int]:
        clock = watch.clock
        end, left = clock.now() + limit, sum(self.size)
        columns: list[Column] = []
        bound = 0
        for piece, n in zip(self.pieces, self.size, strict=True):
            share = min(2 * (end - clock.now()) * n / max(1, left), end - clock.now())
            left -= n
            if share < 0.05 or watch.stopped:
                return None, bound  # out of time: the rest counts 0 (and `_floor` helps)
            column, proven = piece.solve(prices, hint, share, seed, watch)
            bound += proven
            if column is not None:
                columns.append(column)
        if len(columns) < len(self.pieces):
            return None, bound
        return _joined(columns), bound


def _joined(columns: list[Column]) -> Column:
    penalties = {r: sum(dict(c.penalties).get(r, 0) for c in columns) for r in RULES}
    return Column(
        sum(c.cost for c in columns),
        tuple(sum(k) for k in zip(*(c.kits for c in columns), strict=True)),
        tuple(a for c in columns for a in c.assignments),
        tuple((r, penalties[r]) for r in RULES),
    )


def _priced_model(sub: Problem, day_index: dict[date, int]) -> _Priced | _PricedPieces:
    comps = components(sub)
    return _Priced(sub, day_index) if len(comps) == 1 else _PricedPieces(sub, comps, day_index)


def column_of(problem: Problem, part: Part, day_index: dict[date, int]) -> Column:
    kits = [0] * len(day_index)
    for d, n in kit_use(problem, part.assignments).items():
        kits[day_index[d]] = n
    return Column(
        part.objective,
        tuple(kits),
        tuple(part.assignments),
        tuple((r, part.penalties.get(r, 0)) for r in RULES),
    )


def price_kits(
    problem: Problem,
    subs: list[Problem],
    relaxed: list[Part],
    feasible: list[Part] | None,
    *,
    end: float,
    workers: int,
    seed: int,
    watch: Watch,
    repair_rounds: bool = False,
    least_price: bool = False,
) -> Dual:
    """Iterate kit prices until `end`; returns the best bound and a plan within the stock.

    `relaxed` are the parts solved with the whole pool (λ = 0, their bounds give the relaxed
    bound); `feasible`, if given, a combination that fits the pool (its columns keep the
    master feasible and the chosen plan at least as good); `repair_rounds`, every round's
    part plans fitted to the stock become columns too (`budget_repaired_round`, each round
    with `REPAIR_SHARE` of the time left); `least_price`, every round prices the days the
    pool could bind at `LEAST_PRICE` at least."""
    day_index = {d: i for i, d in enumerate(problem.days)}
    stock = [problem.kit_pool.available(d) for d in problem.days]
    priced = [
        i for i, s in enumerate(subs) if any(e.needs_kit and e.home_office for e in s.employees)
    ]
    fixed_bound = sum(relaxed[i].bound for i in range(len(subs)) if i not in set(priced))
    state = _State(
        columns=[[column_of(problem, relaxed[i], day_index)] for i in priced],
        best_num=SCALE * sum(relaxed[i].bound for i in priced),
        best_prices=[0] * len(stock),
        upper=None if feasible is None else sum(feasible[i].objective for i in priced),
        least=[_least_kits(subs[i], problem.days) for i in priced],
        most=[_most_kits(subs[i], problem.days) for i in priced],
        points=[[((0,) * len(stock), SCALE * relaxed[i].bound)] for i in priced],
        floors=[0] * len(stock),
    )
    if feasible is not None:
        for k, i in enumerate(priced):
            _add(state.columns[k], column_of(problem, feasible[i], day_index))
    if least_price:
        state.floors = least_prices(state.most, stock)
    models: dict[int, _Priced | _PricedPieces] = {}

    def repaired(state: _State) -> None:
        if len(state.latest) != len(priced):
            return
        # Each round's repair gets a share of the time pricing has left.
        until = watch.clock.now() + REPAIR_SHARE * max(0.0, end - watch.clock.now())
        fixed = budget_repaired_round(
            problem,
            subs,
            relaxed,
            priced,
            state.latest,
            state.least,
            state.most,
            end=until,
            workers=workers,
            seed=seed,
            watch=watch,
        )
        _add_repaired(problem, priced, state, day_index, fixed)

    after_round = repaired if repair_rounds else None
    _iterate(state, priced, subs, models, stock, day_index, end, workers, seed, watch, after_round)
    bound = fixed_bound + -((-state.best_num) // SCALE)
    chosen = _choose(state.columns, stock, watch.clock, end, seed)
    parts = None
    if chosen is not None:
        parts = list(relaxed)
        for k, i in enumerate(priced):
            col = chosen[k]
            parts[i] = Part(
                Status.FEASIBLE,
                list(col.assignments),
                col.cost,
                relaxed[i].bound,
                dict(col.penalties),
            )
    return Dual(
        bound=bound,
        prices=tuple(p / SCALE for p in state.best_prices),
        iterations=state.iterations,
        parts=parts,
        columns=sum(len(c) for c in state.columns),
        budgets=_part_budgets(problem, relaxed, priced, state.columns, stock),
    )


def _add_repaired(
    problem: Problem,
    priced: list[int],
    state: _State,
    day_index: dict[date, int],
    fixed: list[Part] | None,
) -> None:
    """A round's part plans repaired to the stock (`budget_repaired_round`) become columns,
    and their penalty the known plan within the stock."""
    if fixed is None:
        return
    for k, i in enumerate(priced):
        _add(state.columns[k], column_of(problem, fixed[i], day_index))
    total = sum(fixed[i].objective for i in priced)
    state.upper = total if state.upper is None else min(state.upper, total)
    log.debug("repaired round %d: plan %d", state.iterations, total)


def repaired_round(
    problem: Problem,
    subs: list[Problem],
    relaxed: list[Part],
    priced: list[int],
    latest: Sequence[Column],
    workers: int,
) -> list[Part] | None:
    """One plan per part (`latest` for the priced parts, `relaxed` for the rest) brought
    within the stock by the greedy repair (kit users with a free seat go to the office), or
    None if the seats do not suffice. Priced plans give back the kits no rule asks for, so
    together they overrun the stock on few days by few kits and this repair costs little,
    unlike the repair of the relaxed plans (tens of kits a day on the generated town hall)."""
    parts = list(relaxed)
    for k, i in enumerate(priced):
        col = latest[k]
        parts[i] = Part(
            Status.FEASIBLE, list(col.assignments), col.cost, relaxed[i].bound, dict(col.penalties)
        )
    return repair(problem, subs, [], parts, workers)


def budget_repaired_round(
    problem: Problem,
    subs: list[Problem],
    relaxed: list[Part],
    priced: list[int],
    latest: Sequence[Column],
    least: Sequence[Sequence[int]],
    most: Sequence[Sequence[int]],
    *,
    end: float,
    workers: int,
    seed: int,
    watch: Watch,
) -> list[Part] | None:
    """One plan per part within the stock from the round's plans `latest` (`relaxed` for the
    unpriced parts): only the parts using kits on the days the round overruns the stock are
    re-solved, each with kit budgets per day (`repair_budgets`: its round kits minus a share
    of the overrun on those days, plus a share of the unused stock on the others; soft, the
    round plan is the hint), until `end`; what still overruns (a part that could not keep its
    budget) is fitted by the greedy repair (`repaired_round`). None if that fails too."""
    clock = watch.clock
    days = problem.days
    stock = [problem.kit_pool.available(d) for d in days]
    budgets = repair_budgets([c.kits for c in latest], least, most, stock)
    columns = list(latest)
    redo = [k for k, b in enumerate(budgets) if b is not None]
    size = {k: len(subs[priced[k]].employees) for k in redo}
    left = [sum(size.values())]
    lock = threading.Lock()

    def one(k: int) -> Column | None:
        budget = budgets[k]
        with lock:
            share = workers * (end - clock.now()) * size[k] / max(1, left[0])
            left[0] -= size[k]
        limit = min(max(0.05, share), end - clock.now())
        if budget is None or limit < 0.02 or watch.stopped:
            return None
        part = solve_part(
            subs[priced[k]],
            budget=limit,
            workers=1,
            seed=seed,
            kit_budget=dict(zip(days, budget, strict=True)),
            kit_soft=True,
            hint={(a.employee_id, a.day): a for a in latest[k].assignments},
            watch=watch,
        )
        if part.status not in (Status.FEASIBLE, Status.OPTIMAL):
            return None
        return column_of(problem, part, {d: n for n, d in enumerate(days)})

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for k, column in zip(redo, pool.map(one, redo), strict=True):
            if column is not None:
                columns[k] = column
    return repaired_round(problem, subs, relaxed, priced, columns, workers)


def repair_budgets(
    kits: Sequence[Sequence[int]],
    least: Sequence[Sequence[int]],
    most: Sequence[Sequence[int]],
    stock: Sequence[int],
) -> list[list[int] | None]:
    """Kit budgets per part and day that bring the parts' `kits` within the `stock`, for the
    parts using kits on a day they overrun it (None for the others, which keep their kits).
    On an overrun day the overrun is cut from those parts in proportion to what they use
    above their `least` kits (never below it; largest remainders first); on the other days
    they may use their kits plus a share of the unused stock in proportion to how many more
    they could use (`most`). The budgets and the kits of the others never sum above the
    stock, except where the least kits alone exceed it."""
    n_days = len(stock)
    total = [sum(k[d] for k in kits) for d in range(n_days)]
    over = [t - s for t, s in zip(total, stock, strict=True)]
    redo = [p for p, k in enumerate(kits) if any(k[d] and over[d] > 0 for d in range(n_days))]
    out: list[list[int] | None] = [None] * len(kits)
    for p in redo:
        out[p] = list(kits[p])
    for d in range(n_days):
        if over[d] > 0:
            room = {p: max(0, kits[p][d] - least[p][d]) for p in redo}
            cuts = _shares(min(over[d], sum(room.values())), room)
            for p in redo:
                out[p][d] -= cuts[p]  # type: ignore[index]
        elif over[d] < 0:
            want = {p: max(0, most[p][d] - kits[p][d]) for p in redo}
            extra = _shares(min(-over[d], sum(want.values())), want, whole_only=True)
            for p in redo:
                out[p][d] += extra[p]  # type: ignore[index]
    return out


def _shares(amount: int, weights: dict[int, int], whole_only: bool = False) -> dict[int, int]:
    """`amount` split in proportion to `weights` (each share at most its weight): the whole
    parts, then (unless `whole_only`) one more to the largest remainders until it is spent."""
    total = sum(weights.values())
    if amount <= 0 or total <= 0:
        return dict.fromkeys(weights, 0)
    out = {p: amount * w // total for p, w in weights.items()}
    if not whole_only:
        rest = amount - sum(out.values())
        order = sorted(weights, key=lambda p: (-(amount * weights[p] % total), p))
        for p in order:
            if rest <= 0:
                break
            if out[p] < weights[p]:
                out[p] += 1
                rest -= 1
    return out


def _least_kits(sub: Problem, days: Sequence[date]) -> list[int]:
    """Kits the part needs on each day in every plan: its kit users that the rooms cannot
    seat after the people without home office (`explain.seat_plan`, a matching)."""
    return [max(0, seat_plan(sub, d)[2]) for d in days]


def _most_kits(sub: Problem, days: Sequence[date]) -> list[int]:
    """Kits the part can use on each day at most: its kit users free to work from home."""
    users = [e for e in sub.employees if e.needs_kit and e.home_office]
    return [sum(1 for e in users if sub.base_kind(e, d) is None) for d in days]


def least_prices(most: Sequence[Sequence[int]], stock: Sequence[int]) -> list[int]:
    """`LEAST_PRICE` on every day the priced parts' kit users free to stay at home
    (`most`, per part and day) outnumber the stock, 0 on the others (the pool cannot bind)."""
    return [LEAST_PRICE if sum(m[d] for m in most) > s else 0 for d, s in enumerate(stock)]


def _floor(state: _State, k: int, prices: Sequence[int]) -> int:
    """A proven bound of part k's priced objective at `prices` from its bounds at earlier
    prices λ': every plan uses between `least` and `most` kits a day, so
    min_x [c(x) + λ·k(x)] ≥ B(λ') + Σ_d (λ_d − λ'_d) · (least_d if λ_d ≥ λ'_d else most_d).
    A part not proven at new prices keeps what earlier rounds (and λ = 0) proved."""
    least, most = state.least[k], state.most[k]
    best = 0
    for seen, b in state.points[k]:
        shift = sum(
            (p - q) * (lo if p >= q else hi)
            for p, q, lo, hi in zip(prices, seen, least, most, strict=True)
        )
        best = max(best, b + shift)
    return best


def _part_budgets(
    problem: Problem,
    relaxed: list[Part],
    priced: list[int],
    columns: list[list[Column]],
    stock: list[int],
) -> list[dict[date, int]] | None:
    """`lp_budgets` per part (all parts; unpriced ones use no kits), or None."""
    mix = master_mix(columns, stock)
    if mix is None:
        return None
    per_day = lp_budgets(mix, stock)
    out: list[dict[date, int]] = [{} for _ in relaxed]
    for k, i in enumerate(priced):
        out[i] = {d: per_day[k][n] for n, d in enumerate(problem.days)}
    return out


def master_mix(columns: list[list[Column]], stock: list[int]) -> list[list[float]] | None:
    """Kits per part and day of the master LP's optimal mix of columns (within the stock),
    or None when the columns cannot keep the stock (overflow in the LP)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    weights = [[lp.NumVar(0.0, 1.0, "") for _ in cols] for cols in columns]
    for ws in weights:
        lp.Add(sum(ws) == 1)
    for d, s in enumerate(stock):
        lp.Add(
            sum(
                w * c.kits[d]
                for ws, cols in zip(weights, columns, strict=True)
                for w, c in zip(ws, cols, strict=True)
                if c.kits[d]
            )
            <= s
        )
    lp.Minimize(
        sum(
            w * c.cost
            for ws, cols in zip(weights, columns, strict=True)
            for w, c in zip(ws, cols, strict=True)
        )
    )
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return [
        [
            sum(w.solution_value() * c.kits[d] for w, c in zip(ws, cols, strict=True))
            for d in range(len(stock))
        ]
        for ws, cols in zip(weights, columns, strict=True)
    ]


def lp_budgets(mix: list[list[float]], stock: list[int]) -> list[list[int]]:
    """Whole kits per part and day from a fractional mix: each part keeps the whole kits of
    its share, the stock left on the day goes to the largest fractions; the sum never
    exceeds the stock."""
    out = [[math.floor(u + 1e-6) for u in row] for row in mix]
    for d, s in enumerate(stock):
        left = s - sum(row[d] for row in out)
        order = sorted(range(len(mix)), key=lambda k: out[k][d] - mix[k][d])
        for k in order[: max(0, left)]:
            if mix[k][d] - out[k][d] > 1e-6:
                out[k][d] += 1
    return out


def _add(columns: list[Column], column: Column) -> bool:
    """Add a column unless an identical one (penalty and kits) is known; True if new."""
    if any(c.cost == column.cost and c.kits == column.kits for c in columns):
        return False
    columns.append(column)
    return True


def _iterate(
    state: _State,
    priced: list[int],
    subs: list[Problem],
    models: dict[int, _Priced | _PricedPieces],
    stock: list[int],
    day_index: dict[date, int],
    end: float,
    workers: int,
    seed: int,
    watch: Watch,
    after_round: Callable[[_State], None] | None = None,
) -> None:
    """Price rounds until `end` (minus the master's share), a stop, or convergence;
    `after_round` sees the state after every round (new columns from the round's plans)."""
    clock = watch.clock
    stop_at = end - MASTER_IP_SHARE * max(0.0, end - clock.now())
    smoothing = SMOOTHING
    while clock.now() < stop_at and not watch.stopped:
        duals, lp_value = master_lp(state.columns, stock)
        if SCALE * lp_value <= state.best_num + 1e-6 or _proven(state):
            break  # the bound meets the master's value (or a known plan): nothing to gain
        prices = [
            max(p, f)
            for p, f in zip(
                _next_prices(state, duals, smoothing, stock, lp_value), state.floors, strict=True
            )
        ]
        num, added, gradient = _price_round(
            state, priced, subs, models, prices, stock, day_index, stop_at, workers, seed, watch
        )
        state.iterations += 1
        if after_round is not None:
            after_round(state)
        state.improved = num > state.best_num
        if state.improved:
            state.best_num, state.best_prices, state.gradient = num, prices, gradient
            state.step = 1.0
        if log.isEnabledFor(logging.DEBUG):  # the trace (bench --trace): bound and primal
            chosen = _choose(state.columns, stock, clock, min(end, clock.now() + 1.0), seed)
            log.debug(
                "round %d: t=%.1f L=%.1f best=%.1f master=%.1f plan=%s columns=%d prices=%s",
                state.iterations,
                clock.now() - watch.t0,
                num / SCALE,
                state.best_num / SCALE,
                lp_value,
                None if chosen is None else sum(c.cost for c in chosen),
                sum(len(c) for c in state.columns),
                [p / SCALE for p in prices],
            )
        watch.report(f"Kit-Preise Runde {state.iterations}")
        if not added:
            if smoothing == 0.0:
                break  # no new column even at the master's own prices: converged
            smoothing = 0.0
        else:
            smoothing = SMOOTHING


def _proven(state: _State) -> bool:
    """The bound reaches the known plan within the stock: that plan is optimal."""
    return state.upper is not None and -((-state.best_num) // SCALE) >= state.upper


def _next_prices(
    state: _State, duals: list[float], smoothing: float, stock: list[int], target: float
) -> list[int]:
    """The first prices `FIRST_PRICE` on the days the relaxed plans overrun the stock (the
    first master's duals are degenerate, often the ceiling `BIG`); then the master's duals, kept in a box around the best prices so far and smoothed
    towards them (bundle-style stabilisation)."""
    if state.iterations == 0:
        relaxed = [min(cols, key=lambda c: c.cost) for cols in state.columns]
        over = [sum(c.kits[d] for c in relaxed) - s for d, s in enumerate(stock)]
        return [FIRST_PRICE if g > 0 else 0 for g in over]
    if not state.improved and state.gradient is not None:
        return _subgradient_step(state, target)
    center = [c / SCALE for c in state.best_prices]
    box = max(BOX, max(center))  # degenerate duals jump to `BIG`: stay near the center
    return [
        round(SCALE * (smoothing * c + (1 - smoothing) * min(max(u, c - box), c + box)))
        for c, u in zip(center, duals, strict=True)
    ]


def _subgradient_step(state: _State, target: float) -> list[int]:
    """After a round that did not raise the bound: Polyak's step from the best prices along
    their subgradient (kits used minus stock) towards the master's value; the step halves
    while such steps do not help."""
    gradient = state.gradient or []
    norm = sum(g * g for g in gradient)
    if not norm or not math.isfinite(target):
        return list(state.best_prices)
    step = state.step * (SCALE * target - state.best_num) / norm
    state.step /= 2
    return [max(0, round(c + step * g)) for c, g in zip(state.best_prices, gradient, strict=True)]


def _price_round(
    state: _State,
    priced: list[int],
    subs: list[Problem],
    models: dict[int, _Priced | _PricedPieces],
    prices: list[int],
    stock: list[int],
    day_index: dict[date, int],
    end: float,
    workers: int,
    seed: int,
    watch: Watch,
) -> tuple[int, bool, list[int]]:
    """Every priced part solved at `prices`; returns Σ bounds − Σ λ' S (scaled), whether
    a new column came up, and the subgradient (kits used minus stock per day)."""
    clock = watch.clock

    def one(k: int) -> tuple[Column | None, int]:
        i = priced[k]
        if i not in models:
            models[i] = _priced_model(subs[i], day_index)
        hint = min(state.columns[k], key=lambda c: c.priced(prices))
        left = end - clock.now()
        # Parts are small: most finish far below this; a hard one must not starve the rest.
        limit = max(0.05, min(left, max(0.5, left / 4)))
        return models[i].solve(prices, hint, limit, seed, watch)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(one, range(len(priced))))
    added = False
    used = [-s for s in stock]
    bounds = []
    latest: list[Column] = []
    for k, (column, proven) in enumerate(results):
        if column is not None:
            added = _add(state.columns[k], column) or added
        best = column or min(state.columns[k], key=lambda c: c.priced(prices))
        used = [u + n for u, n in zip(used, best.kits, strict=True)]
        # No plan is below its best column's value at these prices: cap the floor there.
        bound = min(max(proven, _floor(state, k, prices)), best.priced(prices))
        state.points[k].append((tuple(prices), bound))
        bounds.append(bound)
        latest.append(best)
    state.latest = latest
    num = sum(bounds) - sum(p * s for p, s in zip(prices, stock, strict=True))
    return num, added, used


def master_lp(columns: list[list[Column]], stock: list[int]) -> tuple[list[float], float]:
    """The restricted master LP: a convex combination of columns per part, kits within the
    stock (overflow at `BIG` per kit-day). Returns the kit prices (duals ≥ 0) and its value."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    weights = [[lp.NumVar(0.0, 1.0, "") for _ in cols] for cols in columns]
    for ws in weights:
        lp.Add(sum(ws) == 1)
    over = [lp.NumVar(0.0, lp.infinity(), "") for _ in stock]
    rows = []
    for d, s in enumerate(stock):
        used = sum(
            w * c.kits[d]
            for ws, cols in zip(weights, columns, strict=True)
            for w, c in zip(ws, cols, strict=True)
            if c.kits[d]
        )
        rows.append(lp.Add(used - over[d] <= s))
    cost = sum(
        w * c.cost
        for ws, cols in zip(weights, columns, strict=True)
        for w, c in zip(ws, cols, strict=True)
    )
    lp.Minimize(cost + BIG * sum(over))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return [0.0] * len(stock), math.inf
    # A <= row of a minimisation has a dual <= 0: the price of one more kit is its negative.
    return [max(0.0, -r.dual_value()) for r in rows], lp.Objective().Value()


def _choose(
    columns: list[list[Column]], stock: list[int], clock: Clock, end: float, seed: int
) -> list[Column] | None:
    """One column per part, summed kits within the stock, least penalty (CP-SAT)."""
    model = cp_model.CpModel()
    picks = [[model.new_bool_var("") for _ in cols] for cols in columns]
    for ps in picks:
        model.add_exactly_one(ps)
    for d, s in enumerate(stock):
        terms = [
            (p, c.kits[d])
            for ps, cols in zip(picks, columns, strict=True)
            for p, c in zip(ps, cols, strict=True)
            if c.kits[d]
        ]
        if sum(k for _, k in terms) > s:
            model.add(sum(p * k for p, k in terms) <= s)
    model.minimize(
        sum(
            p * c.cost
            for ps, cols in zip(picks, columns, strict=True)
            for p, c in zip(ps, cols, strict=True)
        )
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    clock.limit(solver.parameters, max(0.2, end - clock.now()))
    code = solver.solve(model)
    clock.charge(solver)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [
        next(c for p, c in zip(ps, cols, strict=True) if solver.boolean_value(p))
        for ps, cols in zip(picks, columns, strict=True)
    ]
