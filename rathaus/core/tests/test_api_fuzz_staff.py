"""Schemathesis over the whole API with a staff token: no 5xx, no undocumented status code.

The probe of issue 9 ran schemathesis for 10 minutes; this bounded run (a few examples per
operation, derandomised) is the regression test. A staff user with every role but admin and
a bearer token reaches the staff endpoints, so the tenancy and validation paths are fuzzed
too, not only the 401s.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, status_code_conformance

from config.wsgi import application
from rathaus.appointments.tests.helpers import make_office
from rathaus.core.api.tokens import api_token_issue
from rathaus.core.models import Role

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

STAFF_ROLES = [
    Role.EMPLOYEE,
    Role.TEAM_LEAD,
    Role.PLANNER,
    Role.CLERK,
    Role.ELECTION_OFFICER,
    Role.LEADERSHIP,
]


@pytest.fixture
def staff_token(db, town, make_user):
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    make_office(town, counters=1)
    user = make_user(*STAFF_ROLES, municipality=town, username="fuzz")
    _token, raw = api_token_issue(actor=user, user=user, name="schemathesis")
    yield raw
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("RATHAUS_FUZZ_EXAMPLES", "8")),
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_whole_api_with_a_staff_token(case, staff_token):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {staff_token}"}
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance])


def test_openapi_documents_errors_csv_and_formats(client):
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    days = paths["/api/v1/appointments/availability/days"]["get"]
    assert {"400", "404", "409", "422", "429", "503"} <= set(days["responses"])
    problem = days["responses"]["422"]["content"]["application/problem+json"]
    assert problem["schema"]["$ref"] == "#/components/schemas/Problem"
    staff = paths["/api/v1/presence/my-plan"]["get"]
    assert {"401", "403"} <= set(staff["responses"])
    plan_days = next(p for p in staff["parameters"] if p["name"] == "days")
    assert plan_days["schema"]["maximum"] == 366
    csv = paths["/api/v1/elections/{election_id}/csv"]["get"]["responses"]["200"]
    assert list(csv["content"]) == ["text/csv"]
    waiting = spec["components"]["schemas"]["WaitingListIn"]["properties"]["time_from"]
    assert waiting["pattern"] == r"^([01]\d|2[0-3]):[0-5]\d$"
