"""Solve a roster problem with CP-SAT, decomposed into independent parts where the rules allow.

Employees are linked when they share a room, a team (fairness, team days), a cohort or a shift
type (coverage). Linked groups ("parts", see `decompose`) only interact through the global
kit pool:

1. every part is solved with the whole pool (a relaxation: the sum of the parts' bounds is a
   valid lower bound of the whole problem), one single-worker CP-SAT per thread, started from
   a greedy plan; parts not proven optimal get a second round. With `lexicographic_parts`
   (off by default) and a pool that may bind, each part is solved lexicographically (least penalty, then fewest kits: `parts.lexicographic`),
   so that no part holds kits that no rule asks for;
2. if the combined kit use fits the pool on every day, the combination is the answer, and it
   is proven optimal when every part is;
3. otherwise (`kits`): a greedy repair (kit users with a free seat go to the office), soft
   kit budgets per part and day only if that fails; then kit prices (`lagrange`, until
   `PRICING_END`): every part is re-solved with a price per kit-day, which gives a lower bound
   that sees the pool (never weaker than the relaxed one) and, from all part plans seen, a
   choice of one plan per part within the stock when it beats the repair; then one round
   with whole-kit budgets per part from the master LP's mix (`lagrange.lp_budgets`, hard,
   together within the stock), kept when it beats that; then a polish round with hard
   budgets that can only improve; then kit-days are exchanged between parts (`kits.exchange`:
   a few parts solved together within the stock the others leave them, kept only when
   better; `kit_exchange=True` only); with `whole_polish=True` the plan is then hinted into one
   model over all staff (kept when better; its bound counts too). The plan is OPTIMAL when it
   meets the bound;
4. small problems whose budgets fail fall back to one model over everything.

`on_progress` and `should_stop` (see `progress`) report progress and stop the search early;
a stopped solve returns the best plan found so far.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

from rathaus.engines.roster.clock import Clock
from rathaus.engines.roster.cpmodel import Key
from rathaus.engines.roster.decompose import batches, kit_use, split
from rathaus.engines.roster.explain import explain_infeasible, precheck
from rathaus.engines.roster.greedy import greedy_plan
from rathaus.engines.roster.kits import budget_phase, exchange, polish, repair
from rathaus.engines.roster.lagrange import price_kits
from rathaus.engines.roster.model import Assignment, Plan, Problem, Reason, Status
from rathaus.engines.roster.parts import RULES, Part, merge, solve_part
from rathaus.engines.roster.pieces import solve_pieces
from rathaus.engines.roster.progress import STOPPED_NOTE, Progress, Watch
from rathaus.engines.roster.start import answer

# Shares of the budget: kit pricing until PRICING_END, the round with the master LP's kit
# budgets until BUDGETS_END, the polish (one pass over the parts) until POLISH_END at most,
# then the exchange of kit-days between parts (`kits.exchange`) until 97 %, if asked for
# (`kit_exchange=True`, off by default); without it the budgets end at 90 % and the polish
# may take until 97 % (the method before it).
# (Ending pricing at 45 % to give the exchange more time made the 60 s plans worse: the
# column choice after pricing is the better start, see docs/benchmarks-roster-municipal.md.)
PRICING_END = 0.75
BUDGETS_END = 0.82  # without the exchange: 0.9
POLISH_END = 0.85
# Price rounds are repaired to the stock (`repair_rounds`), and priced on every day the pool
# could bind (`least_price`), only with at least this budget.
REPAIR_ROUNDS_MIN = 20.0
# With `whole_polish`: the parts' plan within the stock, hinted into one CP-SAT model over all
# staff from WHOLE_START (budgets and polish end before it), so CP-SAT's own neighbourhood
# search may move kit-days between any parts; only on the wall clock with 2+ workers (one
# deterministic worker has no neighbourhood search), from REPAIR_ROUNDS_MIN seconds and
# up to WHOLE_MAX_STAFF.
WHOLE_START = 0.8
WHOLE_MAX_STAFF = 1000


@dataclass(frozen=True)
class _Run:
    """What every phase of one solve shares: the problem, its parts and the limits."""

    problem: Problem
    subs: list[Problem]
    groups: list[list[str]]
    budget: float  # on the watch's clock: seconds, or deterministic work (`clock`)
    workers: int
    seed: int
    stability_first: bool
    explain: bool
    hint_map: Mapping[Key, Assignment] | None
    watch: Watch
    kit_prices: bool = True
    contested: bool = False  # the parts together may want more kits than the pool has
    kit_exchange: bool = False
    repair_rounds: bool = True
    least_price: bool = True
    whole_polish: bool = False

    def elapsed(self) -> float:
        return self.watch.clock.now() - self.watch.t0

    def at(self, share: float) -> float:
        """The clock reading when `share` of the budget has passed."""
        return self.watch.t0 + share * self.budget

    def hints_for_all(self) -> dict[int, Mapping[Key, Assignment] | None]:
        return dict.fromkeys(range(len(self.groups)), self.hint_map)


def _round(
    run: _Run,
    todo: list[int],
    end: float,
    hints: Mapping[int, Mapping[Key, Assignment] | None],
    floor: float = 1.5,
    optional: bool = False,
) -> dict[int, Part]:
    """Solve the parts `todo` until `end`; one single-worker CP-SAT per thread. With
    `optional`, parts not started by `end` (or after a stop) are skipped (they already have
    a plan). After a stop, a part without a plan gets the greedy start plan if it is valid."""
    watch, groups = run.watch, run.groups
    now = watch.clock.now
    watch.expect(len(groups))
    if len(groups) == 1:
        return {
            0: solve_part(
                run.problem,
                budget=max(0.2, end - now()),
                workers=run.workers,
                seed=run.seed,
                hint=hints.get(0),
                stability_first=run.stability_first,
                watch=watch,
                part_key=0,
            )
        }
    lock = threading.Lock()
    left = [sum(len(groups[i]) for i in todo)]
    done = [0]

    def one(i: int) -> Part:
        if optional and (now() >= end or watch.stopped):
            part = Part(Status.UNKNOWN, [], 0, 0, {})  # late: keep the earlier result
        else:
            with lock:  # time share decided when the part starts, by its size
                budget = run.workers * (end - now()) * len(groups[i]) / max(1, left[0])
                left[0] -= len(groups[i])
            # Generous cap: most parts finish far below it, a hard one must not starve the rest.
            limit = max(0.05, min(max(floor, 4 * budget), end - now()))
            part = _solve_one(run, i, limit, hints.get(i))
        with lock:
            done[0] += 1
            n = done[0]
        watch.report(f"Teilmodell {n}/{len(todo)} gelöst")
        return part

    with ThreadPoolExecutor(max_workers=max(1, run.workers)) as pool:
        return dict(zip(todo, pool.map(one, todo), strict=True))


def _solve_one(run: _Run, i: int, limit: float, hint: Mapping[Key, Assignment] | None) -> Part:
    """Part `i` within `limit` seconds; after a stop the start plan, if it is valid."""
    sub, watch = run.subs[i], run.watch
    quick = greedy_plan(sub) if hint is None else None
    if watch.stopped:
        part = Part(Status.UNKNOWN, [], 0, 0, {})
    elif not (run.stability_first or run.contested):  # batched parts piece by piece
        part = solve_pieces(
            sub, budget=limit, seed=run.seed, hint=_start(run, hint, quick), watch=watch, part_key=i
        )
    else:
        part = solve_part(
            sub,
            budget=limit,
            workers=1,
            seed=run.seed,
            hint=_start(run, hint, quick),
            stability_first=run.stability_first,
            fewest_kits=run.contested,
            watch=watch,
            part_key=i,
        )
    # After a stop, the caller's hint (if it is a whole valid plan) is the fallback too.
    start = quick if quick is not None else (hint if watch.stopped else None)
    if part.status is Status.UNKNOWN and start is not None:
        fixed = solve_part(sub, budget=5.0, workers=1, hint=start, fix_hint=True)
        if fixed.status is Status.FEASIBLE:  # else the start plan broke a rule: no plan
            part = fixed
    return part


def _start(
    run: _Run, hint: Mapping[Key, Assignment] | None, quick: Mapping[Key, Assignment] | None
) -> Mapping[Key, Assignment] | None:
    # Small parts find better plans alone; large runs need the quick start.
    return hint or (quick if len(run.problem.employees) > 1000 else None)


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    work_limit: float | None = None,
    workers: int = 2,
    seed: int = 0,
    decompose: bool = True,
    stability_first: bool = False,
    hint: Plan | None = None,
    batch_size: int | None = None,
    explain: bool = True,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    kit_prices: bool = True,
    lexicographic_parts: bool = False,
    kit_exchange: bool = False,
    repair_rounds: bool = True,
    least_price: bool = True,
    whole_polish: bool = False,
) -> Plan:
    """Best plan within `time_limit` seconds; always a plan the independent checker accepts,
    or INFEASIBLE with reasons, or (only when no valid plan is known) UNKNOWN with a reason.

    `work_limit` replaces the wall clock by CP-SAT's deterministic time (see `clock`): parts
    run one after another on one worker, and the same input gives the same plan on any
    machine (tests and reproducible runs). When the search finds nothing in time, the hint or
    the start plan is the answer (see `start`). `on_progress` gets `Progress` reports
    (non-decreasing fraction, the last one 1.0); `should_stop` stops the search early: the
    best plan so far is returned with the note "Abgebrochen". Both are called from solver
    threads. `kit_prices=False` leaves out the Lagrangian phase (the earlier method, for
    same-run comparisons in `bench/`). `lexicographic_parts` solves the parts least penalty,
    then fewest kits, when the pool may bind (off by default: it helped the generated
    town hall at 60 s but made the demo period worse, see docs/benchmarks-roster-municipal.md).
    `kit_exchange=True` adds the exchange of kit-days between parts (`kits.exchange`) in the
    last 12 % of the time (off by default: not better than the noise of a loaded machine in
    the measurements so far, see docs/benchmarks-roster-municipal.md).
    `repair_rounds=True` fits every price round's part plans to the stock and adds them as
    columns: the parts overrunning it are re-solved with kit budgets (`lagrange.
    budget_repaired_round`), the rest by the greedy repair; only with a budget of at least
    `REPAIR_ROUNDS_MIN` (below it the repairs cost the few price rounds there are).
    `least_price=True` prices every day the pool could bind at `lagrange.LEAST_PRICE` at
    least in every price round (from `REPAIR_ROUNDS_MIN` as well). Both on by default since
    the locked run of 4 Dec 2026 (60 s: seeds 3 and 5 of the generated town hall 776 -> 629
    and 490 -> 457, the others proven as before; 10 s runs the method before; see
    docs/benchmarks-roster-municipal.md); `False` gives the method before.
    `whole_polish=True` hints the final plan into one model over all staff in the last 17 %
    (wall clock, 2+ workers, from `REPAIR_ROUNDS_MIN`, up to `WHOLE_MAX_STAFF`); its bound
    also counts. Off by default (60 s, generated town hall: seed 5 462 -> 456, seed 3 680 as
    before, one sample; see docs/benchmarks-roster-municipal.md).
    """
    started = time.monotonic()
    clock = Clock(work_limit)
    budget = time_limit
    if work_limit is not None:
        budget, workers = work_limit, 1
    with Watch(budget, on_progress, should_stop, clock) as watch:
        plan = _solve(
            problem,
            budget=budget,
            workers=workers,
            seed=seed,
            decompose=decompose,
            stability_first=stability_first,
            hint=hint,
            batch_size=batch_size,
            explain=explain,
            watch=watch,
            kit_prices=kit_prices,
            lexicographic_parts=lexicographic_parts,
            kit_exchange=kit_exchange,
            repair_rounds=repair_rounds,
            least_price=least_price,
            whole_polish=whole_polish,
        )
        plan = answer(problem, plan, hint)
    if watch.stopped and STOPPED_NOTE not in plan.notes:
        plan = replace(plan, notes=(*plan.notes, STOPPED_NOTE))
    watch.report("fertig", 1.0)
    return replace(plan, wall_time=time.monotonic() - started)


def _solve(
    problem: Problem,
    *,
    budget: float,
    workers: int,
    seed: int,
    decompose: bool,
    stability_first: bool,
    hint: Plan | None,
    batch_size: int | None,
    explain: bool,
    watch: Watch,
    kit_prices: bool = True,
    lexicographic_parts: bool = False,
    kit_exchange: bool = False,
    repair_rounds: bool = True,
    least_price: bool = True,
    whole_polish: bool = False,
) -> Plan:
    """Steps 1–4 of the module docstring."""
    reasons = precheck(problem)
    if reasons:
        return Plan(Status.INFEASIBLE, explanation=tuple(reasons), wall_time=_since(watch))
    if batch_size is None:  # big problems: fewer, larger models (less overhead per model)
        batch_size = 1 if len(problem.employees) <= 1000 else 50
    groups = batches(problem, batch_size) if decompose else [[e.id for e in problem.employees]]
    run = _Run(
        problem,
        split(problem, groups),
        groups,
        budget,
        workers,
        seed,
        stability_first,
        explain,
        hint.by_key() if hint else None,
        watch,
        kit_prices,
        lexicographic_parts and kit_prices and len(groups) > 1 and _pool_may_bind(problem),
        kit_exchange,
        repair_rounds,
        least_price,
        whole_polish
        and not watch.clock.deterministic
        and workers > 1
        and budget >= REPAIR_ROUNDS_MIN
        and len(groups) > 1
        and len(problem.employees) <= WHOLE_MAX_STAFF,
    )
    notes = [f"{len(groups)} Teilmodell(e)"]
    parts = _first_round(run)
    bad = [i for i, p in parts.items() if p.status is Status.INFEASIBLE]
    if bad:  # one infeasible part makes the whole infeasible; explain that part only
        return _infeasible(run, run.subs[bad[0]])
    _later_rounds(run, parts)
    if any(p.status is Status.UNKNOWN for p in parts.values()):
        note = STOPPED_NOTE if watch.stopped else "Zeitlimit"
        return Plan(Status.UNKNOWN, wall_time=_since(watch), notes=(note,))
    return _combine(run, [parts[i] for i in range(len(groups))], notes)


def _pool_may_bind(problem: Problem) -> bool:
    """Some day has more possible kit users at home than kits: then every part is solved
    lexicographically (least penalty, then fewest kits), so that the parts' plans leave
    each other the kits they do not need (`parts.lexicographic`)."""
    users = [e for e in problem.employees if e.needs_kit and e.home_office]
    return any(
        sum(1 for e in users if problem.base_kind(e, d) is None) > problem.kit_pool.available(d)
        for d in problem.days
    )


def _since(watch: Watch) -> float:
    return watch.clock.now() - watch.t0


def _first_round(run: _Run) -> dict[int, Part]:
    """Every part gets its share of 60 % (large: 40 %) of the time: a first plan, often
    proven optimal already."""
    small = len(run.problem.employees) <= 1000
    every = list(range(len(run.groups)))
    # When the pool may bind, kit prices need the time more than the parts' last kits.
    end = run.at(0.6 if small and not run.contested else 0.4)
    return _round(run, every, end, run.hints_for_all(), 1.5 if small else 0.1)


def _later_rounds(run: _Run, parts: dict[int, Part]) -> None:
    """Second round: unsolved parts first; unproven ones too unless kits will need the
    time. Then one more for parts still without a plan. Updates `parts`."""
    problem = run.problem
    known = [a for p in parts.values() for a in p.assignments]
    tight = any(n > problem.kit_pool.available(d) for d, n in kit_use(problem, known).items())
    again = [
        i
        for i, p in parts.items()
        if p.status is Status.UNKNOWN or (p.status is Status.FEASIBLE and not tight)
    ]
    if again and len(run.groups) > 1:
        hints = {
            i: ({(a.employee_id, a.day): a for a in parts[i].assignments} or run.hint_map)
            for i in again
        }
        end = run.at(0.7 if tight else 0.97)
        for i, q in _round(run, again, end, hints, optional=True).items():
            parts[i] = merge(parts[i], q)
    unknown = [i for i, p in parts.items() if p.status is Status.UNKNOWN]
    if unknown and run.at(0.9) - run.watch.clock.now() > 0.2 and not run.watch.stopped:
        for i, q in _round(run, unknown, run.at(0.9), run.hints_for_all()).items():
            parts[i] = merge(parts[i], q)


def _infeasible(run: _Run, problem: Problem) -> Plan:
    """INFEASIBLE, explained unless the caller said not to or the search was stopped."""
    expl: list[Reason] = []
    if run.explain and not run.watch.stopped:
        limit = max(1.0, run.budget / 2)
        expl = explain_infeasible(problem, time_limit=limit, clock=run.watch.clock)
    return Plan(Status.INFEASIBLE, explanation=tuple(expl), wall_time=_since(run.watch))


def _short_days(problem: Problem, assignments: list[Assignment]) -> dict[date, int]:
    """Days on which the plan uses more kits than the pool has."""
    use = kit_use(problem, assignments)
    return {d: n for d, n in use.items() if n > problem.kit_pool.available(d)}


def _combine(run: _Run, parts: list[Part], notes: list[str]) -> Plan:
    """Steps 2–4: the parts' combination if the kits suffice, else fit them to the pool,
    else one model over everything."""
    relaxed_bound = sum(p.bound for p in parts)
    assignments = [a for p in parts for a in p.assignments]
    short = _short_days(run.problem, assignments)
    if not short:
        every_optimal = all(p.status is Status.OPTIMAL for p in parts)
        status = Status.OPTIMAL if every_optimal else Status.FEASIBLE
        if len(run.groups) > 1:
            notes.append("Homeoffice-Sets reichen für die Summe der Teilpläne")
        return _plan(status, parts, relaxed_bound, run.watch.t0, notes)
    notes.append(f"Homeoffice-Sets knapp an {len(short)} Tag(en)")
    wanted = [kit_use(run.problem, p.assignments) for p in parts]
    fitted = _fit_kits(run, parts, short, notes)
    bound = relaxed_bound
    if len(run.groups) > 1 and not run.stability_first and run.kit_prices:
        fitted, bound = _priced(run, parts, fitted, relaxed_bound, notes)
    if fitted is not None:
        exchanging = (
            len(run.groups) > 1 and not run.stability_first and run.kit_prices and run.kit_exchange
        )
        current = polish(
            run.problem,
            run.subs,
            run.groups,
            fitted,
            wanted,
            run.at(POLISH_END if exchanging else WHOLE_START if run.whole_polish else 0.97),
            run.workers,
            run.seed,
            run.stability_first,
            notes,
            run.watch,
        )
        if exchanging:
            current = exchange(
                run.problem,
                run.subs,
                run.groups,
                current,
                run.at(0.97),
                run.workers,
                run.seed,
                notes,
                run.watch,
            )
        if run.whole_polish and sum(p.objective for p in current) > bound:
            current, whole_bound = _whole_polish(run, current, notes)
            bound = max(bound, whole_bound)
        objective = sum(p.objective for p in current)
        status = Status.OPTIMAL if objective <= bound else Status.FEASIBLE
        return _plan(status, current, bound, run.watch.t0, notes)
    return _whole_model(run, assignments, bound, notes)


def _priced(
    run: _Run, parts: list[Part], fitted: list[Part] | None, relaxed_bound: int, notes: list[str]
) -> tuple[list[Part] | None, int]:
    """Lagrangian phase (`lagrange`): kit prices give a bound that sees the pool and a
    choice of part plans within the stock; the better of that and `fitted` is kept, and the
    bound is never weaker than the relaxed one."""
    dual = price_kits(
        run.problem,
        run.subs,
        parts,
        fitted,
        end=run.at(PRICING_END),
        workers=run.workers,
        seed=run.seed,
        watch=run.watch,
        # Below `REPAIR_ROUNDS_MIN` the repairs would cost the few price rounds there are, and
        # the least price alone (one price round) was better on three seeds, worse on two.
        repair_rounds=run.repair_rounds and run.budget >= REPAIR_ROUNDS_MIN,
        least_price=run.least_price and run.budget >= REPAIR_ROUNDS_MIN,
    )
    bound = max(relaxed_bound, dual.bound)
    notes.append(
        f"Schranke mit Kit-Preisen: {bound} ({dual.iterations} Preisrunde(n), "
        f"{dual.columns} Teilpläne)"
    )
    best = fitted
    if dual.parts is not None and (best is None or _total(dual.parts) < _total(best)):
        notes.append("Teilpläne nach Kit-Preisen gewählt")
        best = dual.parts
    if dual.budgets is not None:
        budgeted = _budget_round(run, best or parts, dual.budgets)
        if budgeted is not None and (best is None or _total(budgeted) < _total(best)):
            notes.append("Teilpläne mit Kit-Budgets aus dem Master-LP")
            best = budgeted
    return best, bound


def _total(parts: list[Part]) -> int:
    return sum(p.objective for p in parts)


def _budget_round(
    run: _Run, start: list[Part], budgets: list[dict[date, int]]
) -> list[Part] | None:
    """Every part that uses kits re-solved with the master LP's whole-kit budgets (hard;
    together within the stock), started from `start`; None unless every part finds a plan
    in time (a part without one would break the stock)."""
    share = BUDGETS_END if run.kit_exchange else WHOLE_START - 0.02 if run.whole_polish else 0.9
    watch, end = run.watch, run.at(share)
    todo = [i for i, b in enumerate(budgets) if b]
    if not todo or end - watch.clock.now() < 0.2 or watch.stopped:
        return None
    lock = threading.Lock()
    left = [sum(len(run.groups[i]) for i in todo)]

    def one(i: int) -> Part:
        with lock:
            share = run.workers * (end - watch.clock.now()) * len(run.groups[i]) / max(1, left[0])
            left[0] -= len(run.groups[i])
        return solve_part(
            run.subs[i],
            budget=max(0.05, min(max(0.2, 2 * share), end - watch.clock.now())),
            workers=1,
            seed=run.seed,
            kit_budget=budgets[i],
            hint={(a.employee_id, a.day): a for a in start[i].assignments},
            watch=watch,
        )

    with ThreadPoolExecutor(max_workers=max(1, run.workers)) as pool:
        redone = dict(zip(todo, pool.map(one, todo), strict=True))
    if any(p.status in (Status.UNKNOWN, Status.INFEASIBLE) for p in redone.values()):
        return None
    out = [redone.get(i, p) for i, p in enumerate(start)]
    return out if not _short_days(run.problem, [a for p in out for a in p.assignments]) else None


def _fit_kits(
    run: _Run, parts: list[Part], short: dict[date, int], notes: list[str]
) -> list[Part] | None:
    """The parts changed so that their kit use fits the pool, or None (with a note).

    First the cheap repair (kit users with a free seat go to the office, lightest wishes
    first); proportional soft budgets only if seats do not suffice for that."""
    problem, now = run.problem, run.watch.clock.now
    repaired = repair(problem, run.subs, run.groups, parts, run.workers)
    if repaired is not None:
        notes.append("Kit-Überhang durch Büro-Tage auf freien Plätzen behoben")
        return repaired
    current = parts
    for rnd in range(2):  # re-balance with soft budgets until they fit
        left = run.at(0.6) - now()
        if left < 0.3 or run.watch.stopped:
            break
        end = now() + (0.6 * left if rnd == 0 else left)
        current = budget_phase(
            problem,
            run.subs,
            run.groups,
            current,
            short,
            end,
            run.workers,
            run.seed,
            run.stability_first,
            run.watch,
        )
        short = _short_days(problem, [a for p in current for a in p.assignments])
        if not short:
            notes.append(f"Kit-Budgets in {rnd + 1} Runde(n) verteilt")
            return current
    repaired = repair(problem, run.subs, run.groups, current, run.workers)
    if repaired is not None:
        notes.append("Kit-Überhang durch Büro-Tage auf freien Plätzen behoben")
        return repaired
    notes.append(f"Kit-Budgets reichen an {len(short)} Tag(en) nicht")
    return None


def _whole_polish(run: _Run, parts: list[Part], notes: list[str]) -> tuple[list[Part], int]:
    """`whole_polish`: the parts' plan (within the stock) as the hint of one model over all
    staff until 97 % of the budget; kept only when better (then as one part). Also returns
    that model's proven bound (a bound of the whole problem; 0 when it did not run), which
    proves small towns optimal even where the kit prices' bound stays below."""
    left = run.at(0.97) - run.watch.clock.now()
    assignments = [a for p in parts for a in p.assignments]
    full = _one_model(run, left, assignments, part_key="whole")
    if full is None or full.status not in (Status.FEASIBLE, Status.OPTIMAL):
        return parts, 0
    before = sum(p.objective for p in parts)
    if full.objective >= before:
        notes.append(f"Gesamtmodell mit dem Plan als Start: nicht besser ({before})")
        return parts, full.bound
    notes.append(f"Gesamtmodell mit dem Plan als Start: {before} -> {full.objective}")
    return [full], full.bound


def _whole_model(
    run: _Run, assignments: list[Assignment], relaxed_bound: int, notes: list[str]
) -> Plan:
    """Step 4: small problems whose budgets fail get one model over everything, started
    from the parts' plans."""
    problem, watch = run.problem, run.watch
    full = None
    if len(problem.employees) <= 1000:
        left = run.budget - run.elapsed()
        full = _one_model(
            run, left, assignments, part_key="full", stability_first=run.stability_first
        )
    if full is None:
        return Plan(Status.UNKNOWN, wall_time=run.elapsed(), notes=tuple(notes))
    if full.status is Status.INFEASIBLE and run.explain and not watch.stopped:
        return _infeasible(run, problem)
    if full.status in (Status.INFEASIBLE, Status.UNKNOWN):
        return Plan(full.status, wall_time=run.elapsed(), notes=tuple(notes))
    notes.append("Gesamtmodell mit Startlösung aus den Teilmodellen")
    bound = full.bound if run.stability_first else max(full.bound, relaxed_bound)
    return _plan(full.status, [full], bound, watch.t0, notes)


def _one_model(
    run: _Run,
    left: float,
    assignments: Iterable[Assignment],
    *,
    part_key: str,
    stability_first: bool = False,
) -> Part | None:
    """One model over all staff for the `left` budget, started from `assignments`; None when
    less than one unit of the budget is left or the search was stopped (not worth a model)."""
    watch = run.watch
    if left < 1.0 or watch.stopped:
        return None
    watch.expect(1)
    return solve_part(
        run.problem,
        budget=left,
        workers=run.workers,
        seed=run.seed,
        hint={(a.employee_id, a.day): a for a in assignments},
        stability_first=stability_first,
        watch=watch,
        part_key=part_key,
    )


def _plan(status: Status, parts: list[Part], bound: int, t0: float, notes: list[str]) -> Plan:
    """The combined plan of the parts (its wall time is set by `solve`)."""
    objective = sum(p.objective for p in parts)
    penalties = {r: sum(p.penalties.get(r, 0) for p in parts) for r in RULES}
    assignments = sorted(
        (a for p in parts for a in p.assignments), key=lambda a: (a.employee_id, a.day)
    )
    return Plan(
        status=status,
        assignments=tuple(assignments),
        objective=objective,
        bound=min(bound, objective),
        penalties=tuple(sorted(penalties.items())),
        notes=tuple(notes),
    )
