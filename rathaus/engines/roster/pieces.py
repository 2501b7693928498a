"""A batched part solved component by component (large problems).

Large problems pack small components (rooms, teams, cohorts, shift types that link nobody
else) into parts of up to 50 employees, to keep the number of parts, threads and master-LP
rows small. One CP-SAT model over such a batch is much harder to solve than its components
one by one: at 5,000 staff a batch of five components was proven in 4.8 s as one model and in
0.7 s as five (the search and the objective bound of one model do not see that its pieces
are independent). `solve_pieces` therefore solves the components of a part one after another,
each with a share of the part's time (what a piece proven early leaves goes to the next), and
returns one `Part`: the sum of the pieces' objectives and proven bounds (a valid bound: the
pieces share no rule and no variable, the kit pool aside, which the caller relaxes as before).
"""

from __future__ import annotations

from collections.abc import Mapping

from rathaus.engines.roster.cpmodel import Key
from rathaus.engines.roster.decompose import components, subproblem
from rathaus.engines.roster.model import Assignment, Problem, Status
from rathaus.engines.roster.parts import RULES, Part, solve_part
from rathaus.engines.roster.progress import Watch

LEAST = 0.05  # seconds (or work) of the least time a piece gets


def solve_pieces(
    problem: Problem,
    *,
    budget: float,
    seed: int,
    hint: Mapping[Key, Assignment] | None,
    watch: Watch,
    part_key: object = None,
) -> Part:
    """`problem` (one part) within `budget` on the watch's clock, one CP-SAT per component,
    on one worker. When a piece finds no plan in its time, it and the pieces after it keep
    the start plan `hint` (bound 0) if that is a valid plan; else the whole part is UNKNOWN
    (the caller falls back as for one model)."""
    comps = components(problem)
    if len(comps) == 1:
        return solve_part(
            problem, budget=budget, workers=1, seed=seed, hint=hint, watch=watch, part_key=part_key
        )
    clock = watch.clock
    end = clock.now() + budget
    left = len(problem.employees)
    pieces: list[Part] = []
    # Largest first (`components`): hard pieces get their share before easy ones hand time on.
    for k, comp in enumerate(comps):
        share = (end - clock.now()) * len(comp) / max(1, left)
        left -= len(comp)
        limit = min(2 * share, end - clock.now())
        piece = Part(Status.UNKNOWN, [], 0, 0, {})
        if limit >= LEAST and not watch.stopped:
            piece = solve_part(
                subproblem(problem, comp),
                budget=limit,
                workers=1,
                seed=seed,
                hint=hint,
                watch=watch,
            )
        if piece.status is Status.INFEASIBLE:
            return piece
        if piece.status is Status.UNKNOWN:  # out of time: the rest keeps the start plan
            piece = _kept(problem, [e for c in comps[k:] for e in c], hint)
            if piece.status is Status.UNKNOWN:
                return piece
            pieces.append(piece)
            break
        pieces.append(piece)
    part = _joined(pieces)
    if part_key is not None:
        watch.solution(part_key, part.objective, part.bound)
    return part


def _kept(problem: Problem, ids: list[str], hint: Mapping[Key, Assignment] | None) -> Part:
    """The pieces `ids` as the start plan has them (one model for all: building a model
    costs more than fixing one), bound 0; UNKNOWN without a start plan or if it breaks a
    rule."""
    if hint is None:
        return Part(Status.UNKNOWN, [], 0, 0, {})
    fixed = solve_part(subproblem(problem, ids), budget=5.0, workers=1, hint=hint, fix_hint=True)
    return fixed if fixed.status is Status.FEASIBLE else Part(Status.UNKNOWN, [], 0, 0, {})


def _joined(pieces: list[Part]) -> Part:
    """One part from independent pieces: OPTIMAL only when every piece is."""
    optimal = all(p.status is Status.OPTIMAL for p in pieces)
    return Part(
        Status.OPTIMAL if optimal else Status.FEASIBLE,
        [a for p in pieces for a in p.assignments],
        sum(p.objective for p in pieces),
        sum(p.bound for p in pieces),
        {r: sum(p.penalties.get(r, 0) for p in pieces) for r in RULES},
    )
