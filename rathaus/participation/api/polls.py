"""Polls and surveys: results of a published process (votes, Borda points, published free-text
answers) and the ballot of a participant (header ``X-Participation-Token``)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from rathaus.core.problems import NotFound
from rathaus.participation.api.common import ProblemOut, public_process_or_404, token_participant
from rathaus.participation.models import Poll
from rathaus.participation.selectors import polls as poll_selectors
from rathaus.participation.selectors.polls import PollResult
from rathaus.participation.services import polls as poll_services

router = Router()


class OptionOut(Schema):
    id: int
    label: str
    votes: int
    percent: int
    points: int  # Borda points (ranking questions)
    first_places: int


class PollOut(Schema):
    id: int
    question: str
    kind: str
    kind_label: str
    voters: int
    options: list[OptionOut]
    answers: list[str]  # free text: published answers only
    pending_answers: int


class BallotIn(Schema):
    """Single/multiple choice: ``option_ids``; ranking: ``ranks`` (option id → place, 1 = first;
    options left out stay unranked); free text: ``text``."""

    option_ids: Annotated[list[int], Field(max_length=50)] = []
    ranks: Annotated[dict[int, int], Field(max_length=50)] = {}
    text: Annotated[str, Field(max_length=2000)] = ""


def _poll_out(result: PollResult) -> dict:
    poll = result.poll
    return {
        "id": poll.pk,
        "question": poll.question,
        "kind": poll.kind,
        "kind_label": poll.get_kind_display(),
        "voters": result.voters,
        "options": [
            {
                "id": o.id,
                "label": o.label,
                "votes": o.votes,
                "percent": o.percent,
                "points": o.points,
                "first_places": o.first_places,
            }
            for o in result.options
        ],
        "answers": [a.body for a in result.answers],
        "pending_answers": result.pending,
    }


@router.get("/processes/{process_id}/polls", response=list[PollOut], summary="Polls with results")
def poll_list(request: HttpRequest, process_id: int):
    process = public_process_or_404(process_id)
    return [_poll_out(r) for r in poll_selectors.poll_results(process)]


@router.post(
    "/processes/{process_id}/polls/{poll_id}/ballot",
    response={200: PollOut, 403: ProblemOut},
    summary="Vote, rank or answer (header X-Participation-Token); a new ballot replaces the old",
)
def ballot(request: HttpRequest, process_id: int, poll_id: int, payload: BallotIn):
    process = public_process_or_404(process_id)
    participant = token_participant(request, process)
    poll = poll_selectors.poll_of(process, poll_id)
    if poll is None:
        raise NotFound("not_found", _("Diese Umfrage wurde nicht gefunden."))
    if poll.kind == Poll.Kind.RANKING:
        poll_services.poll_rank(poll=poll, participant=participant, ranks=payload.ranks)
    elif poll.kind == Poll.Kind.TEXT:
        poll_services.poll_answer(poll=poll, participant=participant, body=payload.text)
    else:
        poll_services.poll_vote(poll=poll, participant=participant, option_ids=payload.option_ids)
    result = next(r for r in poll_selectors.poll_results(process) if r.poll.pk == poll.pk)
    return _poll_out(result)
