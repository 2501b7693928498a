"""Change-log summaries of elections are written in the language of the request."""

import pytest
from django.utils import translation

from rathaus.core.models import AuditEntry
from rathaus.elections.services.elections import election_update

from ..conftest import SUNDAY, make_election

pytestmark = pytest.mark.django_db


def _summary(election) -> str:
    return (
        AuditEntry.objects.filter(
            object_type="elections.Election", object_id=str(election.pk), action="update"
        )
        .latest("pk")
        .summary
    )


def _update(election, officer):
    return election_update(
        election=election,
        actor=officer,
        title="Landratswahl 2025",
        date=SUNDAY,
        kind=election.kind,
        candidates=[("Anna Alt", "CDU"), ("Bernd Bau", "SPD")],
    )


def test_election_update_summary_follows_the_active_language(town, officer_a):
    election = make_election(town)
    with translation.override("en"):
        _update(election, officer_a)
        assert _summary(election) == (
            "Election changed: Landratswahl 2025; candidates: Anna Alt, Bernd Bau"
        )
    with translation.override("de"):
        _update(election, officer_a)
        assert (
            _summary(election) == "Wahl geändert: Landratswahl 2025; Bewerber: Anna Alt, Bernd Bau"
        )
