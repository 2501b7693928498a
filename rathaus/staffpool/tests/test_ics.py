"""The helper's calendar: one event per shift, following the request's shift pattern."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar

from rathaus.staffpool.ics import BERLIN, secondment_calendar, shift_pattern
from rathaus.staffpool.services import matching, requests

from .conftest import MONDAY, NOW, request_data

pytestmark = pytest.mark.django_db


def _proposed(pool, **data):
    pool.member(pool.other, shifts=True, weekends=True)
    req = requests.request_create(
        actor=pool.coordinator, municipality=pool.town, data=request_data(slots=1, **data), now=NOW
    )
    matching.request_match(actor=pool.coordinator, requests=[req], now=NOW)
    return req.secondments.get()


def test_office_hours_are_one_event_per_working_day_from_eight(pool):
    s = _proposed(pool)
    shifts = shift_pattern(s)
    assert [x.day for x in shifts][:5] == [MONDAY + timedelta(days=i) for i in range(5)]
    assert len(shifts) == 10 and all(x.day.weekday() < 5 for x in shifts)
    first = shifts[0]
    assert first.start == datetime.combine(MONDAY, time(8, 0), tzinfo=BERLIN)
    assert first.end - first.start == timedelta(hours=7, minutes=45)  # 39 h over 5 days


def test_shift_work_alternates_early_and_late_weeks_and_weekends_add_days(pool):
    s = _proposed(pool, shifts=True, weekends=True, end=MONDAY + timedelta(days=13))
    shifts = shift_pattern(s)
    assert len(shifts) == 14  # every day of two weeks
    assert {x.start.time() for x in shifts[:7]} == {time(6, 0)}
    assert {x.start.time() for x in shifts[7:]} == {time(14, 0)}
    assert shifts[0].label == "Frühschicht" and shifts[7].label == "Spätschicht"


def test_the_ics_holds_each_shift_with_a_stable_uid(pool):
    s = _proposed(pool)
    events = Calendar.from_ical(secondment_calendar(s)).walk("VEVENT")
    assert len(events) == 10
    assert str(events[0]["uid"]) == f"abordnung-{s.pk}-{MONDAY:%Y%m%d}@rathaus"
    assert "Kontaktnachverfolgung" in str(events[0]["summary"])


def test_home_state_holidays_carry_no_shift_and_are_marked(pool):
    # Corpus Christi 2031 (Thu 12 June) is a public holiday in North Rhine-Westphalia only.
    week = MONDAY.replace(month=6, day=9)
    s = _proposed(pool, start=week, end=week + timedelta(days=4))
    assert s.municipality.federal_state == "NW"
    days = [x.day for x in shift_pattern(s)]
    assert len(days) == 4 and week + timedelta(days=3) not in days
    events = Calendar.from_ical(secondment_calendar(s)).walk("VEVENT")
    marked = [e for e in events if "Feiertag" in str(e["summary"])]
    assert len(marked) == 1 and "Fronleichnam" in str(marked[0]["summary"])
    assert marked[0].decoded("dtstart") == week + timedelta(days=3)
    assert str(marked[0]["transp"]) == "TRANSPARENT"


def test_a_holiday_of_another_state_is_a_working_day(pool):
    pool.other.federal_state = "NI"  # Lower Saxony does not keep Corpus Christi
    pool.other.save()
    week = MONDAY.replace(month=6, day=9)
    s = _proposed(pool, start=week, end=week + timedelta(days=4))
    assert len(shift_pattern(s)) == 5
