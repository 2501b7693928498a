"""Roster engine: Django-free staff scheduling (municipal hybrid work and the NRP benchmark).

Municipal hybrid-work and shift plans (employees x days x activities)::

    from rathaus.engines.roster import Problem, solve, check, replan, plan_space

    plan = solve(problem, time_limit=10.0)        # -> Plan
    check(problem, plan).ok                       # independent validation (no OR-Tools)
    new = replan(problem, plan, from_day, {"e7": [d1, d2]})   # quarantine from Wednesday
    curve = plan_space(problem, min_onsite_per_week=2)        # smallest building

Functions:

- `solve(problem, *, time_limit=10.0, work_limit=None, workers=2, seed=0, decompose=True,
  stability_first=False, hint=None, batch_size=None, explain=True, on_progress=None,
  should_stop=None) -> Plan`
- `start_plan(problem) -> Start(assignments | None, problem)`: a complete plan without
  optimisation that the checker accepts (the fallback of every solve)
- `check(problem, plan) -> CheckResult(violations, penalties)` (`.ok`, `.objective`)
- `precheck(problem) -> list[Reason]`, `explain_infeasible(problem, *, time_limit) -> list[Reason]`
- `replan(problem, previous, from_day, new_absences, *, time_limit, work_limit, workers, seed,
  on_progress=None, should_stop=None) -> Plan`
  (`replan_problem(...)` gives the problem it solves: past fixed, absences added)
- `plan_space(problem, *, min_onsite_per_week=None, steps=5, time_limit=30.0,
  work_limit=None, workers=2, on_progress=None, should_stop=None)
  -> SpaceResult(min_seats, proven, current_seats, points: SpacePoint..., wall_time, notes,
  explanation, lower_bound, least_plan, least_time)` (`.gap`): `lower_bound` comes from the
  linear relaxation of the hard rules (`desks.desk_lower_bound`), `proven` holds when a plan
  meets it (or CP-SAT proves the least peak)
- `generator.generate(staff=200, *, weeks=4, start, seed, pandemic, kit_share) -> Problem`
  (seeded town halls for tests and benchmarks)

Every call always answers, for any time limit and under any load: a plan the independent
checker accepts (when the search found nothing in time: the hint or the start plan, status
FEASIBLE with the note `START_NOTE`), or INFEASIBLE with reasons, or — only when no valid plan
is known at all — UNKNOWN with a reason (`NO_PLAN_IN_TIME`). `work_limit` counts CP-SAT's
deterministic work instead of seconds (see `clock`): the same input gives the same plan on an
idle or a loaded machine; tests and reproducible runs use it.

Progress and stop (for jobs in a web app; see `progress`): `on_progress(Progress(fraction,
objective, bound, message))` is called from CP-SAT's solution callback, between the parts of
the decomposition and a few times a second while a search runs (serialised, non-decreasing
fraction, the last call has 1.0; it runs in solver threads, so keep it quick and throttle or
hand over to another thread yourself). `should_stop()` is polled in the same places; once it
returns True the search stops (`StopSearch`) and the best plan so far comes back (FEASIBLE,
or the start plan) with the note "Abgebrochen" (`STOPPED_NOTE`).

Input (frozen dataclasses in `model`): `Problem(days, employees, rooms, kit_pool, shifts,
coverage, cohorts, cohort_separation, capacity_mode, team_days, weights, history,
previous_plan, fixed, min_rest_minutes, max_consecutive_working_days,
max_consecutive_onsite_days)` with `Employee`, `Room`, `KitPool`, `ShiftType`, `Coverage`,
`Cohort`, `TeamDay`, `Wish`, `History`, `Weights`, `Assignment`.

Output: `Plan(status, assignments, objective, bound, penalties, wall_time, explanation, notes)`
with `plan.lower_bound` (= `bound`, a proven lower bound; when the kit pool binds across the
parts of the decomposition it comes from kit prices, see `lagrange`) and `plan.gap`
((objective - lower_bound) / objective);
an INFEASIBLE plan always carries `Reason`s (German message + rule code such as
ROOM_CAPACITY, KIT_POOL, COVERAGE, COHORT_COVERAGE, WEEK_MIN_ONSITE, REST_TIME).

Hard rules: one activity per day; input absences and non-working days; fixed days; room
capacity (normal or pandemic); dated kit pool (FULL_KIT at home uses a kit, PHONE_ONLY does
not); shift coverage with qualifications; cohorts never on site on the same day (or shift);
min/max on-site days per ISO week (minimum pro rata when absent: min x worked // scheduled); 11 h rest between
shifts; max consecutive on-site days; max consecutive working days (checked on the input).
Soft rules (weighted, integer): fairness (whole days of deviation from the team's home-office
share, history included), wishes and no-go office days, team days, stability (changed days).
"""

from rathaus.engines.roster.checker import CheckResult, check
from rathaus.engines.roster.explain import explain_infeasible, precheck
from rathaus.engines.roster.model import (
    Assignment,
    CapacityMode,
    Cohort,
    CohortSeparation,
    Coverage,
    Employee,
    Equipment,
    History,
    Kind,
    KitPool,
    Plan,
    Problem,
    Reason,
    Room,
    ShiftType,
    Status,
    TeamDay,
    Weights,
    Wish,
    WishKind,
)
from rathaus.engines.roster.progress import STOPPED_NOTE, Progress
from rathaus.engines.roster.replan import replan, replan_problem
from rathaus.engines.roster.solver import solve
from rathaus.engines.roster.space import SpacePoint, SpaceResult, plan_space
from rathaus.engines.roster.start import START_NOTE, Start, start_plan

__all__ = [
    "Assignment",
    "CapacityMode",
    "CheckResult",
    "Cohort",
    "CohortSeparation",
    "Coverage",
    "Employee",
    "Equipment",
    "History",
    "Kind",
    "KitPool",
    "Plan",
    "Problem",
    "Progress",
    "Reason",
    "Room",
    "START_NOTE",
    "STOPPED_NOTE",
    "ShiftType",
    "SpacePoint",
    "SpaceResult",
    "Start",
    "Status",
    "TeamDay",
    "Weights",
    "Wish",
    "WishKind",
    "check",
    "explain_infeasible",
    "plan_space",
    "precheck",
    "replan",
    "replan_problem",
    "solve",
    "start_plan",
]
