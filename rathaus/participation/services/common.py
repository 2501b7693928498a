"""Helpers every participation service shares."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.problems import DomainError
from rathaus.participation.models import Participant, Process
from rathaus.participation.selectors.audience import rule_for
from rathaus.participation.selectors.consent import outdated
from rathaus.participation.selectors.processes import PhaseState, phase_state
from rathaus.participation.selectors.rules import ProcessRules, rules_of


def admitted_state(
    process: Process, participant: Participant | None, now: datetime, need: str, module: str
) -> PhaseState:
    """What every citizen's post checks, in this order, with the rules read once: the phase
    allows ``need``, the participant belongs to the process and accepted the consent texts in
    force, the audience of ``module`` includes them. Returns the current phase."""
    rules = rules_of(process)
    state = open_state(process, now, need, rules)
    checked = require_participant(participant, process, rules)
    require_admitted(process, state, checked, module, rules)
    return state


def open_state(
    process: Process, now: datetime, need: str, rules: ProcessRules | None = None
) -> PhaseState:
    """The current phase; a German 409 unless it allows ``need`` (ideas/comments/support/poll)."""
    if not process.published:
        raise DomainError("not_found", _("Dieses Verfahren wurde nicht gefunden."), status=404)
    rules = rules or rules_of(process)
    state = phase_state(process, timezone.localdate(now), list(rules.phases))
    if not getattr(state, need):
        raise DomainError(
            "phase_closed",
            _("In der aktuellen Phase ist das nicht möglich. Der Zeitplan steht auf der Seite."),
            status=409,
        )
    return state


def require_participant(
    participant: Participant | None, process: Process, rules: ProcessRules | None = None
) -> Participant:
    if participant is None or participant.process_id != process.pk:
        raise DomainError(
            "not_participant",
            _("Bitte melden Sie sich zuerst für dieses Verfahren an (Schritt „Mitmachen“)."),
            status=403,
        )
    require_current_consent(participant, texts=(rules or rules_of(process)).consent_texts)
    return participant


def require_current_consent(
    participant: Participant, now: datetime | None = None, texts=None
) -> None:
    """A German 409 when the municipality published a new version of a consent text since
    the participant accepted it: they confirm it once more, then go on (``texts``: see
    ``consent.outdated``)."""
    missing = outdated(participant, now, texts)
    if missing:
        raise DomainError(
            "consent_outdated",
            _(
                "Die Stadt hat %(texts)s geändert. Bitte lesen und bestätigen Sie die neue "
                "Fassung, bevor Sie weiter mitmachen."
            )
            % {"texts": ", ".join(f"„{t.title}“ (Version {t.version})" for t in missing)},
            status=409,
        )


def require_admitted(
    process: Process,
    state: PhaseState,
    participant: Participant,
    module: str,
    rules: ProcessRules | None = None,
) -> None:
    """A German 403 unless the audience of ``module`` includes ``participant``; official
    posts of staff never come here."""
    rule = rule_for(process, state, module, (rules or rules_of(process)).audiences.get(module))
    code = rule.refusal_of(participant)
    if code:
        raise DomainError("outside_module_audience", rule.message(code), status=403)
