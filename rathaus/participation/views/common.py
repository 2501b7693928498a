"""Helpers of the participation views: the participant of this browser session, client IP."""

from __future__ import annotations

from rathaus.participation.models import Participant, Process
from rathaus.participation.selectors.posts import participant_by_id

SESSION_KEY = "participation"


def client_ip(request) -> str:
    """The peer address (a reverse proxy must set REMOTE_ADDR); X-Forwarded-For is not trusted."""
    return request.META.get("REMOTE_ADDR", "")


def session_participant(request, process: Process) -> Participant | None:
    ids = request.session.get(SESSION_KEY) or {}
    participant_id = ids.get(str(process.pk)) if isinstance(ids, dict) else None
    return participant_by_id(participant_id, process) if participant_id else None


def remember_participant(request, participant: Participant) -> None:
    ids = request.session.get(SESSION_KEY)
    ids = dict(ids) if isinstance(ids, dict) else {}
    ids[str(participant.process_id)] = participant.pk
    request.session[SESSION_KEY] = ids


def forget_participant(request, process_id: int) -> None:
    ids = request.session.get(SESSION_KEY)
    if isinstance(ids, dict) and str(process_id) in ids:
        ids = dict(ids)
        ids.pop(str(process_id))
        request.session[SESSION_KEY] = ids
