import pytest
from django.core.cache import cache

from rathaus.meetings.tests.factories import crisis_staff, office_user


@pytest.fixture(autouse=True)
def _fresh_cache():
    # rendered fragments and OParl counts live in the (process-local) cache between tests
    cache.clear()


@pytest.fixture
def staff(town):
    body, people = crisis_staff(town)
    return body, people


@pytest.fixture
def office(town):
    return office_user(town)
