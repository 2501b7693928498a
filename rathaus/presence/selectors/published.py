"""Published plans as employees see them: my days, who is on site today."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from rathaus.core.models import Employee, Room
from rathaus.core.tenancy import municipality_ids_for
from rathaus.presence.models import Activity, CalendarToken, PlanningPeriod, PlanVersion, ShiftType
from rathaus.presence.selectors.absences import absence_days
from rathaus.presence.selectors.plan import Cell, cell_of


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
    absences = absence_days([employee.pk], start, end)
    out = []
    for e in entries:
        absence = absences.get((employee.pk, e.day))
        # An absence entered after publishing wins over the planned work of that day.
        activity = Activity.ABSENT if absence else e.activity
        out.append((e, cell_of(activity, e.day, e.room, e.shift, absence)))
    return out


@dataclass
class FloorGroup:
    building: str
    floor: int | None
    people: list[tuple[str, str]] = field(default_factory=list)  # (name, where)


def today_presence(user, day: date) -> tuple[list[FloorGroup], dict[str, int]]:
    ids = municipality_ids_for(user)
    entries = published(ids, day, day)
    emps = Employee.objects.filter(municipality_id__in=ids).in_bulk(
        {e.employee_id for e in entries}
    )
    absent = absence_days(list(emps), day, day)
    groups: dict[tuple[str, int | None], FloorGroup] = {}
    counts = {"office": 0, "shift": 0, "home": 0, "absent": 0}
    for e in entries:
        emp = emps.get(e.employee_id)
        if emp is None:
            continue
        # An absence entered after publishing: not on site, whatever the plan says.
        activity = Activity.ABSENT if (e.employee_id, day) in absent else e.activity
        if activity in (Activity.HOME, Activity.ABSENT):
            counts[activity] += 1
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


def calendar_token_of(employee: Employee | None) -> CalendarToken | None:
    """The employee's calendar-feed token; publishing a plan gives every planned person one."""
    if employee is None:
        return None
    return CalendarToken.objects.filter(employee=employee).first()


def calendar_feed_owner(token: str) -> Employee | None:
    """The active employee whose secret feed address this is, else None."""
    feed = CalendarToken.objects.select_related("employee").filter(token=token[:64]).first()
    if feed is None or not feed.employee.active:
        return None
    return feed.employee
