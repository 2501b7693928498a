"""Schemathesis against our own OpenAPI spec (meetings routes, as the meetings office with a
bearer token): never a server error. Bounded: a few examples per operation, no shrinking."""

from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from rathaus.core.api.auth import hash_token
from rathaus.core.models import ApiToken
from rathaus.meetings.services import minutes
from rathaus.meetings.tests.factories import crisis_staff, meeting_at, office_user

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex=r"^/api/v1/meetings/"
)
RAW = "fuzz-token-meetings-0123456789"


@pytest.fixture
def office_token(db, town):
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    body, _ = crisis_staff(town)
    m = meeting_at(body, timezone.now() + timedelta(hours=1))
    minutes.agenda_item_add(actor=None, body=body, meeting=m, title="Lage")
    user = office_user(town)
    ApiToken.objects.create(user=user, name="fuzz", token_hash=hash_token(RAW))
    yield RAW
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
def test_meetings_api_never_answers_5xx(case, office_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {office_token}"}, checks=[not_a_server_error]
    )
