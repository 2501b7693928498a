"""A rhythm that follows the situation: series tied to indicators, proposals, a person decides."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import Conflict, DomainError
from rathaus.engines.recurrence.rhythm import Proposal, Signal, propose
from rathaus.meetings import indicators
from rathaus.meetings.models import RhythmProposal, Series
from rathaus.meetings.services.meetings import series_rule_change


@transaction.atomic
def series_indicators_set(*, actor, series: Series, indicator_ids: list[int]) -> Series:
    """Ties the series to indicators of its own municipality (others are refused)."""
    known = {pk for pk, _label in indicators.choices_for(series.municipality_id)}
    wanted = sorted({int(i) for i in indicator_ids})
    if any(i not in known for i in wanted):
        raise DomainError(
            "indicator_unknown",
            _("Diese Kennzahl gibt es in dieser Kommune nicht."),
            errors=[{"field": "indicators"}],
        )
    series.indicator_ids = wanted
    series.save(update_fields=["indicator_ids", "modified"])
    audit.record(actor=actor, instance=series, action="update", summary=_("Kennzahlen verknüpft"))
    return series


def _reason(proposal: Proposal) -> str:
    if proposal.direction == RhythmProposal.Direction.UP:
        head = _("Kritische Lage bei verknüpften Kennzahlen:")
    else:
        head = _("Alle verknüpften Kennzahlen sind im Plan:")
    lines = [head]
    for signal in proposal.reasons:
        lines.append(f"– {signal.name}" + (f": {signal.note}" if signal.note else ""))
    return "\n".join(lines)


def _first_weekday(series: Series) -> int:
    return timezone.localtime(series.first_start).weekday()


@transaction.atomic
def rhythm_check(*, series: Series, now: datetime | None = None) -> RhythmProposal | None:
    """Asks the engine; keeps at most one open proposal per series (an outdated one is
    superseded). Returns the open proposal, if any."""
    now = now_or(now)
    signals: list[Signal] = indicators.signals_for(series.municipality_id, series.indicator_ids)
    wanted = propose(series.rule, _first_weekday(series), signals) if series.active else None
    current = series.rhythm_proposals.select_for_update().filter(status="open").first()
    if current and wanted and current.proposed_rule == wanted.rule:
        reason = _reason(wanted)
        if current.reason != reason:
            current.reason = reason
            current.save(update_fields=["reason", "modified"])
        return current
    if current:
        current.status = RhythmProposal.Status.SUPERSEDED
        current.decided_at = now
        current.save(update_fields=["status", "decided_at", "modified"])
    if wanted is None:
        return None
    proposal = RhythmProposal.objects.create(
        municipality_id=series.municipality_id,
        series=series,
        direction=wanted.direction,
        current_rule=series.rule,
        proposed_rule=wanted.rule,
        reason=_reason(wanted),
    )
    audit.record(actor=None, instance=proposal, action="create", summary="Rhythmusvorschlag")
    return proposal


@transaction.atomic
def rhythm_decide(
    *, actor, proposal: RhythmProposal, accept: bool, now: datetime | None = None
) -> RhythmProposal:
    """A person takes the proposal (the series changes its rule from tomorrow) or not."""
    now = now_or(now)
    proposal = RhythmProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != RhythmProposal.Status.OPEN:
        raise Conflict("proposal_closed", _("Über diesen Vorschlag wurde schon entschieden."))
    series = proposal.series
    if accept:
        if series.rule != proposal.current_rule:
            raise Conflict(
                "proposal_outdated",
                _("Der Rhythmus der Reihe wurde inzwischen geändert; der Vorschlag ist überholt."),
            )
        series_rule_change(actor=actor, series=series, rule=proposal.proposed_rule, now=now)
    proposal.status = RhythmProposal.Status.ACCEPTED if accept else RhythmProposal.Status.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = now
    proposal.save(update_fields=["status", "decided_by", "decided_at", "modified"])
    audit.record(
        actor=actor,
        instance=proposal,
        action="action",
        summary=_("Rhythmus übernommen") if accept else _("Rhythmusvorschlag abgelehnt"),
    )
    return proposal
