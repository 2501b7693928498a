"""Change-log summaries of closures are written in the language of the request."""

import pytest
from django.utils import translation

from rathaus.appointments.services import closures
from rathaus.appointments.tests.helpers import NOW, at, make_office
from rathaus.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


def _summary(exception) -> str:
    return (
        AuditEntry.objects.filter(object_id=str(exception.pk), action="create")
        .filter(object_type__endswith=type(exception).__name__)
        .latest("pk")
        .summary
    )


def test_closure_summary_follows_the_active_language(town, make_user):
    location, counters, _ausweis, _kfz = make_office(town, counters=2)
    clerk = make_user("clerk", municipality=town)
    with translation.override("en"):
        exception, _outcomes = closures.closure_create(
            location=location, day=at(2, 9).date(), reason="Stromausfall", actor=clerk, now=NOW
        )
        assert _summary(exception) == "Closure of location on 02.03.2027"
    with translation.override("de"):
        exception, _outcomes = closures.closure_create(
            location=location,
            counter=counters[0],
            day=at(3, 9).date(),
            reason="Quarantäne",
            actor=clerk,
            now=NOW,
        )
        assert _summary(exception) == f"Schließung Schalter {counters[0].name} am 03.03.2027"
