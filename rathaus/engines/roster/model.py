"""Input and output dataclasses of the municipal roster engine (no OR-Tools, no Django).

All times are minutes after midnight; all dates are `datetime.date`. Everything is frozen so
that a problem can be shared between threads, cached and compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property


class Kind(StrEnum):
    """What an employee does on one day."""

    ON_SITE = "on_site"  # in an office room
    HOME = "home"  # home office
    SHIFT = "shift"  # a shift at a counter (on site)
    ABSENT = "absent"  # leave, sickness, quarantine (input)
    OFF = "off"  # non-working day (weekend, part-time) (input)


ON_SITE_KINDS = frozenset({Kind.ON_SITE, Kind.SHIFT})


class Equipment(StrEnum):
    """What an employee needs to work from home."""

    FULL_KIT = "full_kit"  # a workstation from the kit pool
    PHONE_ONLY = "phone_only"  # e.g. social workers: no kit
    NONE = "none"


class CapacityMode(StrEnum):
    NORMAL = "normal"
    PANDEMIC = "pandemic"  # e.g. single occupancy (Einzelbelegung)


class CohortSeparation(StrEnum):
    DAY = "day"  # two cohorts are never on site on the same day
    SHIFT = "shift"  # ... never in the same shift (office work counts as one extra slot)


class WishKind(StrEnum):
    PREFER_HOME = "prefer_home"
    PREFER_OFFICE = "prefer_office"
    NO_OFFICE = "no_office"  # no-go office day (weighted, not hard)


class Status(StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    capacity: int
    pandemic_capacity: int | None = None  # None: same as capacity
    building: str = ""
    floor: int = 0
    org_unit: str = ""

    def seats(self, mode: CapacityMode) -> int:
        if mode is CapacityMode.PANDEMIC and self.pandemic_capacity is not None:
            return self.pandemic_capacity
        return self.capacity


@dataclass(frozen=True)
class KitPool:
    """Home-office kits: `stock` holds (date_from, total count); the latest entry applies."""

    stock: tuple[tuple[date, int], ...] = ()

    def available(self, day: date) -> int:
        count = 0
        for start, n in sorted(self.stock):
            if start <= day:
                count = n
        return count


@dataclass(frozen=True)
class ShiftType:
    id: str
    name: str
    start: int  # minutes after midnight
    end: int  # minutes after midnight; end <= start means the shift ends the next day
    location: str = ""

    @property
    def end_abs(self) -> int:
        return self.end if self.end > self.start else self.end + 1440


@dataclass(frozen=True)
class Coverage:
    """At least `required` people (with `qualification`, if given) work `shift_id` on `day`."""

    day: date
    shift_id: str
    required: int
    qualification: str | None = None


@dataclass(frozen=True)
class Cohort:
    """A shift team (Schichtteam); members of different cohorts never meet on site."""

    id: str
    name: str
    members: frozenset[str]
    group: str = ""  # only cohorts of the same group exclude each other (e.g. one office)


@dataclass(frozen=True)
class Wish:
    day: date
    kind: WishKind
    weight: int = 1


@dataclass(frozen=True)
class TeamDay:
    """The team should be on site together on `day` (or on every `weekday`, 0 = Monday)."""

    team: str
    weekday: int | None = None
    day: date | None = None
    weight: int = 1

    def matches(self, d: date) -> bool:
        return self.day == d or (self.weekday is not None and self.weekday == d.weekday())


@dataclass(frozen=True)
class Employee:
    id: str
    name: str
    team: str
    org_unit: str = ""
    working_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    home_office: bool = True
    equipment: Equipment = Equipment.FULL_KIT
    rooms: tuple[str, ...] = ()  # allowed office rooms, home room first
    shifts: frozenset[str] = frozenset()  # eligible shift types
    qualifications: frozenset[str] = frozenset()
    min_onsite_per_week: int = 0
    max_onsite_per_week: int = 7
    wishes: tuple[Wish, ...] = ()
    absences: frozenset[date] = frozenset()

    @property
    def needs_kit(self) -> bool:
        return self.equipment is Equipment.FULL_KIT


@dataclass(frozen=True)
class History:
    """Home and office days before the horizon; carries fairness forward."""

    employee_id: str
    home_days: int
    office_days: int


@dataclass(frozen=True)
class Weights:
    fairness: int = 10  # per day of deviation from the team's home-office share
    wish: int = 1  # multiplied by the wish's own weight
    team_day: int = 2  # per team member not on site on a team day
    stability: int = 5  # per day changed against `previous_plan`


@dataclass(frozen=True)
class Assignment:
    employee_id: str
    day: date
    kind: Kind
    room_id: str | None = None
    shift_id: str | None = None

    def same_as(self, other: Assignment) -> bool:
        return (self.kind, self.room_id, self.shift_id) == (
            other.kind,
            other.room_id,
            other.shift_id,
        )


@dataclass(frozen=True)
class Problem:
    days: tuple[date, ...]
    employees: tuple[Employee, ...]
    rooms: tuple[Room, ...] = ()
    kit_pool: KitPool = KitPool()
    shifts: tuple[ShiftType, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    cohorts: tuple[Cohort, ...] = ()
    cohort_separation: CohortSeparation = CohortSeparation.DAY
    capacity_mode: CapacityMode = CapacityMode.NORMAL
    team_days: tuple[TeamDay, ...] = ()
    weights: Weights = Weights()
    history: tuple[History, ...] = ()
    previous_plan: tuple[Assignment, ...] = ()  # penalise each changed day (stability)
    fixed: tuple[Assignment, ...] = ()  # must be kept exactly (past days when replanning)
    min_rest_minutes: int = 660  # rest between two shifts (ArbZG: 11 h)
    max_consecutive_working_days: int | None = None  # checked on the input calendar
    max_consecutive_onsite_days: int | None = None  # office or shift days in a row

    @cached_property
    def rooms_by_id(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def shifts_by_id(self) -> dict[str, ShiftType]:
        return {s.id: s for s in self.shifts}

    @cached_property
    def employees_by_id(self) -> dict[str, Employee]:
        return {e.id: e for e in self.employees}

    @cached_property
    def fixed_by_key(self) -> dict[tuple[str, date], Assignment]:
        return {(a.employee_id, a.day): a for a in self.fixed}

    def base_kind(self, emp: Employee, day: date) -> Kind | None:
        """ABSENT/OFF from the input, fixed kinds, or None when the solver decides."""
        fixed = self.fixed_by_key.get((emp.id, day))
        if fixed is not None:
            return fixed.kind
        if day.weekday() not in emp.working_weekdays:
            return Kind.OFF
        if day in emp.absences:
            return Kind.ABSENT
        return None


@dataclass(frozen=True)
class Reason:
    """One cause of infeasibility, in planners' words (German) plus a machine-readable code."""

    code: str  # e.g. ROOM_CAPACITY, KIT_POOL, COVERAGE, COHORT_COVERAGE, WEEK_MIN_ONSITE
    message: str
    day: date | None = None
    employees: tuple[str, ...] = ()
    subject: str | None = None  # room id, shift id, cohort id, ...
    required: int | None = None
    available: int | None = None


@dataclass(frozen=True)
class Plan:
    status: Status
    assignments: tuple[Assignment, ...] = ()
    objective: int | None = None
    bound: int | None = None
    penalties: tuple[tuple[str, int], ...] = ()  # rule -> weighted penalty
    wall_time: float = 0.0
    explanation: tuple[Reason, ...] = ()
    notes: tuple[str, ...] = field(default=())  # how the plan was found (decomposition, ...)

    def penalty(self, rule: str) -> int:
        return dict(self.penalties).get(rule, 0)

    def by_key(self) -> dict[tuple[str, date], Assignment]:
        return {(a.employee_id, a.day): a for a in self.assignments}

    @property
    def lower_bound(self) -> int | None:
        """A proven lower bound of every valid plan's objective (kit pool included when the
        decomposition priced it; see `lagrange`); the same figure as `bound`."""
        return self.bound

    @property
    def gap(self) -> float | None:
        """(objective - lower_bound) / objective: how far the plan may be from the best."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return (self.objective - self.bound) / abs(self.objective)
