"""The presence demo enters its leave as at the loader's ``now`` (``load_demo --now``), so the
plan's conflicts list shows "eingetragen am" on the demo's day, not the real clock's."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from rathaus.core.demo import load_core
from rathaus.presence import demo
from rathaus.presence.models import Absence

# in the past, so that a row dated by the real clock lies after it, whenever the test runs
NOW = datetime(2025, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_enters_its_leave_at_its_own_now():
    demo.load(load_core(now=NOW), now=NOW)
    leave = list(Absence.objects.filter(kind=Absence.Kind.LEAVE))
    assert any(a.note == demo.CHRISTMAS_NOTE for a in leave)
    assert any(a.note == "Urlaub" for a in leave)
    assert {a.created_at for a in leave} == {NOW}
