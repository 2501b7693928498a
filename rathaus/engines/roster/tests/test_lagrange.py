"""Kit prices (Lagrangian relaxation of the kit pool): a bound a planner can trust, and plans
that keep the stock. Tiny towns of two or three teams, each team in its own one-seat room,
so that the parts compete for the kits; deterministic work limits, one worker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.engines.roster import Plan, Problem, Status, Wish, WishKind, check
from rathaus.engines.roster.clock import Clock
from rathaus.engines.roster.decompose import batches, kit_use, split
from rathaus.engines.roster.kits import exchange, repair
from rathaus.engines.roster.lagrange import (
    LEAST_PRICE,
    SCALE,
    _floor,
    _least_kits,
    _most_kits,
    _Priced,
    _State,
    budget_repaired_round,
    column_of,
    least_prices,
    lp_budgets,
    price_kits,
    repair_budgets,
    repaired_round,
)
from rathaus.engines.roster.parts import solve_part
from rathaus.engines.roster.progress import Watch
from rathaus.engines.roster.solver import REPAIR_ROUNDS_MIN, solve
from rathaus.engines.roster.tests.helpers import emp, kits, room, week

DAYS = week(5)


@st.composite
def towns(draw: st.DrawFn) -> Problem:
    """Two or three teams of 2–3 people, one one-seat room per team, kits for everyone who
    must stay at home plus at most one: the pool binds on most days."""
    employees, rooms, must_stay_home = [], [], 0
    for t in range(draw(st.integers(2, 3))):
        size = draw(st.integers(2, 3))
        rooms.append(room(f"r{t}", 1, name=f"Raum {t}"))
        must_stay_home += size - 1
        for i in range(size):
            wishes = tuple(
                Wish(d, WishKind.PREFER_HOME, draw(st.integers(1, 3)))
                for d in DAYS
                if draw(st.booleans())
            )
            employees.append(
                emp(
                    f"e{t}{i}",
                    team=f"T{t}",
                    rooms=(f"r{t}",),
                    working_weekdays=frozenset(range(5)),
                    # a one-seat room has 5 seat-days a week: minimums that fit it
                    min_onsite_per_week=draw(st.integers(0, 5 // size)),
                    wishes=wishes,
                )
            )
    return Problem(
        days=DAYS,
        employees=tuple(employees),
        rooms=tuple(rooms),
        kit_pool=kits(must_stay_home + draw(st.integers(0, 1))),
    )


def _optimum(problem: Problem) -> int:
    """The true optimum: one CP-SAT model over everything, proven."""
    plan = solve(problem, work_limit=20.0, decompose=False, explain=False)
    assert plan.status is Status.OPTIMAL
    assert plan.objective is not None
    return plan.objective


def _dual_bound(problem: Problem) -> tuple[int, int]:
    """(relaxed bound, bound with kit prices) straight from the pricing phase."""
    groups = batches(problem, 1)
    subs = split(problem, groups)
    # A work clock: every limit below (budget=2.0, end=+4.0) is CP-SAT deterministic time,
    # charged by the solver's own work count, never seconds of the wall clock.
    clock = Clock(30.0)
    watch = Watch(30.0, clock=clock)
    relaxed = [solve_part(s, budget=2.0, workers=1, seed=0, watch=watch) for s in subs]
    dual = price_kits(
        problem, subs, relaxed, None, end=clock.now() + 4.0, workers=1, seed=0, watch=watch
    )
    return sum(p.bound for p in relaxed), dual.bound


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(towns())
def test_the_bound_never_exceeds_the_optimum_and_the_plan_keeps_the_stock(
    problem: Problem,
) -> None:
    optimum = _optimum(problem)
    relaxed, priced = _dual_bound(problem)
    assert relaxed <= priced <= optimum
    plan = solve(problem, work_limit=4.0)
    assert plan.lower_bound is not None and plan.lower_bound <= optimum <= plan.objective  # type: ignore[operator]
    result = check(problem, plan)
    assert result.ok, result.violations
    assert result.objective == plan.objective
    use = kit_use(problem, list(plan.assignments))
    assert all(n <= problem.kit_pool.available(d) for d, n in use.items())
    lexi = solve(problem, work_limit=4.0, lexicographic_parts=True)
    assert lexi.lower_bound is not None and lexi.lower_bound <= optimum <= lexi.objective  # type: ignore[operator]
    assert check(problem, lexi).ok
    # Repaired price rounds and the least price only run from `REPAIR_ROUNDS_MIN` of work.
    repaired = solve(problem, work_limit=REPAIR_ROUNDS_MIN, least_price=True, repair_rounds=True)
    assert repaired.lower_bound is not None
    assert repaired.lower_bound <= optimum <= repaired.objective  # type: ignore[operator]
    result = check(problem, repaired)
    assert result.ok and result.objective == repaired.objective, result.violations
    use = kit_use(problem, list(repaired.assignments))
    assert all(n <= problem.kit_pool.available(d) for d, n in use.items())


def _contested_town() -> Problem:
    """Three teams of three, two seats per team room, four kits: everybody would like to
    work from home every day, but only four of the nine can, so wishes must be missed."""
    employees = [
        emp(
            f"e{t}{i}",
            team=f"T{t}",
            rooms=(f"r{t}",),
            working_weekdays=frozenset(range(5)),
            wishes=tuple(
                Wish(d, WishKind.PREFER_HOME, 1 + (t + i + k) % 3) for k, d in enumerate(DAYS)
            ),
        )
        for t in range(3)
        for i in range(3)
    ]
    return Problem(
        days=DAYS,
        employees=tuple(employees),
        rooms=tuple(room(f"r{t}", 2, name=f"Raum {t}") for t in range(3)),
        kit_pool=kits(4),
    )


def test_kit_prices_make_the_bound_see_the_pool() -> None:
    problem = _contested_town()
    relaxed, priced = _dual_bound(problem)
    optimum = _optimum(problem)
    assert relaxed < priced <= optimum


def test_the_municipal_plan_reports_bound_and_gap() -> None:
    problem = _contested_town()
    plan = solve(problem, work_limit=6.0)
    assert plan.lower_bound is not None and plan.gap is not None
    assert plan.lower_bound <= _optimum(problem) <= plan.objective  # type: ignore[operator]
    assert any("Kit-Preisen" in n for n in plan.notes)


def test_the_same_town_gives_the_same_plan_and_bound() -> None:
    problem = _contested_town()
    first = solve(problem, work_limit=4.0, seed=3)
    second = solve(problem, work_limit=4.0, seed=3)
    assert first.assignments == second.assignments
    assert (first.objective, first.bound) == (second.objective, second.bound)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(0.0, 6.0, allow_nan=False), min_size=3, max_size=3),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 3),
)
def test_whole_kit_budgets_from_the_master_mix_keep_the_stock(
    mix: list[list[float]], spare: int
) -> None:
    # The mix keeps the stock up to the LP's tolerance (lp_budgets rounds u + 1e-6 down), so
    # a mix of 0.9999995 + 0.9999995 comes from a stock of 2, not 1.
    stock = [int(sum(row[d] for row in mix) + 1e-6 * len(mix)) + spare for d in range(3)]
    budgets = lp_budgets(mix, stock)
    for d, s in enumerate(stock):
        assert sum(row[d] for row in budgets) <= s
        for row, frac in zip(budgets, mix, strict=True):
            assert row[d] >= int(frac[d] + 1e-6)  # every part keeps its whole kits


def test_a_part_solved_for_fewest_kits_keeps_its_least_penalty() -> None:
    """The lexicographic objective (least penalty, then fewest kits) gives the same penalty
    and a valid bound, with no more kits than the plain search."""
    sub = split(_contested_town(), batches(_contested_town(), 1))[0]
    clock = Clock(30.0)
    watch = Watch(30.0, clock=clock)
    plain = solve_part(sub, budget=2.0, workers=1, seed=0, watch=watch)
    fewest = solve_part(sub, budget=2.0, workers=1, seed=0, watch=watch, fewest_kits=True)
    assert plain.status is fewest.status is Status.OPTIMAL
    assert fewest.objective == plain.objective == fewest.bound
    assert sum(kit_use(sub, fewest.assignments).values()) <= sum(
        kit_use(sub, plain.assignments).values()
    )


def _repaired(problem: Problem, watch: Watch) -> tuple[list, list[list[str]], list[Problem]]:
    """The parts of `problem` solved with the whole pool, then fitted to it by the greedy
    repair (the start of the kit-exchange search)."""
    groups = batches(problem, 1)
    subs = split(problem, groups)
    relaxed = [solve_part(s, budget=2.0, workers=1, seed=0, watch=watch) for s in subs]
    fitted = repair(problem, subs, groups, relaxed, 1)
    assert fitted is not None
    return fitted, groups, subs


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(towns())
def test_exchanging_kit_days_between_parts_never_worsens_the_plan_and_keeps_the_stock(
    problem: Problem,
) -> None:
    clock = Clock(40.0)
    watch = Watch(40.0, clock=clock)
    fitted, groups, subs = _repaired(problem, watch)
    notes: list[str] = []
    out = exchange(
        problem, subs, groups, fitted, clock.now() + 6.0, 1, 0, notes, watch, max_staff=9
    )
    assert sum(p.objective for p in out) <= sum(p.objective for p in fitted)
    assignments = [a for p in out for a in p.assignments]
    use = kit_use(problem, assignments)
    assert all(n <= problem.kit_pool.available(d) for d, n in use.items())
    plan = Plan(
        Status.FEASIBLE,
        assignments=tuple(assignments),
        objective=sum(p.objective for p in out),
        bound=0,
    )
    result = check(problem, plan)
    assert result.ok, result.violations
    assert result.objective == plan.objective
    assert sum(p.bound for p in out) <= _optimum(problem)


def test_kit_days_move_to_the_part_that_misses_the_most_wishes() -> None:
    """On the contested town the exchange reaches the optimum that one model over everything
    proves (the greedy repair alone does not know which wishes weigh most)."""
    problem = _contested_town()
    clock = Clock(60.0)
    watch = Watch(60.0, clock=clock)
    fitted, groups, subs = _repaired(problem, watch)
    out = exchange(problem, subs, groups, fitted, clock.now() + 10.0, 1, 0, [], watch)
    assert sum(p.objective for p in out) == _optimum(problem)


def test_the_bound_floor_from_earlier_prices_is_never_above_the_priced_optimum() -> None:
    """`_floor` moves a proven bound from prices λ' to λ with each part's least and most
    kits a day; at any λ it must stay below what the part can really reach."""
    problem = _contested_town()
    groups = batches(problem, 1)
    subs = split(problem, groups)
    day_index = {d: i for i, d in enumerate(problem.days)}
    clock = Clock(60.0)
    watch = Watch(60.0, clock=clock)
    relaxed = solve_part(subs[0], budget=2.0, workers=1, seed=0, watch=watch)
    state = _State(
        columns=[[column_of(subs[0], relaxed, day_index)]],
        best_num=0,
        best_prices=[0] * len(DAYS),
        upper=None,
        least=[_least_kits(subs[0], problem.days)],
        most=[_most_kits(subs[0], problem.days)],
        points=[[((0,) * len(DAYS), SCALE * relaxed.bound)]],
    )
    model = _Priced(subs[0], day_index)
    for prices in ([5, 0, 10, 0, 30], [30, 30, 30, 30, 30], [0, 100, 0, 0, 2]):
        floor = _floor(state, 0, prices)
        column, proven = model.solve(prices, state.columns[0][0], 5.0, 0, watch)
        assert column is not None
        assert floor <= column.priced(prices)
        state.points[0].append((tuple(prices), proven))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(towns(), st.integers(1, 3 * SCALE))
def test_a_price_round_repaired_to_the_stock_is_a_valid_plan_never_below_the_optimum(
    problem: Problem, price: int
) -> None:
    """The parts' plans at one kit price, fitted to the stock by the greedy repair (a new
    column per part and the known plan of the pricing phase), keep every rule and the stock,
    and the penalty the parts report is the checker's."""
    groups = batches(problem, 1)
    subs = split(problem, groups)
    day_index = {d: i for i, d in enumerate(problem.days)}
    watch = Watch(40.0, clock=Clock(40.0))
    relaxed = [solve_part(s, budget=2.0, workers=1, seed=0, watch=watch) for s in subs]
    prices = [price] * len(problem.days)
    latest = [
        _Priced(s, day_index).solve(prices, column_of(problem, r, day_index), 2.0, 0, watch)[0]
        for s, r in zip(subs, relaxed, strict=True)
    ]
    assert all(c is not None for c in latest)
    fixed = repaired_round(problem, subs, relaxed, list(range(len(subs))), latest, 1)  # type: ignore[arg-type]
    if fixed is None:  # the seats cannot take the kit users the stock leaves out
        return
    assignments = [a for p in fixed for a in p.assignments]
    use = kit_use(problem, assignments)
    assert all(n <= problem.kit_pool.available(d) for d, n in use.items())
    total = sum(p.objective for p in fixed)
    result = check(
        problem, Plan(Status.FEASIBLE, assignments=tuple(assignments), objective=total, bound=0)
    )
    assert result.ok, result.violations
    assert result.objective == total >= _optimum(problem)


def test_the_first_price_round_repaired_beats_the_repaired_relaxed_plans() -> None:
    """On the contested town the plans at a fifth of a point per kit-day already give back the
    kits no wish asks for: fitted to the stock they are no worse than the relaxed plans
    fitted the same way (the start of the method before)."""
    problem = _contested_town()
    groups = batches(problem, 1)
    subs = split(problem, groups)
    day_index = {d: i for i, d in enumerate(problem.days)}
    watch = Watch(40.0, clock=Clock(40.0))
    relaxed = [solve_part(s, budget=2.0, workers=1, seed=0, watch=watch) for s in subs]
    before = repair(problem, subs, groups, relaxed, 1)
    prices = [2] * len(problem.days)
    latest = [
        _Priced(s, day_index).solve(prices, column_of(problem, r, day_index), 2.0, 0, watch)[0]
        for s, r in zip(subs, relaxed, strict=True)
    ]
    after = repaired_round(problem, subs, relaxed, [0, 1, 2], latest, 1)  # type: ignore[arg-type]
    assert before is not None and after is not None
    assert sum(p.objective for p in after) <= sum(p.objective for p in before)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(towns(), st.integers(0, 3 * SCALE), st.booleans())
def test_a_price_round_repaired_by_kit_budgets_is_a_valid_plan_never_below_the_optimum(
    problem: Problem, price: int, relaxed_plans: bool
) -> None:
    """The parts that overrun the stock re-solved with kit budgets (then the greedy repair
    for what is left) give a plan within the stock that keeps every rule, whose penalty is
    the checker's and never below the optimum."""
    groups = batches(problem, 1)
    subs = split(problem, groups)
    day_index = {d: i for i, d in enumerate(problem.days)}
    watch = Watch(40.0, clock=Clock(40.0))
    relaxed = [solve_part(s, budget=2.0, workers=1, seed=0, watch=watch) for s in subs]
    columns = [column_of(problem, r, day_index) for r in relaxed]
    if not relaxed_plans:  # else the relaxed plans themselves: the largest overrun
        prices = [price] * len(problem.days)
        priced = [
            _Priced(s, day_index).solve(prices, c, 2.0, 0, watch)[0]
            for s, c in zip(subs, columns, strict=True)
        ]
        assert all(c is not None for c in priced)
        columns = priced  # type: ignore[assignment]
    fixed = budget_repaired_round(
        problem,
        subs,
        relaxed,
        list(range(len(subs))),
        columns,
        [_least_kits(s, problem.days) for s in subs],
        [_most_kits(s, problem.days) for s in subs],
        end=watch.clock.now() + 3.0,
        workers=1,
        seed=0,
        watch=watch,
    )
    if fixed is None:  # neither the budgets nor the seats could take the overrun
        return
    assignments = [a for p in fixed for a in p.assignments]
    use = kit_use(problem, assignments)
    assert all(n <= problem.kit_pool.available(d) for d, n in use.items())
    total = sum(p.objective for p in fixed)
    result = check(
        problem, Plan(Status.FEASIBLE, assignments=tuple(assignments), objective=total, bound=0)
    )
    assert result.ok, result.violations
    assert result.objective == total >= _optimum(problem)


def test_the_contested_town_repaired_by_kit_budgets_beats_the_greedy_repair() -> None:
    """On the contested town the relaxed plans want every kit; re-solving them with kit
    budgets moves the missed wishes to the people who mind least, the greedy repair only
    sends the lightest wishes of each day to the office: never worse."""
    problem = _contested_town()
    groups = batches(problem, 1)
    subs = split(problem, groups)
    day_index = {d: i for i, d in enumerate(problem.days)}
    watch = Watch(40.0, clock=Clock(40.0))
    relaxed = [solve_part(s, budget=2.0, workers=1, seed=0, watch=watch) for s in subs]
    columns = [column_of(problem, r, day_index) for r in relaxed]
    greedy = repaired_round(problem, subs, relaxed, [0, 1, 2], columns, 1)
    budgets = budget_repaired_round(
        problem,
        subs,
        relaxed,
        [0, 1, 2],
        columns,
        [_least_kits(s, problem.days) for s in subs],
        [_most_kits(s, problem.days) for s in subs],
        end=watch.clock.now() + 3.0,
        workers=1,
        seed=0,
        watch=watch,
    )
    assert greedy is not None and budgets is not None
    assert sum(p.objective for p in budgets) <= sum(p.objective for p in greedy)
    assert _optimum(problem) <= sum(p.objective for p in budgets)


@st.composite
def _kit_uses(
    draw: st.DrawFn,
) -> tuple[list[list[int]], list[list[int]], list[list[int]], list[int]]:
    """Per part and day: least ≤ kits ≤ most; a stock per day that the least kits fit."""
    n_parts, n_days = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    least, kits, most = [], [], []
    for _ in range(n_parts):
        lo = draw(st.lists(st.integers(0, 3), min_size=n_days, max_size=n_days))
        k = [x + draw(st.integers(0, 4)) for x in lo]
        least.append(lo)
        kits.append(k)
        most.append([x + draw(st.integers(0, 3)) for x in k])
    stock = [
        sum(lo[d] for lo in least) + draw(st.integers(0, 2 + sum(k[d] for k in kits)))
        for d in range(n_days)
    ]
    return kits, least, most, stock


@given(_kit_uses())
def test_repair_budgets_keep_the_stock_and_each_part_at_least_its_least_kits(
    case: tuple[list[list[int]], list[list[int]], list[list[int]], list[int]],
) -> None:
    kits, least, most, stock = case
    budgets = repair_budgets(kits, least, most, stock)
    for d, s in enumerate(stock):
        over = sum(k[d] for k in kits) > s
        assert sum((b if b is not None else k)[d] for b, k in zip(budgets, kits, strict=True)) <= s
        for b, k, lo in zip(budgets, kits, least, strict=True):
            if b is None:  # only the parts using kits on an overrun day get budgets
                assert not (over and k[d])
            else:
                assert lo[d] <= b[d] and (b[d] <= k[d] or not over)


def test_the_least_price_goes_to_the_days_the_pool_could_bind() -> None:
    assert least_prices([[3, 1, 0], [2, 1, 5]], [4, 4, 5]) == [LEAST_PRICE, 0, 0]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(towns())
def test_the_plan_polished_in_one_model_over_everyone_keeps_bound_optimum_and_stock(
    problem: Problem,
) -> None:
    """`whole_polish` runs on the wall clock with two workers only; what it may change is
    the plan, never the order bound ≤ optimum ≤ objective, the stock or the checker."""
    optimum = _optimum(problem)
    plan = solve(problem, time_limit=REPAIR_ROUNDS_MIN, workers=2, whole_polish=True)
    assert plan.lower_bound is not None and plan.lower_bound <= optimum <= plan.objective  # type: ignore[operator]
    result = check(problem, plan)
    assert result.ok and result.objective == plan.objective, result.violations
    use = kit_use(problem, list(plan.assignments))
    assert all(n <= problem.kit_pool.available(d) for d, n in use.items())


def test_the_contested_town_polished_in_one_model_reaches_its_optimum() -> None:
    """On the contested town (the parts compete for four kits) the kit prices' bound stays
    below the optimum; the whole-model polish proves the plan optimal."""
    problem = _contested_town()
    # whole_polish runs on the wall clock only (one deterministic worker has no neighbourhood
    # search): a generous budget, so that a busy machine still leaves the whole model seconds
    # to prove 9 people optimal; the solve ends as soon as it has.
    plan = solve(problem, time_limit=4 * REPAIR_ROUNDS_MIN, workers=2, whole_polish=True)
    assert plan.status is Status.OPTIMAL
    assert plan.objective == plan.lower_bound == _optimum(problem)
    assert check(problem, plan).ok
