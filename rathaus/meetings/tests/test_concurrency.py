"""Two writers on the same agenda item at once (PostgreSQL): one wins, the other gets the
winner's text back — no text is ever lost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from rathaus.core.problems import DomainError
from rathaus.core.tests.racing import race
from rathaus.meetings.models import AgendaItem
from rathaus.meetings.services import minutes as services
from rathaus.meetings.tests.factories import meeting_at


def _outcome_of(exc):
    """A lost write comes back as the winner's text; other refusals by their code."""
    if isinstance(exc, services.MinutesConflict):
        return ("conflict", exc.item.discussion)
    if isinstance(exc, DomainError):
        return exc.code
    raise exc


def _race(*calls):
    return race(*calls, outcome_of=_outcome_of)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_race_and_nothing_is_lost(staff):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    body, _ = staff
    meeting = meeting_at(body, timezone.now() - timedelta(minutes=10))
    item = services.agenda_item_add(actor=None, body=body, meeting=meeting, title="Lage")
    for round_ in range(5):
        base = AgendaItem.objects.get(pk=item.pk).version
        texts = [f"Anna {round_}", f"Ben {round_}"]
        outcomes = _race(
            *[
                (
                    lambda t=t, base=base: (
                        services.minutes_save(
                            actor=None,
                            item=AgendaItem.objects.get(pk=item.pk),
                            text=t,
                            base_version=base,
                        ).discussion
                    )
                )
                for t in texts
            ]
        )
        winners = [o for o in outcomes if isinstance(o, str)]
        losers = [o for o in outcomes if isinstance(o, tuple)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert losers[0] == ("conflict", winners[0])  # the loser sees exactly what won
        stored = AgendaItem.objects.get(pk=item.pk)
        assert stored.discussion == winners[0] and stored.version == base + 1
