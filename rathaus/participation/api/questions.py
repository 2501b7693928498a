"""Questions for an event (live Q&A): the public list of a published process's conference, and
asking and supporting with the personal token of a participant of that process (header
``X-Participation-Token``) — under the same phase, audience and consent rules as the page."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from rathaus.core.problems import NotFound
from rathaus.participation import conf, protection
from rathaus.participation.api.common import TOKEN_HEADER, ProblemOut, token_participant
from rathaus.participation.models import EventQuestion, Visibility
from rathaus.participation.selectors import conferences as conference_selectors
from rathaus.participation.selectors import posts as post_selectors
from rathaus.participation.selectors import questions as selectors
from rathaus.participation.services import questions as services
from rathaus.participation.views.common import client_ip

router = Router()


class QuestionOut(Schema):
    id: int
    body: str  # empty for a hidden question (the reason stands in its place)
    hidden_reason: str
    pending: bool  # only the asker sees their own waiting question
    support_count: int
    supported_by_me: bool
    answered: bool
    created_at: str


class QuestionListOut(Schema):
    conference_id: int
    open_for_questions: bool  # the phase of today allows questions and the event is not over
    open: list[QuestionOut]
    answered: list[QuestionOut]
    pending: int  # questions waiting for approval


class QuestionIn(Schema):
    body: Annotated[str, Field(max_length=2000)]


class SupportOut(Schema):
    supported: bool  # False: this participant already supported the question
    support_count: int


def _question_out(question: EventQuestion, supported: set[int]) -> dict:
    hidden = question.visibility == Visibility.HIDDEN
    return {
        "id": question.pk,
        "body": "" if hidden else question.body,
        "hidden_reason": question.moderation_reason if hidden else "",
        "pending": question.visibility == Visibility.PENDING,
        "support_count": question.support_count,
        "supported_by_me": question.pk in supported,
        "answered": question.answered_at is not None,
        "created_at": question.created_at.isoformat(),
    }


def _optional_participant(request, process):
    participant = post_selectors.participant_by_token(request.META.get(TOKEN_HEADER))
    return participant if participant and participant.process_id == process.pk else None


@router.get(
    "/conferences/{conference_id}/questions",
    response=QuestionListOut,
    summary="Questions for an event: open ones by support, then the answered ones "
    "(with X-Participation-Token: also one's own waiting questions)",
)
def question_list(request: HttpRequest, conference_id: int):
    conference = conference_selectors.public_conference(conference_id)
    if conference is None:
        raise NotFound("not_found", _("Diese Veranstaltung wurde nicht gefunden."))
    participant = _optional_participant(request, conference.process)
    listing = selectors.question_list(conference, participant)
    supported = selectors.supported_by(participant, conference)
    return {
        "conference_id": conference.pk,
        "open_for_questions": selectors.open_for_questions(conference),
        "open": [_question_out(q, supported) for q in listing.open],
        "answered": [_question_out(q, supported) for q in listing.answered],
        "pending": listing.pending,
    }


@router.post(
    "/conferences/{conference_id}/questions",
    response={201: QuestionOut, 403: ProblemOut},
    summary="Ask a question (header X-Participation-Token; 1,000 characters)",
)
def question_ask(request: HttpRequest, conference_id: int, payload: QuestionIn):
    conference = conference_selectors.public_conference(conference_id)
    if conference is None:
        raise NotFound("not_found", _("Diese Veranstaltung wurde nicht gefunden."))
    participant = token_participant(request, conference.process)
    protection.limit(client_ip(request), scope="post", per_hour=conf.post_limit_per_hour())
    question = services.question_ask(
        conference=conference, participant=participant, body=payload.body
    )
    return Status(201, _question_out(question, set()))


@router.post(
    "/questions/{question_id}/support",
    response={200: SupportOut, 403: ProblemOut},
    summary="Support a question once (header X-Participation-Token)",
)
def question_support(request: HttpRequest, question_id: int):
    question = selectors.public_question(question_id)
    if question is None:
        raise NotFound("not_found", _("Diese Frage wurde nicht gefunden."))
    participant = token_participant(request, question.conference.process)
    supported = services.question_support(question=question, participant=participant)
    question.refresh_from_db(fields=["support_count"])
    return {"supported": supported, "support_count": question.support_count}
