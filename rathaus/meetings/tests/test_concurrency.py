"""Two writers on the same agenda item at once (PostgreSQL): one wins, the other gets the
winner's text back — no text is ever lost."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from rathaus.core.problems import DomainError
from rathaus.meetings.models import AgendaItem
from rathaus.meetings.services import minutes as services
from rathaus.meetings.tests.factories import meeting_at


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            outcomes[i] = fn()
        except services.MinutesConflict as exc:
            outcomes[i] = ("conflict", exc.item.discussion)
        except DomainError as exc:
            outcomes[i] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return outcomes


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
