"""Solve a roster problem with CP-SAT, decomposed into independent parts where the rules allow.

Employees are linked when they share a room, a team (fairness, team days), a cohort or a shift
type (coverage). Linked groups ("parts", see `decompose`) only interact through the global
kit pool:

1. every part is solved with the whole pool (a relaxation: the sum of the parts' bounds is a
   valid lower bound of the whole problem), one single-worker CP-SAT per thread, started from
   a greedy plan; parts not proven optimal get a second round;
2. if the combined kit use fits the pool on every day, the combination is the answer, and it
   is proven optimal when every part is;
3. otherwise (`kits`): a greedy repair (kit users with a free seat go to the office), soft
   kit budgets per part and day only if that fails, then
   a polish round with hard budgets that can only improve. The bound stays the relaxed one,
   so the reported gap is honest (and can be large when the kit pool binds);
4. small problems whose budgets fail fall back to one model over everything.

`on_progress` and `should_stop` (see `progress`) report progress and stop the search early;
a stopped solve returns the best plan found so far.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from rathaus.engines.roster.clock import Clock
from rathaus.engines.roster.cpmodel import HOME, Key
from rathaus.engines.roster.decompose import batches, components, kit_use, split, subproblem
from rathaus.engines.roster.explain import explain_infeasible, precheck
from rathaus.engines.roster.greedy import greedy_plan
from rathaus.engines.roster.kits import budget_phase, polish, repair
from rathaus.engines.roster.model import Assignment, Plan, Problem, Status
from rathaus.engines.roster.parts import RULES, Part, merge, solve_part
from rathaus.engines.roster.progress import STOPPED_NOTE, Progress, Watch
from rathaus.engines.roster.start import answer


def _round(
    problem: Problem,
    subs: list[Problem],
    groups: list[list[str]],
    todo: list[int],
    end: float,
    workers: int,
    seed: int,
    hints: Mapping[int, Mapping[Key, Assignment] | None],
    stability_first: bool,
    watch: Watch,
    floor: float = 1.5,
    optional: bool = False,
) -> dict[int, Part]:
    """Solve the parts `todo` until `end`; one single-worker CP-SAT per thread. With
    `optional`, parts not started by `end` (or after a stop) are skipped (they already have
    a plan). After a stop, a part without a plan gets the greedy start plan if it is valid."""
    now = watch.clock.now
    watch.expect(len(groups))
    if len(groups) == 1:
        sub = problem
        return {
            0: solve_part(
                sub,
                time_limit=max(0.2, end - now()),
                workers=workers,
                seed=seed,
                hint=hints.get(0),
                stability_first=stability_first,
                watch=watch,
                part_key=0,
            )
        }
    lock = threading.Lock()
    left = [sum(len(groups[i]) for i in todo)]
    done = [0]

    def run(i: int) -> Part:
        part = _run(i)
        with lock:
            done[0] += 1
            n = done[0]
        watch.report(f"Teilmodell {n}/{len(todo)} gelöst")
        return part

    def _run(i: int) -> Part:
        sub = subs[i]
        if optional and (now() >= end or watch.stopped):
            return Part(Status.UNKNOWN, [], 0, 0, {})  # late: keep the earlier result
        with lock:  # time share decided when the part starts, by its size
            budget = workers * (end - now()) * len(groups[i]) / max(1, left[0])
            left[0] -= len(groups[i])
        # Generous cap: most parts finish far below it, a hard one must not starve the rest.
        limit = max(0.05, min(max(floor, 4 * budget), end - now()))
        hint = hints.get(i)
        quick = greedy_plan(sub) if hint is None else None
        if watch.stopped:
            part = Part(Status.UNKNOWN, [], 0, 0, {})
        else:
            part = solve_part(
                sub,
                time_limit=limit,
                workers=1,
                seed=seed,
                # Small parts find better plans alone; large runs need the quick start.
                hint=hint or (quick if len(problem.employees) > 1000 else None),
                stability_first=stability_first,
                watch=watch,
                part_key=i,
            )
        # After a stop, the caller's hint (if it is a whole valid plan) is the fallback too.
        start = quick if quick is not None else (hint if watch.stopped else None)
        if part.status is Status.UNKNOWN and start is not None:
            fixed = solve_part(sub, time_limit=5.0, workers=1, hint=start, fix_hint=True)
            if fixed.status is Status.FEASIBLE:  # else the start plan broke a rule: no plan
                part = fixed
        return part

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return dict(zip(todo, pool.map(run, todo), strict=True))


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
) -> Plan:
    """Best plan within `time_limit` seconds; always a plan the independent checker accepts,
    or INFEASIBLE with reasons, or (only when no valid plan is known) UNKNOWN with a reason.

    `work_limit` replaces the wall clock by CP-SAT's deterministic time (see `clock`): parts
    run one after another on one worker, and the same input gives the same plan on any
    machine (tests and reproducible runs). When the search finds nothing in time, the hint or
    the start plan is the answer (see `start`). `on_progress` gets `Progress` reports
    (non-decreasing fraction, the last one 1.0); `should_stop` stops the search early: the
    best plan so far is returned with the note "Abgebrochen". Both are called from solver
    threads.
    """
    started = time.monotonic()
    clock = Clock(work_limit)
    if work_limit is not None:
        time_limit, workers = work_limit, 1
    with Watch(time_limit, on_progress, should_stop, clock) as watch:
        plan = _solve(
            problem,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            decompose=decompose,
            stability_first=stability_first,
            hint=hint,
            batch_size=batch_size,
            explain=explain,
            watch=watch,
        )
        plan = answer(problem, plan, hint)
    if watch.stopped and STOPPED_NOTE not in plan.notes:
        plan = replace(plan, notes=(*plan.notes, STOPPED_NOTE))
    watch.report("fertig", 1.0)
    return replace(plan, wall_time=time.monotonic() - started)


def _solve(
    problem: Problem,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    decompose: bool,
    stability_first: bool,
    hint: Plan | None,
    batch_size: int | None,
    explain: bool,
    watch: Watch,
) -> Plan:
    t0 = watch.t0
    now = watch.clock.now
    reasons = precheck(problem)
    if reasons:
        return Plan(Status.INFEASIBLE, explanation=tuple(reasons), wall_time=now() - t0)
    hint_map = hint.by_key() if hint else None
    if batch_size is None:  # big problems: fewer, larger models (less overhead per model)
        batch_size = 1 if len(problem.employees) <= 1000 else 50
    groups = batches(problem, batch_size) if decompose else [[e.id for e in problem.employees]]
    notes = [f"{len(groups)} Teilmodell(e)"]
    subs = split(problem, groups)
    user_hint = dict.fromkeys(range(len(groups)), hint_map)
    every = list(range(len(groups)))
    # First round: every part gets its share of 60 % (large: 40 %) of the time (a first plan, often proven
    # optimal already); later rounds give the rest to parts that are not yet proven.
    floor = 1.5 if len(problem.employees) <= 1000 else 0.1
    parts = _round(
        problem,
        subs,
        groups,
        every,
        t0 + (0.6 if len(problem.employees) <= 1000 else 0.4) * time_limit,
        workers,
        seed,
        user_hint,
        stability_first,
        watch,
        floor,
    )
    bad = [i for i, p in parts.items() if p.status is Status.INFEASIBLE]
    if bad:  # one infeasible part makes the whole infeasible; explain that part only
        expl = (
            explain_infeasible(subs[bad[0]], time_limit=max(1.0, time_limit / 2), clock=watch.clock)
            if explain and not watch.stopped
            else ()
        )
        return Plan(Status.INFEASIBLE, explanation=tuple(expl), wall_time=now() - t0)
    # Second round: unsolved parts first; unproven ones too unless kits will need the time.
    known = [a for p in parts.values() for a in p.assignments]
    tight = any(n > problem.kit_pool.available(d) for d, n in kit_use(problem, known).items())
    again = [
        i
        for i, p in parts.items()
        if p.status is Status.UNKNOWN or (p.status is Status.FEASIBLE and not tight)
    ]
    if again and len(groups) > 1:
        end = t0 + (0.7 if tight else 0.97) * time_limit
        hints = {
            i: ({(a.employee_id, a.day): a for a in parts[i].assignments} or hint_map)
            for i in again
        }
        for i, q in _round(
            problem,
            subs,
            groups,
            again,
            end,
            workers,
            seed,
            hints,
            stability_first,
            watch,
            optional=True,
        ).items():
            parts[i] = merge(parts[i], q)
    unknown = [i for i, p in parts.items() if p.status is Status.UNKNOWN]
    if unknown and t0 + 0.9 * time_limit - now() > 0.2 and not watch.stopped:
        for i, q in _round(
            problem,
            subs,
            groups,
            unknown,
            t0 + 0.9 * time_limit,
            workers,
            seed,
            user_hint,
            stability_first,
            watch,
        ).items():
            parts[i] = merge(parts[i], q)
    if any(p.status is Status.UNKNOWN for p in parts.values()):
        note = STOPPED_NOTE if watch.stopped else "Zeitlimit"
        return Plan(Status.UNKNOWN, wall_time=now() - t0, notes=(note,))
    parts_list = [parts[i] for i in every]
    relaxed_bound = sum(p.bound for p in parts_list)
    assignments = [a for p in parts_list for a in p.assignments]
    use = kit_use(problem, assignments)
    short = {d: n for d, n in use.items() if n > problem.kit_pool.available(d)}
    if not short:
        status = (
            Status.OPTIMAL
            if all(p.status is Status.OPTIMAL for p in parts_list)
            else Status.FEASIBLE
        )
        if len(groups) > 1:
            notes.append("Homeoffice-Sets reichen für die Summe der Teilpläne")
        return _plan(status, parts_list, relaxed_bound, t0, notes)
    notes.append(f"Homeoffice-Sets knapp an {len(short)} Tag(en)")
    current = parts_list
    wanted = [kit_use(problem, p.assignments) for p in parts_list]
    # First the cheap repair (kit users with a free seat go to the office, lightest wishes
    # first); proportional soft budgets only if seats do not suffice for that.
    fits = False
    repaired = repair(problem, subs, groups, current, workers)
    if repaired is not None:
        notes.append("Kit-Überhang durch Büro-Tage auf freien Plätzen behoben")
        current, fits = repaired, True
    for rnd in range(0 if fits else 2):  # re-balance with soft budgets until they fit
        left = t0 + 0.6 * time_limit - now()
        if left < 0.3 or watch.stopped:
            break
        end = now() + (0.6 * left if rnd == 0 else left)
        current = budget_phase(
            problem, subs, groups, current, short, end, workers, seed, stability_first, watch
        )
        use = kit_use(problem, [a for p in current for a in p.assignments])
        short = {d: n for d, n in use.items() if n > problem.kit_pool.available(d)}
        if not short:
            notes.append(f"Kit-Budgets in {rnd + 1} Runde(n) verteilt")
            fits = True
            break
    if not fits:
        repaired = repair(problem, subs, groups, current, workers)
        if repaired is not None:
            notes.append("Kit-Überhang durch Büro-Tage auf freien Plätzen behoben")
            current, fits = repaired, True
    if fits:
        current = polish(
            problem,
            subs,
            groups,
            current,
            wanted,
            t0 + 0.97 * time_limit,
            workers,
            seed,
            stability_first,
            notes,
            watch,
        )
        return _plan(Status.FEASIBLE, current, relaxed_bound, t0, notes)
    notes.append(f"Kit-Budgets reichen an {len(short)} Tag(en) nicht")
    if time_limit - (now() - t0) < 1.0 or len(problem.employees) > 1000 or watch.stopped:
        return Plan(Status.UNKNOWN, wall_time=now() - t0, notes=tuple(notes))
    left = time_limit - (now() - t0)
    watch.expect(1)
    full = solve_part(
        problem,
        time_limit=max(1.0, left),
        workers=workers,
        seed=seed,
        hint={(a.employee_id, a.day): a for a in assignments},
        stability_first=stability_first,
        watch=watch,
        part_key="full",
    )
    if full.status is Status.INFEASIBLE and explain and not watch.stopped:
        expl = explain_infeasible(problem, time_limit=max(1.0, time_limit / 2), clock=watch.clock)
        return Plan(Status.INFEASIBLE, explanation=tuple(expl), wall_time=now() - t0)
    if full.status in (Status.INFEASIBLE, Status.UNKNOWN):
        return Plan(full.status, wall_time=now() - t0, notes=tuple(notes))
    notes.append("Gesamtmodell mit Startlösung aus den Teilmodellen")
    bound = full.bound if stability_first else max(full.bound, relaxed_bound)
    return _plan(full.status, [full], bound, t0, notes)


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


__all__ = ["HOME", "components", "kit_use", "solve", "solve_part", "split", "subproblem"]
