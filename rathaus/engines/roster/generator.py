"""Seeded generator of municipal roster instances (the town hall of the design brief, scaled).

Per 200 staff: one citizen office (Bürgerbüro) with two cohorts of 8 on early/late shifts,
20 social workers who need only a phone, and office departments (Ämter) whose teams sit in
rooms of 1–3 seats (single occupancy for 1–2 seat rooms in pandemic mode). The kit pool starts
at `kit_share` of staff (default 30 %: 60 of 200) and grows by a third of that (20)
after two weeks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from rathaus.engines.roster.model import (
    CapacityMode,
    Cohort,
    Coverage,
    Employee,
    Equipment,
    History,
    KitPool,
    Problem,
    Room,
    ShiftType,
    TeamDay,
    Weights,
    Wish,
    WishKind,
)

FIRST = (
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elif",
    "Felix",
    "Greta",
    "Hakan",
    "Ida",
    "Jonas",
    "Katrin",
    "Lukas",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Rana",
    "Sven",
    "Tanja",
    "Uwe",
)
LAST = (
    "Schmidt",
    "Müller",
    "Yilmaz",
    "Weber",
    "Nowak",
    "Becker",
    "Hoffmann",
    "Kaya",
    "Schulz",
    "Wagner",
    "Krüger",
    "Lange",
    "Koch",
    "Richter",
    "Wolf",
    "Neumann",
)
AEMTER = (
    "Hauptamt",
    "Kämmerei",
    "Ordnungsamt",
    "Bauamt",
    "Jugendamt",
    "Schulamt",
    "Personalamt",
    "Stadtplanung",
    "Umweltamt",
    "Kulturamt",
    "Liegenschaften",
    "IT",
)


def generate(
    staff: int = 200,
    *,
    weeks: int = 4,
    start: date = date(2026, 3, 2),
    seed: int = 0,
    pandemic: bool = True,
    kit_share: float = 0.30,
) -> Problem:
    days = tuple(start + timedelta(days=i) for i in range(7 * weeks))
    g = _Town(random.Random(seed), days)
    towns = max(1, round(staff / 200))
    remaining = staff
    for t in range(towns):
        size = remaining // (towns - t)
        remaining -= size
        g.add_town(t, size)
    kits = round(staff * kit_share)
    more = round(staff * kit_share / 3)
    pool = KitPool(((days[0], kits), (days[min(len(days) - 1, 14)], kits + more)))
    return Problem(
        days=days,
        employees=tuple(g.employees),
        rooms=tuple(g.rooms),
        kit_pool=pool,
        shifts=tuple(g.shifts),
        coverage=tuple(g.coverage),
        cohorts=tuple(g.cohorts),
        capacity_mode=CapacityMode.PANDEMIC if pandemic else CapacityMode.NORMAL,
        team_days=tuple(g.team_days),
        weights=Weights(),
        history=tuple(g.history),
        max_consecutive_working_days=6,
    )


class _Town:
    """What `generate` collects, town by town; every draw comes from the one seeded `rng`
    in a fixed order (the same seed gives the same instance)."""

    def __init__(self, rng: random.Random, days: tuple[date, ...]) -> None:
        self.rng = rng
        self.days = days
        self.workdays = [d for d in days if d.weekday() < 5]
        self.employees: list[Employee] = []
        self.rooms: list[Room] = []
        self.shifts: list[ShiftType] = []
        self.coverage: list[Coverage] = []
        self.cohorts: list[Cohort] = []
        self.team_days: list[TeamDay] = []
        self.history: list[History] = []
        self.counter = iter(range(10**9))
        self.team_base: dict[str, int] = {}

    def add_town(self, t: int, size: int) -> None:
        """Citizen office, social services and departments of one town hall."""
        rng = self.rng
        _citizen_office(
            t,
            size,
            self.person,
            self.employees,
            self.shifts,
            self.coverage,
            self.cohorts,
            self.workdays,
        )
        social = round(size * 0.10)
        office = size - social - 16
        units = [("Soziale Dienste", social, Equipment.PHONE_ONLY)]
        while office > 0:
            n = min(office, rng.randint(15, 40))
            office -= n
            units.append((AEMTER[len(units) % len(AEMTER)], n, Equipment.FULL_KIT))
        floor = 1
        for u, (unit, n, equipment) in enumerate(units):
            floor = self._unit(t, f"t{t}u{u}", unit, n, equipment, floor)

    def _unit(
        self, t: int, unit_id: str, unit: str, n: int, equipment: Equipment, floor: int
    ) -> int:
        """Teams of 4–10 with their rooms and team day; returns the next team's floor."""
        rng = self.rng
        left = n
        team_no = 0
        while left > 0:
            k = min(left, rng.randint(4, 10))
            left -= k
            team = f"{unit_id}:{unit} {team_no + 1}"
            team_no += 1
            members_rooms = _rooms(rng, t, floor, unit_id, k, self.rooms, equipment)
            floor = floor % 5 + 1
            for rid in members_rooms:
                self.employees.append(
                    self.person(
                        team,
                        unit_id,
                        equipment=equipment,
                        rooms=(rid,),
                        min_onsite_per_week=1,
                        max_onsite_per_week=5,
                    )
                )
            self.team_days.append(TeamDay(team, weekday=rng.randrange(5), weight=1))
        return floor

    def person(self, team: str, unit: str, **kw: Any) -> Employee:
        """One employee: working pattern, leave and sick days, wishes, history."""
        rng, days = self.rng, self.days
        i = next(self.counter)
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST) + i) % len(LAST)]}"
        pattern = rng.random()
        weekdays = frozenset(range(5))
        if pattern < 0.15:  # part-time: four days
            weekdays = weekdays - {rng.randrange(5)}
        elif pattern < 0.20:  # part-time: three days
            weekdays = frozenset(rng.sample(range(5), 3))
        absences: set[date] = set()
        if rng.random() < 0.25:  # a week of leave
            first = rng.randrange(max(1, len(days) - 7))
            absences |= set(days[first : first + 7])
        absences |= {d for d in self.workdays if rng.random() < 0.02}  # sick days
        wishes = tuple(
            Wish(
                d,
                rng.choice(
                    (WishKind.PREFER_HOME,) * 5
                    + (WishKind.PREFER_OFFICE,) * 3
                    + (WishKind.NO_OFFICE,) * 2
                ),
                rng.randint(1, 3),
            )
            for d in self.workdays
            if rng.random() < 0.06 and d.weekday() in weekdays
        )
        # Previous months were planned with some fairness already: a team-wide share
        # plus a few days of individual deviation.
        base = self.team_base.setdefault(team, rng.randint(8, 20))
        home = max(0, base + rng.randint(-4, 4))
        self.history.append(History(f"e{i}", home, 40 - home))
        return Employee(
            id=f"e{i}",
            name=name,
            team=team,
            org_unit=unit,
            working_weekdays=weekdays,
            wishes=wishes,
            absences=frozenset(absences),
            **kw,
        )


def _rooms(
    rng: random.Random,
    town: int,
    floor: int,
    unit: str,
    people: int,
    rooms: list[Room],
    equipment: Equipment,
) -> list[str]:
    """Rooms of 1–3 seats for a team; returns one home room per member."""
    seats_of: list[str] = []
    while len(seats_of) < people:
        size = 2 if equipment is Equipment.PHONE_ONLY else rng.choices((1, 2, 3), (4, 4, 2))[0]
        rid = f"t{town}r{len(rooms)}"
        pandemic = 2 if size == 3 else 1
        rooms.append(
            Room(
                rid,
                f"Raum {floor}.{len(rooms) % 100:02d}",
                size,
                pandemic,
                building=f"Rathaus {town + 1}",
                floor=floor,
                org_unit=unit,
            )
        )
        seats_of += [rid] * size
    return seats_of[:people]


def _citizen_office(
    town: int,
    size: int,
    person: Callable[..., Employee],
    employees: list[Employee],
    shifts: list[ShiftType],
    coverage: list[Coverage],
    cohorts: list[Cohort],
    workdays: list[date],
) -> None:
    """Bürgerbüro: two cohorts of 8, early and late shift, never on site on the same day."""
    early = ShiftType(f"t{town}early", "Früh", 7 * 60, 13 * 60 + 30, f"Bürgerbüro {town + 1}")
    late = ShiftType(f"t{town}late", "Spät", 13 * 60, 20 * 60 + 30, f"Bürgerbüro {town + 1}")
    shifts += [early, late]
    unit = f"t{town}bb"
    for c in ("A", "B"):
        members = []
        for j in range(8):
            quals = frozenset({"Ausweis"}) if j < 4 else frozenset()
            emp = person(
                f"{unit}:Bürgerbüro",
                unit,
                shifts=frozenset({early.id, late.id}),
                qualifications=quals,
            )
            employees.append(emp)
            members.append(emp.id)
        cohorts.append(Cohort(f"{unit}{c}", f"Schichtteam {c}", frozenset(members), group=unit))
    for d in workdays:
        coverage.append(Coverage(d, early.id, 2))
        coverage.append(Coverage(d, early.id, 1, "Ausweis"))
        coverage.append(Coverage(d, late.id, 2))
