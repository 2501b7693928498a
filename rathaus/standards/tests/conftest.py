from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from rathaus.core.models import Role
from rathaus.standards.models import Metric, Promise
from rathaus.standards.tests import helpers


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rendered tables are cached per region id and version; ids repeat between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(region, town, other_town, today, make_user):
    """Two towns that joined both promises; ``town`` books ID cards late every 2nd time."""
    within, wait = helpers.promises(region)
    for promise in (within, wait):
        helpers.join(promise, town)
        helpers.join(promise, other_town)
    loc_town, rows_town = helpers.history(town, today=today, late_every=2)
    loc_other, rows_other = helpers.history(other_town, today=today, name="Bürgerservice")
    return {
        "within": within,
        "wait": wait,
        "locations": {town.id: loc_town, other_town.id: loc_other},
        "rows": rows_town + rows_other,
        "coordinator": make_user(Role.REGION_COORDINATOR, region=region),
        "clerk": make_user(Role.CLERK, municipality=town),
        "admin": make_user(Role.MUNICIPALITY_ADMIN, municipality=town),
    }


@pytest.fixture
def calls115(world, region, town, other_town):
    """The 115 line's promise (not measured here: entered by hand or imported)."""
    promise = Promise.objects.create(
        region=region,
        code="115-30s",
        title="115: 75 % in 30 Sekunden",
        metric=Metric.CALLS_30S,
        threshold=30,
        target_percent=75,
        min_cases=100,
        definition="Anteil der Anrufe, die innerhalb von 30 Sekunden angenommen werden.",
        agreed_by="Region",
        agreed_on=date(2026, 1, 1),
    )
    for m in (town, other_town):
        helpers.join(promise, m)
    return promise


@pytest.fixture
def second(town, make_user):
    """A second person of ``town`` who may confirm figures (the leadership)."""
    return make_user(Role.LEADERSHIP, municipality=town)
