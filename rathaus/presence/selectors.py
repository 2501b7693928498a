"""Reads of the presence app, always scoped through rathaus.core.tenancy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core.models import Employee, Room
from rathaus.core.tenancy import scoped
from rathaus.presence.models import (
    Absence,
    Activity,
    PlanAssignment,
    PlanningPeriod,
    PlanVersion,
    ShiftType,
    SolverJob,
)

ABSENCE_CODE = {"leave": "U", "sick": "K", "quarantine": "Q", "other": "A", "seconded": "AB"}
LEGEND = [
    ("B", "office", gettext_lazy("Büro (mit Raumnummer)")),
    ("H", "home", gettext_lazy("Homeoffice")),
    ("F/S…", "shift", gettext_lazy("Schicht (Kürzel der Schichtart)")),
    ("U/K/Q/A", "absent", gettext_lazy("Urlaub / Krankheit / Quarantäne / sonstige Abwesenheit")),
    ("–", "off", gettext_lazy("frei (Wochenende, Teilzeit, Feiertag)")),
]


def periods_for(user) -> QuerySet[PlanningPeriod]:
    return scoped(PlanningPeriod, user).prefetch_related("org_units").order_by("-start", "name")


def latest_job(period: PlanningPeriod) -> SolverJob | None:
    return period.jobs.exclude(kind=SolverJob.Kind.SPACE).order_by("-created_at", "-pk").first()


@dataclass
class Cell:
    day: date
    activity: str
    code: str
    title: str
    room_id: int | None = None


@dataclass
class GridRow:
    employee: Employee
    cells: list[Cell] = field(default_factory=list)
    home: int = 0
    onsite: int = 0


def _absence_kinds(employee_ids, start: date, end: date) -> dict[tuple[int, date], str]:
    out: dict[tuple[int, date], str] = {}
    for a in Absence.objects.filter(employee_id__in=employee_ids, start__lte=end, end__gte=start):
        d = max(a.start, start)
        while d <= min(a.end, end):
            out[(a.employee_id, d)] = a.kind
            d = date.fromordinal(d.toordinal() + 1)
    return out


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


def plan_grid(period: PlanningPeriod, *, org_unit: str | None = None) -> list[GridRow]:
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
    rows: dict[int, GridRow] = {}
    items = list(qs)
    absences = _absence_kinds({r.employee_id for r in items}, period.start, period.end)
    for r in items:
        row = rows.get(r.employee_id)
        if row is None:
            row = rows[r.employee_id] = GridRow(r.employee)
        row.cells.append(
            cell_of(r.activity, r.day, r.room, r.shift_type, absences.get((r.employee_id, r.day)))
        )
        row.home += r.activity == Activity.HOME
        row.onsite += r.activity in (Activity.OFFICE, Activity.SHIFT)
    return list(rows.values())


@dataclass
class RoomRow:
    room: Room
    capacity: int
    days: list[tuple[date, list[str]]] = field(default_factory=list)


def room_occupancy(period: PlanningPeriod) -> list[RoomRow]:
    rooms = list(
        Room.objects.filter(
            municipality_id=period.municipality_id, org_unit__in=period.org_units.all()
        )
        .select_related("location")
        .order_by("location__name", "floor", "number")
    )
    occ: dict[tuple[int, date], list[str]] = defaultdict(list)
    for room_id, day, first, last in PlanAssignment.objects.filter(
        period=period, activity=Activity.OFFICE
    ).values_list("room_id", "day", "employee__first_name", "employee__last_name"):
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
                row.days.append((d, sorted(occ.get((room.pk, d), []))))
        out.append(row)
    return out


# --- published plans (what employees see) -------------------------------------------------


@dataclass
class PublishedEntry:
    period: PlanningPeriod
    employee_id: int
    day: date
    activity: str
    room: Room | None
    shift: ShiftType | None


def published(
    municipality_ids, start: date, end: date, *, employee_id: int | None = None
) -> list[PublishedEntry]:
    """Entries of the latest published version of each period overlapping [start, end]."""
    periods = PlanningPeriod.objects.filter(
        municipality_id__in=municipality_ids, versions__isnull=False
    ).distinct()
    out: list[PublishedEntry] = []
    raw = []
    room_ids: set[int] = set()
    shift_ids: set[int] = set()
    for period in periods:
        if period.end < start or period.start > end:
            continue
        version = PlanVersion.objects.filter(period=period).order_by("-number").first()
        for item in version.assignments if version else []:
            if employee_id is not None and item["employee"] != employee_id:
                continue
            day = date.fromisoformat(item["day"])
            if start <= day <= end:
                raw.append((period, item, day))
                if item.get("room"):
                    room_ids.add(item["room"])
                if item.get("shift"):
                    shift_ids.add(item["shift"])
    rooms = Room.objects.select_related("location").in_bulk(room_ids)
    shifts = ShiftType.objects.select_related("location").in_bulk(shift_ids)
    for period, item, day in raw:
        out.append(
            PublishedEntry(
                period,
                item["employee"],
                day,
                item["activity"],
                rooms.get(item.get("room") or 0),
                shifts.get(item.get("shift") or 0),
            )
        )
    out.sort(key=lambda e: (e.day, e.period.pk))
    return out


def my_entries(employee: Employee, start: date, end: date) -> list[tuple[PublishedEntry, Cell]]:
    entries = published([employee.municipality_id], start, end, employee_id=employee.pk)
    absences = _absence_kinds([employee.pk], start, end)
    return [
        (e, cell_of(e.activity, e.day, e.room, e.shift, absences.get((employee.pk, e.day))))
        for e in entries
    ]


@dataclass
class FloorGroup:
    building: str
    floor: int | None
    people: list[tuple[str, str]] = field(default_factory=list)  # (name, where)


def today_presence(user, day: date) -> tuple[list[FloorGroup], dict[str, int]]:
    from rathaus.core.tenancy import municipality_ids_for

    ids = municipality_ids_for(user)
    entries = published(ids, day, day)
    emps = Employee.objects.filter(municipality_id__in=ids).in_bulk(
        {e.employee_id for e in entries}
    )
    groups: dict[tuple[str, int | None], FloorGroup] = {}
    counts = {"office": 0, "shift": 0, "home": 0, "absent": 0}
    for e in entries:
        emp = emps.get(e.employee_id)
        if emp is None:
            continue
        if e.activity in (Activity.HOME, Activity.ABSENT):
            counts[e.activity] += 1
            continue
        if e.activity == Activity.OFFICE and e.room:
            key = (e.room.location.name, e.room.floor)
            where = _("Raum %(number)s") % {"number": e.room.number}
        elif e.activity == Activity.SHIFT and e.shift:
            key = (e.shift.location.name if e.shift.location else _("Bürgerbüro"), None)
            where = f"{e.shift.name} {e.shift.start_time:%H:%M}–{e.shift.end_time:%H:%M}"
        else:
            continue
        counts[e.activity] += 1
        group = groups.get(key)
        if group is None:
            group = groups[key] = FloorGroup(*key)
        group.people.append((f"{emp.last_name}, {emp.first_name}", where))
    out = sorted(
        groups.values(), key=lambda g: (g.building, g.floor if g.floor is not None else -99)
    )
    for g in out:
        g.people.sort()
    return out, counts


def period_staff_count(period: PlanningPeriod) -> int:
    return Employee.objects.filter(
        municipality_id=period.municipality_id, org_unit__in=period.org_units.all(), active=True
    ).count()


def absence_days(employee_ids, start: date, end: date) -> dict[tuple[int, date], str]:
    """(employee id, day) -> absence kind, for other apps (read-only; staffpool's floor check)."""
    return _absence_kinds(employee_ids, start, end)
