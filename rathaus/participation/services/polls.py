"""Polls: single or multiple choice; one ballot per participant (a new ballot replaces it)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.participation import caching
from rathaus.participation.models import Participant, Poll, PollOption, PollVote
from rathaus.participation.services.common import open_state, require_participant


@transaction.atomic
def poll_vote(
    *,
    poll: Poll,
    participant: Participant | None,
    option_ids: list[int],
    now: datetime | None = None,
) -> list[PollVote]:
    now = now_or(now)
    open_state(poll.process, now, "poll")
    require_participant(participant, poll.process)
    try:
        ids = sorted({int(i) for i in option_ids})
    except (TypeError, ValueError, OverflowError) as exc:
        raise DomainError("option_invalid", _("Ungültige Antwort.")) from exc
    options = list(PollOption.objects.filter(poll=poll, pk__in=ids))
    if not ids or len(options) != len(ids):
        raise DomainError(
            "option_required",
            _("Bitte wählen Sie eine der Antworten aus."),
            errors=[{"field": f"poll_{poll.pk}", "message": _("Pflichtfeld")}],
        )
    if len(ids) > 1 and not poll.multiple:
        raise DomainError("single_choice", _("Bei dieser Frage ist nur eine Antwort möglich."))
    PollVote.objects.filter(poll=poll, participant=participant).delete()
    caching.bump(poll.process_id)
    return PollVote.objects.bulk_create(
        PollVote(municipality_id=poll.municipality_id, poll=poll, option=o, participant=participant)
        for o in options
    )
