"""Helpers every participation service shares."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.problems import DomainError
from rathaus.participation.models import Participant, Process
from rathaus.participation.selectors.processes import PhaseState, phase_state


def open_state(process: Process, now: datetime, need: str) -> PhaseState:
    """The current phase; a German 409 unless it allows ``need`` (ideas/comments/support/poll)."""
    if not process.published:
        raise DomainError("not_found", _("Dieses Verfahren wurde nicht gefunden."), status=404)
    state = phase_state(process, timezone.localdate(now))
    if not getattr(state, need):
        raise DomainError(
            "phase_closed",
            _("In der aktuellen Phase ist das nicht möglich. Der Zeitplan steht auf der Seite."),
            status=409,
        )
    return state


def require_participant(participant: Participant | None, process: Process) -> Participant:
    if participant is None or participant.process_id != process.pk:
        raise DomainError(
            "not_participant",
            _("Bitte melden Sie sich zuerst für dieses Verfahren an (Schritt „Mitmachen“)."),
            status=403,
        )
    return participant
