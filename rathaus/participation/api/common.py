"""What every part of the participation API shares: text bounds, the published process, the
participant behind the personal token, and the permission check (problem+json on refusal)."""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthorizationError

from rathaus.core.problems import DomainError, NotFound
from rathaus.participation.models import Participant, Process
from rathaus.participation.selectors import posts as post_selectors
from rathaus.participation.selectors import processes as process_selectors

TOKEN_HEADER = "HTTP_X_PARTICIPATION_TOKEN"


class ProblemOut(Schema):
    """application/problem+json (declared where a personal token can be refused with 403)."""

    type: str
    title: str
    status: int
    detail: str
    code: str


Short = Annotated[str, Field(max_length=300)]
Text = Annotated[str, Field(max_length=6000)]


def public_process_or_404(process_id) -> Process:
    process = process_selectors.public_process(process_id)
    if process is None:
        raise NotFound("not_found", _("Dieses Verfahren wurde nicht gefunden."))
    return process


def token_participant(request, process: Process) -> Participant:
    participant = post_selectors.participant_by_token(request.META.get(TOKEN_HEADER))
    if participant is None or participant.process_id != process.pk:
        raise DomainError(
            "not_participant",
            _("Persönlicher Schlüssel fehlt oder gehört nicht zu diesem Verfahren."),
            status=403,
        )
    return participant


def require_perm(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise AuthorizationError
