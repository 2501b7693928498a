"""Writes after the count (§ 46c KWahlG NRW): drawing the lot, creating the runoff (Stichwahl)."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.problems import Conflict
from rathaus.elections import caching
from rathaus.elections.models import Election, LotDrawing
from rathaus.elections.selectors.elections import runoff_date_for
from rathaus.elections.selectors.results import Report, report
from rathaus.elections.services.elections import DistrictSpec, election_create
from rathaus.engines.counting import Outcome, draw_places
from rathaus.engines.counting.german import fmt_date


@transaction.atomic
def lot_draw(*, election: Election, actor, rng: random.Random | int | None = None) -> LotDrawing:
    """Draw the lot the decision asks for (secrets unless ``rng`` is given), record, audit."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    rep = report(election, with_previous=False)
    decision = rep.decision
    if decision is None or decision.outcome is not Outcome.LOT_NEEDED:
        raise Conflict(
            "no_lot",
            _(
                "Ein Losentscheid ist nicht erforderlich (oder noch nicht alle Bezirke sind "
                "freigegeben)."
            ),
        )
    drawn = draw_places(decision.lot_candidates, decision.lot_places, rng)
    lot = LotDrawing.objects.create(
        municipality_id=election.municipality_id,
        election=election,
        drawn_by=actor,
        among=list(decision.lot_candidates),
        places=decision.lot_places,
        drawn=list(drawn),
        runoff_ballot=decision.is_runoff_ballot,
    )
    audit.record(
        actor=actor,
        instance=lot,
        action="action",
        after=audit.snapshot(lot),
        summary=f"Losentscheid {election.title}: gezogen {', '.join(drawn)} "
        f"aus {', '.join(decision.lot_candidates)}",
    )
    caching.bump(election.pk)
    return lot


def _districts_of(rep: Report) -> list[DistrictSpec]:
    """The runoff's districts: those of the first round with their eligible voters."""
    return [
        DistrictSpec(
            number=row.district.number,
            name=row.district.name,
            kind=row.district.kind,
            a1=row.result.a1,
            a2=row.result.a2,
            a3=row.result.a3,
            a=row.result.a,
        )
        for row in rep.rows
    ]


@transaction.atomic
def runoff_create_from(first_round: Election, actor, *, date: date | None = None) -> Election:
    """The runoff (Stichwahl) of ``first_round``: same districts, the two candidates the
    decision names, in that order (more votes first), on the second Sunday after."""
    first_round = Election.objects.select_for_update().get(pk=first_round.pk)
    if first_round.is_runoff:
        raise Conflict("runoff_of_runoff", _("Eine Stichwahl hat keine weitere Stichwahl."))
    existing = first_round.runoffs.first()
    if existing is not None:
        raise Conflict(
            "runoff_exists",
            _("Die Stichwahl ist bereits angelegt (%(title)s, %(date)s).")
            % {"title": existing.title, "date": fmt_date(existing.date)},
        )
    rep = report(first_round, with_previous=False)
    decision = rep.decision
    if decision is None or decision.outcome is not Outcome.RUNOFF:
        if decision and decision.outcome is Outcome.INCOMPLETE:
            message = _(
                "Eine Stichwahl ist nach § 46c KWahlG NRW nicht vorgesehen (das Ergebnis ist "
                "noch nicht vollständig)."
            )
        else:
            message = _("Eine Stichwahl ist nach § 46c KWahlG NRW nicht vorgesehen.")
        raise Conflict("no_runoff", message)
    by_name = {c.name: c for c in rep.candidates}
    pair = [by_name[name] for name in decision.runoff_candidates]
    when = date or runoff_date_for(first_round)
    runoff = election_create(
        municipality=first_round.municipality,
        kind=first_round.kind,
        title=f"{first_round.title} – Stichwahl",
        date=when,
        candidates=[(c.name, c.party) for c in pair],
        districts=_districts_of(rep),
        first_round=first_round,
        actor=actor,
    )
    audit.record(
        actor=actor,
        instance=runoff,
        action="action",
        summary=_("Stichwahl angelegt zwischen %(names)s am %(date)s")
        % {
            # Translators: joins candidate names, e.g. "Anna Beispiel und Bernd Muster".
            "names": _("%(first)s und %(second)s")
            % {"first": pair[0].name, "second": pair[1].name},
            "date": fmt_date(when),
        },
    )
    caching.bump(first_round.pk)
    return runoff
