"""The staff pool's demo is loaded as at the loader's ``now`` (``load_demo --now``): its
members, requests, offers, secondments and the helpers' absences are dated before that
moment and near it, never at the real clock's date."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rathaus.core.demo import load_core
from rathaus.presence.models import Absence
from rathaus.staffpool import demo
from rathaus.staffpool.models import CaseOffer, PoolMember, Secondment, StaffRequest

# in the past, so that a row dated by the real clock lies after it, whenever the test runs
NOW = datetime(2025, 3, 17, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
# the demo's oldest rows: members who joined ten weeks ago, the secondment of nine weeks ago
OLDEST = NOW - timedelta(days=90)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_dates_its_pool_rows_and_the_helpers_absences_at_its_own_now():
    demo.load(load_core(now=NOW), now=NOW)
    for model in (PoolMember, StaffRequest, CaseOffer, Secondment):
        dates = list(model.objects.values_list("created_at", flat=True))
        assert dates, model.__name__
        assert all(OLDEST <= d <= NOW for d in dates), (model.__name__, max(dates))
    seconded = list(Absence.objects.filter(kind=Absence.Kind.SECONDED))
    assert seconded  # the finished and the running secondment were accepted
    assert all(OLDEST <= a.created_at <= NOW for a in seconded), max(a.created_at for a in seconded)
