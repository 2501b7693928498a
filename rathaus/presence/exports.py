"""Excel export of a plan (openpyxl) and the employee's iCalendar feed (icalendar)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from rathaus.core.models import Employee
from rathaus.engines.spreadsheet import neutralise_row
from rathaus.presence.models import Activity, PlanningPeriod
from rathaus.presence.selectors.plan import LEGEND, WEEKDAY_SHORT, plan_grid
from rathaus.presence.selectors.published import my_entries

FILLS = {
    Activity.OFFICE: "CFE3F7",
    Activity.HOME: "D8F0D2",
    Activity.SHIFT: "FBE3C2",
    Activity.ABSENT: "F4D0D6",
    Activity.OFF: "EEEEEE",
}


def plan_workbook(period: PlanningPeriod) -> Workbook:
    """Sheet "Plan": people x days with the same letter codes as the grid; sheet "Legende"."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Plan")
    days = period.days
    ws.append(
        [
            _("Personalnummer"),
            _("Name"),
            _("OE"),
            *[f"{WEEKDAY_SHORT[d.weekday()]} {d:%d.%m.%Y}" for d in days],
            _("Homeoffice-Tage"),
            _("Tage vor Ort"),
        ]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for row in plan_grid(period):
        e = row.employee
        ws.append(
            neutralise_row(
                [
                    e.personnel_number,
                    f"{e.last_name}, {e.first_name}",
                    e.org_unit.code,
                    *[c.code for c in row.cells],
                    row.home,
                    row.onsite,
                ]
            )
        )
        for i, c in enumerate(row.cells):
            ws.cell(ws.max_row, 4 + i).fill = PatternFill(
                "solid", fgColor=FILLS.get(c.activity, "FFFFFF")
            )
    ws.freeze_panes = "D2"
    ws.column_dimensions["B"].width = 28
    for i in range(len(days)):
        ws.column_dimensions[get_column_letter(4 + i)].width = 9
    legend = wb.create_sheet(_("Legende"))
    legend.append([_("Kürzel"), _("Bedeutung")])
    for code, _css, text in LEGEND:
        legend.append([code, str(text)])
    legend.append([])
    legend.append(
        neutralise_row(
            [_("Zeitraum"), f"{period.name}: {period.start:%d.%m.%Y}–{period.end:%d.%m.%Y}"]
        )
    )
    legend.append([_("Status"), str(period.get_status_display())])
    return wb


def employee_calendar(employee: Employee) -> bytes:
    """One all-day event per office, home-office and shift day of the published plans."""
    today = timezone.localdate()
    start = today - timedelta(days=90)
    end = today + timedelta(days=366)
    cal = Calendar()
    cal.add("prodid", "-//Rathaus//Arbeitsplan//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Arbeitsplan"))
    stamp = timezone.now()
    for entry, _cell in my_entries(employee, start, end):
        if entry.activity not in (Activity.OFFICE, Activity.HOME, Activity.SHIFT):
            continue
        event = Event()
        event.add("uid", f"presence-{entry.period.pk}-{employee.pk}-{entry.day:%Y%m%d}@rathaus")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
        if entry.activity == Activity.OFFICE and entry.room:
            event.add("summary", _("Büro – Raum %(number)s") % {"number": entry.room.number})
            event.add(
                "location",
                _("%(building)s, Raum %(number)s, Etage %(floor)s")
                % {
                    "building": entry.room.location.name,
                    "number": entry.room.number,
                    "floor": entry.room.floor,
                },
            )
        elif entry.activity == Activity.SHIFT and entry.shift:
            s = entry.shift
            event.add("summary", f"{s.name} {s.start_time:%H:%M}–{s.end_time:%H:%M}")
            if s.location:
                event.add("location", s.location.name)
        else:
            event.add("summary", _("Homeoffice"))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
