"""Input and output of the matching engine: frozen dataclasses, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field

# Three months, counted in whole weeks: the longest secondment without a hearing.
MAX_WEEKS_WITHOUT_HEARING = 13


@dataclass(frozen=True)
class Helper:
    """A pool member as the engine sees them: a pseudonym, never a name."""

    id: str
    lender: str  # home municipality key
    unit: str  # home org unit key (for the staffing floor)
    skills: frozenset[str] = frozenset()
    available_weeks: frozenset[int] = frozenset()
    postcode: str = ""
    max_travel_minutes: int = 60
    shifts: bool = False
    weekends: bool = False
    remote: bool = False
    max_weeks: int = MAX_WEEKS_WITHOUT_HEARING
    preferred_requesters: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Request:
    """A municipality's (or the region's) call for `slots` helpers over whole weeks."""

    id: str
    requester: str
    slots: int
    first_week: int
    last_week: int  # inclusive
    required_skills: frozenset[str] = frozenset()
    desired_skills: frozenset[str] = frozenset()
    remote: bool = False
    site_postcode: str = ""
    shifts: bool = False
    weekends: bool = False
    team_size: int = 0  # 0: no team structure
    lead_skill: str = ""  # each team of `team_size` needs one helper with this skill
    current: frozenset[str] = frozenset()  # helpers already on it (continuity)

    @property
    def weeks(self) -> range:
        return range(self.first_week, self.last_week + 1)

    @property
    def length(self) -> int:
        return self.last_week - self.first_week + 1


@dataclass(frozen=True)
class Weights:
    coverage: int = 1000  # per filled slot: coverage first
    fit: int = 1  # desired skills, short travel, preferences
    continuity: int = 60  # per helper who stays on the request
    fairness: int = 2  # per unit of the heaviest lender's burden relative to its size


@dataclass(frozen=True)
class Problem:
    helpers: tuple[Helper, ...]
    requests: tuple[Request, ...]
    # (lender, unit, week) -> how many helpers of that unit may be away that week; missing
    # keys: no limit. The app derives it from the unit's staffing floor and presence plans.
    lendable: dict[tuple[str, str, int], int] = field(default_factory=dict)
    lender_size: dict[str, int] = field(default_factory=dict)  # staff headcount per lender
    weights: Weights = Weights()
    candidates_per_slot: int = 6  # pruning: best candidates kept per slot (plus 10)


@dataclass(frozen=True)
class Shortfall:
    """Why a request is not fully covered, as a code with data; the app words it."""

    request_id: str
    covered: int
    slots: int
    reason: str  # SKILL_MISSING, WEEK_UNAVAILABLE, TRAVEL, WILLINGNESS, TOO_LONG, NO_LEAD,
    #               FLOOR, TAKEN
    skill: str = ""
    week: int | None = None
    available: int = 0


@dataclass(frozen=True)
class CaseOffer:
    """Case exchange instead of a secondment: `lender` has `helpers` people with the
    request's required skills who are free in all its weeks (and not lent in them), but
    cannot go (travel, willingness, on-site work, staffing floor); working through the
    requester's cases from home keeps them present in their own unit."""

    request_id: str
    lender: str
    helpers: int


@dataclass(frozen=True)
class Match:
    helper_id: str
    request_id: str
    score: int


@dataclass(frozen=True)
class Result:
    status: str  # OPTIMAL, FEASIBLE, GREEDY (search found nothing better in its limit)
    matches: tuple[Match, ...]
    shortfalls: tuple[Shortfall, ...]
    objective: int
    bound: int
    candidates: int  # helper-request pairs the model considered
    wall_time: float = 0.0
    case_offers: tuple[CaseOffer, ...] = ()  # for requests left short, most helpers first

    def covered(self, request_id: str) -> int:
        return sum(1 for m in self.matches if m.request_id == request_id)

    @property
    def gap(self) -> float:
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)
