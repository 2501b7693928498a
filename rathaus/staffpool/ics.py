"""A secondment's shift pattern as calendar events (.ics) for the helper.

The request states hours per week, shift work and weekend work; the pattern follows from
them, one event per working day:

* working days are Monday–Friday, or every day of the week when the request asks for
  weekends; the hours per week are spread evenly over them (rounded to quarter hours);
* a day shift starts at 08:00; with shift work the weeks alternate between the early shift
  (06:00) and the late shift (14:00), starting early in the first week;
* public holidays of the helper's home state (the lending town's ``federal_state``, from the
  ``holidays`` package as everywhere in Rathaus) carry no shift; the calendar marks them
  with an all-day, free ("transparent") event so the helper sees why the day is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from rathaus.staffpool.models import Secondment

BERLIN = ZoneInfo("Europe/Berlin")
DAY_SHIFT, EARLY_SHIFT, LATE_SHIFT = time(8, 0), time(6, 0), time(14, 0)


@dataclass(frozen=True)
class Shift:
    day: date
    start: datetime
    end: datetime
    label: str


def _minutes_per_day(hours_per_week: Decimal, days: int) -> int:
    quarters = round(Decimal(hours_per_week) * 4 / days)
    return int(quarters) * 15


def _begin(shift_work: bool, week: int) -> tuple[time, str]:
    """When the duty of the `week`-th week (0 = the first) begins, and its name."""
    if not shift_work:
        return DAY_SHIFT, _("Dienst")
    if week % 2 == 0:
        return EARLY_SHIFT, _("Frühschicht")
    return LATE_SHIFT, _("Spätschicht")


def home_holidays(secondment: Secondment) -> dict[date, str]:
    """Public holidays (day → name) of the helper's home state during the secondment."""
    state = secondment.municipality.federal_state
    if state not in holidays.Germany.subdivisions:
        return {}
    years = range(secondment.start.year, secondment.end.year + 1)
    calendar = holidays.country_holidays("DE", subdiv=state, years=years, language="de")
    return {d: name for d, name in calendar.items() if secondment.start <= d <= secondment.end}


def shift_pattern(secondment: Secondment) -> list[Shift]:
    """The helper's shifts from the first to the last day of the secondment."""
    request = secondment.request
    free = home_holidays(secondment)
    days = 7 if request.weekends else 5
    minutes = _minutes_per_day(secondment.hours_per_week, days)
    first_monday = secondment.start - timedelta(days=secondment.start.weekday())
    shifts = []
    d = secondment.start
    while d <= secondment.end:
        if d.weekday() < days and minutes > 0 and d not in free:
            begin, label = _begin(request.shifts, (d - first_monday).days // 7)
            start = datetime.combine(d, begin, tzinfo=BERLIN)
            shifts.append(Shift(d, start, start + timedelta(minutes=minutes), label))
        d += timedelta(days=1)
    return shifts


def secondment_calendar(secondment: Secondment) -> bytes:
    """One event per shift, with where (site or remote) and for whom."""
    request = secondment.request
    cal = Calendar()
    cal.add("prodid", "-//Rathaus//Personalpool//DE")
    cal.add("version", "2.0")
    place = _("mobil (remote)") if request.remote else f"{request.site} {request.site_postcode}"
    for shift in shift_pattern(secondment):
        event = Event()
        event.add("uid", f"abordnung-{secondment.pk}-{shift.day:%Y%m%d}@rathaus")
        event.add(
            "summary",
            _("%(shift)s: Abordnung %(title)s") % {"shift": shift.label, "title": request.title},
        )
        event.add("dtstart", shift.start)
        event.add("dtend", shift.end)
        event.add("location", place.strip())
        event.add("description", request.requester_name)
        cal.add_component(event)
    for day, name in sorted(home_holidays(secondment).items()):
        cal.add_component(_holiday_event(secondment, day, name))
    return cal.to_ical()


def _holiday_event(secondment: Secondment, day: date, name: str) -> Event:
    event = Event()
    event.add("uid", f"abordnung-{secondment.pk}-{day:%Y%m%d}-feiertag@rathaus")
    event.add("summary", _("Feiertag (%(name)s): kein Dienst") % {"name": name})
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event
