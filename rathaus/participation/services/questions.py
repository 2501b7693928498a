"""Questions for an event (live Q&A of a conference or forum): participants ask and support
questions while the process's phase allows questions; moderators mark a question answered,
approve it (pre-moderation) or hide it with a reason. The list is ordered by support."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.participation.models import (
    Conference,
    EventQuestion,
    EventQuestionSupport,
    Module,
    Participant,
    Process,
    Visibility,
)
from rathaus.participation.services.common import (
    open_state,
    require_admitted,
    require_participant,
)
from rathaus.participation.text import multi_line

MAX_QUESTION = 1000


def _open_for(conference: Conference, participant: Participant | None, now: datetime):
    process = conference.process
    state = open_state(process, now, "questions")
    require_participant(participant, process)
    require_admitted(process, state, participant, Module.QUESTIONS)
    if conference.ends_at <= now:
        raise DomainError(
            "event_over",
            _("Die Veranstaltung ist vorbei. Fragen sind nicht mehr möglich."),
            status=409,
        )


@transaction.atomic
def question_ask(
    *,
    conference: Conference,
    participant: Participant | None,
    body: str,
    now: datetime | None = None,
) -> EventQuestion:
    """A new question; under pre-moderation it waits for approval."""
    now = now_or(now)
    _open_for(conference, participant, now)
    body = multi_line(body, field="body", label=_("Frage"), max_length=MAX_QUESTION)
    pre = conference.process.moderation == Process.Moderation.PRE
    question = EventQuestion.objects.create(
        municipality_id=conference.municipality_id,
        conference=conference,
        participant=participant,
        body=body,
        visibility=Visibility.PENDING if pre else Visibility.PUBLISHED,
        created_at=now,
    )
    audit.record(actor=None, instance=question, action="create", summary=conference.title)
    return question


@transaction.atomic
def question_support(
    *, question: EventQuestion, participant: Participant | None, now: datetime | None = None
) -> bool:
    """Support a question once; False if this participant already supports it."""
    now = now_or(now)
    _open_for(question.conference, participant, now)
    if question.visibility != Visibility.PUBLISHED or question.answered_at:
        raise DomainError(
            "question_closed", _("Diese Frage kann nicht mehr unterstützt werden."), status=409
        )
    try:
        with transaction.atomic():
            EventQuestionSupport.objects.create(
                municipality_id=question.municipality_id, question=question, participant=participant
            )
    except IntegrityError:
        return False
    EventQuestion.objects.filter(pk=question.pk).update(support_count=F("support_count") + 1)
    return True


@transaction.atomic
def question_mark_answered(
    *, actor, question: EventQuestion, answered: bool = True, now: datetime | None = None
) -> EventQuestion:
    """A moderator marks a question answered (it moves to the end of the list) or open again."""
    now = now_or(now)
    question.answered_at = now if answered else None
    question.save(update_fields=["answered_at"])
    audit.record(actor=actor, instance=question, action="answered" if answered else "reopened")
    return question


@transaction.atomic
def question_moderate(
    *, actor, question: EventQuestion, publish: bool, reason: str = "", now: datetime | None = None
) -> EventQuestion:
    """Approve (pre-moderation) or hide with a reason; a hidden question shows the reason in
    its place, so the asker and everyone else see why."""
    now_or(now)
    if publish:
        question.visibility = Visibility.PUBLISHED
        question.moderation_reason = ""
    else:
        if not (reason or "").strip():
            raise DomainError(
                "reason_required",
                _("Bitte eine Begründung angeben. Sie wird angezeigt."),
                errors=[{"field": "reason"}],
            )
        reason = multi_line(reason, field="reason", label=_("Begründung"), max_length=2000)
        question.visibility = Visibility.HIDDEN
        question.moderation_reason = reason
    question.save(update_fields=["visibility", "moderation_reason"])
    audit.record(actor=actor, instance=question, action="publish" if publish else "hide")
    return question
