"""Schemathesis against our own OpenAPI spec (appointments routes): never a server error.

Bounded: a few examples per operation, no shrinking, so the run stays well under a minute.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from rathaus.appointments.tests.helpers import make_office

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex=r"^/api/v1/appointments/(?!staff/)"
)


@pytest.fixture
def office(db, town):
    # like Django's test client: keep the test transaction's connection open across requests
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield make_office(town, counters=2)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_appointments_api_never_answers_5xx(case, office):
    case.call_and_validate(checks=[not_a_server_error])
