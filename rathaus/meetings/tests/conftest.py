import pytest

from rathaus.meetings.tests.factories import crisis_staff, office_user


@pytest.fixture
def staff(town):
    body, people = crisis_staff(town)
    return body, people


@pytest.fixture
def office(town):
    return office_user(town)
