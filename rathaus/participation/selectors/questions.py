"""Reads of the questions for an event: the public list (open questions by support, then the
answered ones; hidden ones as a placeholder with the reason; pending ones only to their asker),
the participant's own supports, and single questions for moderators (scoped)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from rathaus.core.tenancy import get_scoped_or_404
from rathaus.participation.models import (
    Conference,
    EventQuestion,
    EventQuestionSupport,
    Participant,
    Visibility,
)
from rathaus.participation.selectors.processes import phase_state


@dataclass(frozen=True)
class QuestionList:
    open: list[EventQuestion]
    answered: list[EventQuestion]
    pending: int  # waiting for approval (count only, for staff and the public)


def question_list(conference: Conference, participant: Participant | None = None) -> QuestionList:
    visible = Q(visibility__in=[Visibility.PUBLISHED, Visibility.HIDDEN])
    if participant is not None:
        visible |= Q(participant=participant)
    rows = list(
        EventQuestion.objects.filter(conference=conference)
        .filter(visible)
        .order_by("-support_count", "created_at", "pk")
    )
    pending = EventQuestion.objects.filter(
        conference=conference, visibility=Visibility.PENDING
    ).count()
    return QuestionList(
        open=[q for q in rows if q.answered_at is None],
        answered=sorted(
            (q for q in rows if q.answered_at), key=lambda q: q.answered_at, reverse=True
        ),
        pending=pending,
    )


def supported_by(participant: Participant | None, conference: Conference) -> set[int]:
    if participant is None:
        return set()
    return set(
        EventQuestionSupport.objects.filter(
            participant=participant, question__conference=conference
        ).values_list("question_id", flat=True)
    )


def public_question(question_id) -> EventQuestion | None:
    try:
        return (
            EventQuestion.objects.select_related("conference__process")
            .filter(conference__process__published=True)
            .get(pk=int(question_id))
        )
    except (EventQuestion.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def staff_question(user, question_id) -> EventQuestion:
    return get_scoped_or_404(
        EventQuestion.objects.select_related("conference__process"), user, pk=question_id
    )


def pending_questions(conference: Conference) -> list[EventQuestion]:
    return list(
        EventQuestion.objects.filter(conference=conference, visibility=Visibility.PENDING).order_by(
            "created_at", "pk"
        )
    )


def open_for_questions(conference: Conference) -> bool:
    """Whether the phase of today allows questions and the event has not ended."""
    now = timezone.now()
    return phase_state(conference.process, timezone.localdate(now)).questions and (
        conference.ends_at > now
    )
