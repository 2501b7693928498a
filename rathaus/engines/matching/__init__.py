"""Matching engine: Django-free assignment of pool helpers to staff requests.

    from rathaus.engines.matching import Problem, Helper, Request, solve, check
    result = solve(problem, time_limit=10.0)              # -> Result
    result = solve(problem, work_limit=2.0, workers=1)    # deterministic (tests)
    check(problem, result)                                # [] when every hard rule holds

Input (frozen dataclasses in `model`): `Problem(helpers, requests, lendable, lender_size,
weights, candidates_per_slot)` with `Helper(id, lender, unit, skills, available_weeks,
postcode, max_travel_minutes, shifts, weekends, remote, max_weeks, preferred_requesters)` and
`Request(id, requester, slots, first_week, last_week, required_skills, desired_skills, remote,
site_postcode, shifts, weekends, team_size, lead_skill, current)`. Weeks are integers (the
app counts them from a Monday); helpers are pseudonyms, never names.

Output: `Result(status, matches, shortfalls, objective, bound, candidates, wall_time,
case_offers)`; `status` is OPTIMAL, FEASIBLE or GREEDY; a helper serves a request for all its
weeks. `case_offers` (`CaseOffer(request_id, lender, helpers)`): for each request left short,
up to three other lenders with the most skilled helpers who are free in all its weeks and
lent nowhere then — case exchange instead of people (travel, willingness and floors do not
matter for work that comes as cases).

Hard rules: required skills; available in every week of the request; a request of more than
`helper.max_weeks` weeks (13 = three months unless a hearing extended it) is refused; shift
and weekend work only for willing helpers, remote requests only for helpers willing to work
remotely, on-site requests within the helper's maximum travel time (`travel`); nobody is lent
to their own municipality; a helper serves at most one request per week; at most `slots`
helpers per request; teams: every `team_size` helpers need one with `lead_skill`; the
lender's staffing floor: at most `lendable[(lender, unit, week)]` helpers of a unit away.

Objective (maximised, integers): `coverage` per filled slot, plus the pair's fit (desired
skills, lead skill, short travel, preferred requester), plus `continuity` for helpers already
on the request, minus `fairness` × the heaviest lender burden (helper-weeks lent × a size
multiplier clamped to 1..10, so one more covered slot always outweighs it).

Shortfalls: each request short of its slots gets one `Shortfall` with a reason code
(SKILL_MISSING, WEEK_UNAVAILABLE, TRAVEL, WILLINGNESS, TOO_LONG, NO_LEAD, FLOOR, TAKEN) and
its data (skill, week, how many are available); the app words it for planners.

Performance: the rules and the fit are computed column-wise for all helpers at once (`tables`,
numpy; the scalar `candidates.refusal` / `fit` stay the reference, used by `check`). The
greedy start runs over ALL eligible helpers with the helpers' lent weeks and the units'
floor allowance as arrays (valid at once), then one-move repairs fill places it left open
(`repair`); CP-SAT searches over the pruned candidates (best `candidates_per_slot × slots +
10` per request, plus current helpers) plus the start's pairs, hinted with the start, in
what is left of `time_limit` (the whole budget). From a 3 s budget (or any work limit) the
org-unit LP (`bound`) adds a second start guided by its solution and a bound that sees the
staffing floors and the fairness peak. The bound reported holds for the unpruned problem: the
smaller of that LP and every request filled by its best eligible helpers, leads permitting.
See bench/matching.py and docs/benchmarks.md.
"""

from rathaus.engines.matching.check import check
from rathaus.engines.matching.model import (
    MAX_WEEKS_WITHOUT_HEARING,
    CaseOffer,
    Helper,
    Match,
    Problem,
    Request,
    Result,
    Shortfall,
    Weights,
)
from rathaus.engines.matching.solver import solve
from rathaus.engines.matching.travel import travel_minutes

__all__ = [
    "MAX_WEEKS_WITHOUT_HEARING",
    "CaseOffer",
    "Helper",
    "Match",
    "Problem",
    "Request",
    "Result",
    "Shortfall",
    "Weights",
    "check",
    "solve",
    "travel_minutes",
]
