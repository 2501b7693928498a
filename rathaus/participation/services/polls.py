"""Polls: single choice, multiple choice, ranking and free text. One ballot per participant
and question (a new ballot replaces the old one). Free-text answers wait for a moderator
before anyone else sees them."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.participation import caching
from rathaus.participation.models import (
    Module,
    Participant,
    Poll,
    PollAnswer,
    PollOption,
    PollVote,
    Visibility,
)
from rathaus.participation.services.common import (
    open_state,
    require_admitted,
    require_participant,
)
from rathaus.participation.text import multi_line

ANSWER_MAX_LENGTH = 2000


def _open_for(poll: Poll, participant: Participant | None, now: datetime) -> Participant:
    state = open_state(poll.process, now, "poll")
    require_participant(participant, poll.process)
    require_admitted(poll.process, state, participant, Module.POLL)
    return participant


def _wrong_kind() -> DomainError:
    return DomainError("poll_kind", _("Diese Frage wird anders beantwortet."), status=409)


def _nothing_chosen(poll: Poll) -> DomainError:
    return DomainError(
        "option_required",
        _("Bitte wählen Sie eine der Antworten aus."),
        errors=[{"field": f"poll_{poll.pk}", "message": _("Pflichtfeld")}],
    )


def _as_ints(values) -> list[int]:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError, OverflowError) as exc:
        raise DomainError("option_invalid", _("Ungültige Antwort.")) from exc


def _replace_ballot(poll: Poll, participant: Participant, votes: list[PollVote]) -> list[PollVote]:
    PollVote.objects.filter(poll=poll, participant=participant).delete()
    caching.bump(poll.process_id)
    return PollVote.objects.bulk_create(votes)


@transaction.atomic
def poll_vote(
    *,
    poll: Poll,
    participant: Participant | None,
    option_ids: list[int],
    now: datetime | None = None,
) -> list[PollVote]:
    """Single or multiple choice."""
    participant = _open_for(poll, participant, now_or(now))
    if poll.kind not in (Poll.Kind.SINGLE, Poll.Kind.MULTIPLE):
        raise _wrong_kind()
    ids = sorted(set(_as_ints(option_ids)))
    options = list(PollOption.objects.filter(poll=poll, pk__in=ids))
    if not ids or len(options) != len(ids):
        raise _nothing_chosen(poll)
    if len(ids) > 1 and poll.kind == Poll.Kind.SINGLE:
        raise DomainError("single_choice", _("Bei dieser Frage ist nur eine Antwort möglich."))
    return _replace_ballot(
        poll,
        participant,
        [
            PollVote(
                municipality_id=poll.municipality_id, poll=poll, option=o, participant=participant
            )
            for o in options
        ],
    )


def _checked_ranks(poll: Poll, ranks: dict) -> dict[int, int]:
    """``{option id: place}`` with places 1…n, each at most once; unranked options left out."""
    option_ids = set(PollOption.objects.filter(poll=poll).values_list("pk", flat=True))
    places = _as_ints(v if v not in ("", None) else 0 for v in ranks.values())
    chosen = {k: v for k, v in zip(_as_ints(ranks), places, strict=True) if v}
    if not chosen:
        raise _nothing_chosen(poll)
    if not set(chosen) <= option_ids or not all(1 <= r <= len(option_ids) for r in chosen.values()):
        raise DomainError("option_invalid", _("Ungültige Antwort."))
    if len(set(chosen.values())) != len(chosen):
        raise DomainError(
            "rank_twice",
            _("Jeder Platz darf nur einmal vergeben werden."),
            errors=[{"field": f"poll_{poll.pk}", "message": _("Platz doppelt vergeben")}],
        )
    return chosen


@transaction.atomic
def poll_rank(
    *,
    poll: Poll,
    participant: Participant | None,
    ranks: dict,
    now: datetime | None = None,
) -> list[PollVote]:
    """A ranking: ``ranks`` maps option ids to places (1 = first choice; 0 or empty = not
    ranked). Places must not repeat; not every option needs a place."""
    participant = _open_for(poll, participant, now_or(now))
    if poll.kind != Poll.Kind.RANKING:
        raise _wrong_kind()
    chosen = _checked_ranks(poll, ranks)
    return _replace_ballot(
        poll,
        participant,
        [
            PollVote(
                municipality_id=poll.municipality_id,
                poll=poll,
                option_id=option_id,
                participant=participant,
                rank=rank,
            )
            for option_id, rank in sorted(chosen.items(), key=lambda item: item[1])
        ],
    )


@transaction.atomic
def poll_answer(
    *,
    poll: Poll,
    participant: Participant | None,
    body: str,
    now: datetime | None = None,
) -> PollAnswer:
    """A free-text answer; a new one replaces the old and waits for the moderators again."""
    now = now_or(now)
    participant = _open_for(poll, participant, now)
    if poll.kind != Poll.Kind.TEXT:
        raise _wrong_kind()
    text = multi_line(
        body, field=f"poll_{poll.pk}", label=_("Antwort"), max_length=ANSWER_MAX_LENGTH
    )
    answer, _created = PollAnswer.objects.update_or_create(
        poll=poll,
        participant=participant,
        defaults={
            "municipality_id": poll.municipality_id,
            "body": text,
            "visibility": Visibility.PENDING,
            "moderation_reason": "",
            "moderated_at": None,
            "created_at": now,
        },
    )
    caching.bump(poll.process_id)
    return answer


@transaction.atomic
def poll_answer_moderate(
    *,
    actor,
    answer: PollAnswer,
    publish: bool,
    reason: str = "",
    now: datetime | None = None,
) -> PollAnswer:
    """Publish a free-text answer, or keep it from the public with a reason (kept for staff)."""
    before = audit.snapshot(answer)
    if publish:
        answer.visibility, answer.moderation_reason = Visibility.PUBLISHED, ""
    else:
        answer.visibility = Visibility.HIDDEN
        answer.moderation_reason = multi_line(
            reason, field="reason", label=_("Begründung"), max_length=2000
        )
    answer.moderated_at = now_or(now)
    answer.save(update_fields=["visibility", "moderation_reason", "moderated_at"])
    caching.bump(answer.poll.process_id)
    audit.record(
        actor=actor,
        instance=answer,
        action="publish" if publish else "hide",
        before=before,
        after=audit.snapshot(answer),
    )
    return answer
