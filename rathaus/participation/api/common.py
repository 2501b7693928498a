"""What every part of the participation API shares: text bounds, the published process, the
participant behind the personal token, and the permission check (problem+json on refusal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthorizationError

from rathaus.core.problems import DomainError, NotFound
from rathaus.participation.models import Participant, Process
from rathaus.participation.selectors import posts as post_selectors
from rathaus.participation.selectors import processes as process_selectors

TOKEN_HEADER = "HTTP_X_PARTICIPATION_TOKEN"
T = TypeVar("T")


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


def own_record(request, header: str, find: Callable[[str], T | None], *, code: str, message: str):
    """The caller's own record behind the personal token in the request header ``header``
    (``find(value)``; values longer than 500 characters are not looked up), else a German 403
    with ``code`` and ``message``."""
    value = request.META.get(header, "")
    record = find(value) if 0 < len(value) <= 500 else None
    if record is None:
        raise DomainError(code, message, status=403)
    return record


def token_participant(request, process: Process) -> Participant:
    return own_record(
        request,
        TOKEN_HEADER,
        lambda token: post_selectors.participant_in(process, token),
        code="not_participant",
        message=_("Persönlicher Schlüssel fehlt oder gehört nicht zu diesem Verfahren."),
    )


def require_perm(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise AuthorizationError
