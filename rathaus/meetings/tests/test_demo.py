"""Demo data: Musterstadt's staffs and council show real work whatever the hour; idempotent."""

import pytest
from django.utils import timezone

from rathaus.core.demo import load_core
from rathaus.meetings import demo, selectors
from rathaus.meetings.models import AgendaItem, Assignment, Body, Consultation, Meeting, Paper
from rathaus.meetings.services import maintenance

pytestmark = pytest.mark.django_db


def test_demo_shows_past_present_and_future_and_loads_once():
    town = load_core()
    demo.load(town)
    counts = (Body.objects.count(), Meeting.objects.count(), Assignment.objects.count())
    demo.load(town)
    assert (Body.objects.count(), Meeting.objects.count(), Assignment.objects.count()) == counts

    now = timezone.now()
    crisis = Body.objects.get(municipality=town, name=demo.CRISIS)
    series = crisis.series.get()
    assert series.rule == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
    days = {timezone.localtime(m.start).weekday() for m in series.meetings.filter(moved_from=None)}
    assert days == {0, 2, 4}
    assert crisis.meetings.filter(start__lte=now, end__gt=now).exists()  # one running now
    assert crisis.meetings.filter(end__lt=now, minutes_status="circulated").exists()
    assert crisis.meetings.filter(end__lt=now, minutes_status="approved").exists()
    assert crisis.meetings.filter(start__gt=now).count() > 20
    assert crisis.memberships.filter(function="S2 Lage").count() == 3
    running = crisis.meetings.get(start__lte=now, end__gt=now)
    s4_lead = crisis.memberships.get(function="S4 Versorgung", rank=1)
    quorum = selectors.quorum(running)
    assert quorum.stand_ins[s4_lead.pk].function == "S4 Versorgung"  # the 1st deputy is there
    assert quorum.quorate
    assert AgendaItem.objects.filter(kind="follow_up", meeting__start__gt=now).exists()
    assert maintenance.assignments_carry_overdue(now=now) == 0  # already carried

    future = Body.objects.get(municipality=town, name=demo.FUTURE)
    assert future.memberships.filter(employee=None).count() == 2  # external managing directors
    workshop = future.meetings.filter(end__lt=now).get()
    assert (workshop.end - workshop.start).total_seconds() == 4.5 * 3600
    assert (
        workshop.items.count() == 3 and workshop.items.filter(decisions__isnull=False).count() == 3
    )
    assert Paper.objects.filter(municipality=town).count() == 2
    assert Consultation.objects.filter(deadline__gte=timezone.localdate()).count() == 4
    retreat = Meeting.objects.get(title__startswith="Klausurtagung")
    assert retreat.end.date() > retreat.start.date()
