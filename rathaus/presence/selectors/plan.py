"""The plan of a period as planners see it: the grid of cells, room occupancy, one row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core.models import Employee, Room
from rathaus.presence.models import (
    Absence,
    Activity,
    PlanAssignment,
    PlanningPeriod,
    ShiftType,
)
from rathaus.presence.selectors.absences import absence_days
from rathaus.presence.selectors.staff import period_rooms

WORKING = (Activity.OFFICE, Activity.HOME, Activity.SHIFT)
WEEKDAY_SHORT = tuple(WEEKDAYS_ABBR[i] for i in range(7))  # Mo, Di, … (Django catalogue)
ABSENCE_CODE = {"leave": "U", "sick": "K", "quarantine": "Q", "other": "A", "seconded": "AB"}
LEGEND = [
    ("B", "office", gettext_lazy("Büro (mit Raumnummer)")),
    ("H", "home", gettext_lazy("Homeoffice")),
    ("F/S…", "shift", gettext_lazy("Schicht (Kürzel der Schichtart)")),
    ("U/K/Q/A", "absent", gettext_lazy("Urlaub / Krankheit / Quarantäne / sonstige Abwesenheit")),
    ("–", "off", gettext_lazy("frei (Wochenende, Teilzeit, Feiertag)")),
]


@dataclass
class Cell:
    day: date
    activity: str
    code: str
    title: str
    room_id: int | None = None
    conflict: str = ""  # the absence's kind when the plan has the person working that day


@dataclass
class GridRow:
    employee: Employee
    cells: list[Cell] = field(default_factory=list)
    home: int = 0
    onsite: int = 0


def cell_of(
    activity: str, day: date, room: Room | None, shift: ShiftType | None, absence: str | None
) -> Cell:
    if activity == Activity.OFFICE:
        number = room.number if room else "?"
        return Cell(
            day,
            activity,
            f"B {number}",
            _("Büro, Raum %(number)s") % {"number": number},
            room.pk if room else None,
        )
    if activity == Activity.HOME:
        return Cell(day, activity, "H", _("Homeoffice"))
    if activity == Activity.SHIFT:
        return Cell(
            day,
            activity,
            shift.code if shift else "S",
            _("Schicht %(name)s") % {"name": shift.name if shift else ""},
        )
    if activity == Activity.ABSENT:
        code = ABSENCE_CODE.get(absence or "other", "A")
        return Cell(
            day,
            activity,
            code,
            dict(Absence.Kind.choices).get(absence or "other", _("abwesend")),
        )
    return Cell(day, activity, "–", _("frei"))


def plan_grid(
    period: PlanningPeriod, *, org_unit: str | None = None, employee_id: int | None = None
) -> list[GridRow]:
    """The plan's rows (one person's with `employee_id`, for a row updated in place). A day
    planned as work on which the person has an absence (entered after the plan) is marked as
    a conflict and not counted as on site."""
    qs = (
        PlanAssignment.objects.filter(period=period)
        .select_related("employee__org_unit", "room", "shift_type")
        .order_by(
            "employee__org_unit__code",
            "employee__last_name",
            "employee__first_name",
            "employee_id",
            "day",
        )
    )
    if org_unit:
        qs = qs.filter(employee__org_unit__code=org_unit)
    if employee_id is not None:
        qs = qs.filter(employee_id=employee_id)
    rows: dict[int, GridRow] = {}
    items = list(qs)
    absences = absence_days({r.employee_id for r in items}, period.start, period.end)
    for r in items:
        row = rows.get(r.employee_id)
        if row is None:
            row = rows[r.employee_id] = GridRow(r.employee)
        absence = absences.get((r.employee_id, r.day))
        cell = cell_of(r.activity, r.day, r.room, r.shift_type, absence)
        row.cells.append(cell)
        if absence and r.activity in WORKING:
            cell.conflict = dict(Absence.Kind.choices).get(absence, _("abwesend"))
            continue
        row.home += r.activity == Activity.HOME
        row.onsite += r.activity in (Activity.OFFICE, Activity.SHIFT)
    return list(rows.values())


@dataclass
class RoomDay:
    day: date
    names: list[str]
    free: int  # places left (0 when full or over capacity)


@dataclass
class RoomRow:
    room: Room
    capacity: int
    days: list[RoomDay] = field(default_factory=list)


def room_occupancy(period: PlanningPeriod) -> list[RoomRow]:
    """Rooms × working days: who sits there and how many places are free. People with an
    absence on the day (entered after the plan) do not take a place."""
    rooms = list(period_rooms(period))
    rows = list(
        PlanAssignment.objects.filter(period=period, activity=Activity.OFFICE).values_list(
            "room_id", "employee_id", "day", "employee__first_name", "employee__last_name"
        )
    )
    absent = absence_days({r[1] for r in rows}, period.start, period.end)
    occ: dict[tuple[int, date], list[str]] = defaultdict(list)
    for room_id, employee_id, day, first, last in rows:
        if (employee_id, day) not in absent:
            occ[(room_id, day)].append(f"{first} {last}")
    out = []
    for room in rooms:
        cap = (
            room.capacity_pandemic
            if period.mode == PlanningPeriod.Mode.PANDEMIC
            else room.capacity_normal
        )
        row = RoomRow(room, cap)
        for d in period.days:
            if d.weekday() < 5:
                names = sorted(occ.get((room.pk, d), []))
                row.days.append(RoomDay(d, names, max(0, cap - len(names))))
        out.append(row)
    return out


def plan_row(period: PlanningPeriod, employee: Employee, day: date) -> PlanAssignment | None:
    """One cell of the stored plan (for the edit form)."""
    return (
        PlanAssignment.objects.filter(period=period, employee=employee, day=day)
        .select_related("room", "shift_type")
        .first()
    )


def period_has_plan(period: PlanningPeriod) -> bool:
    return PlanAssignment.objects.filter(period=period).exists()


@dataclass
class Audience:
    people: int  # everyone in the plan
    mails: int  # of them, with an e-mail address: they get the plan by e-mail


def publish_audience(period: PlanningPeriod) -> Audience:
    """Who publishing the plan would notify (for the confirmation before publishing)."""
    employees = Employee.objects.filter(
        pk__in=PlanAssignment.objects.filter(period=period).values("employee_id")
    )
    return Audience(employees.count(), employees.exclude(email="").count())
