"""Bürgerentscheid (§ 26 Abs. 7 GO NRW): majority of valid votes that reaches a quorum.

The question is decided in the sense of the majority of valid votes if that majority is at
least 20 % (up to 50,000 inhabitants), 15 % (up to 100,000) or 10 % (more) of the eligible
voters; a tie counts as "no". Without the quorum the council decides. Pure function, no Django.
Votes are the single-candidate columns: D1 = Ja, D2 = Nein.
"""

from __future__ import annotations

from dataclasses import dataclass

from .german import fmt_int, fmt_pct, percent
from .model import Totals


@dataclass(frozen=True)
class ReferendumDecision:
    outcome: str  # "yes", "no", "quorum_missed", "no_votes"
    provisional: bool
    headline: str
    reasons: tuple[str, ...]


def decide_referendum(totals: Totals, quorum_percent: int) -> ReferendumDecision:
    yes, no = totals.votes
    needed = -(-totals.eligible * quorum_percent // 100)  # ceil, integers only
    progress = (
        ()
        if totals.complete
        else (
            f"Vorläufiges Ergebnis: {fmt_int(totals.districts_reported)} von "
            f"{fmt_int(totals.districts_total)} Bezirken gemeldet.",
        )
    )
    rule = "(§ 26 Abs. 7 GO NRW)"
    if totals.valid <= 0:
        return ReferendumDecision(
            "no_votes", not totals.complete, "Noch keine Ergebnisse", (*progress,)
        )
    figures = (
        f"Ja {fmt_int(yes)} ({fmt_pct(percent(yes, totals.valid))}), Nein {fmt_int(no)} "
        f"({fmt_pct(percent(no, totals.valid))}); erforderlich sind mindestens "
        f"{quorum_percent} % von {fmt_int(totals.eligible)} Stimmberechtigten = "
        f"{fmt_int(needed)} Stimmen für die Mehrheit."
    )
    if yes > no and yes >= needed:
        outcome, headline = "yes", "Der Bürgerentscheid ist mit Ja entschieden"
        why = f"Die Mehrheit der gültigen Stimmen lautet auf Ja und erreicht das Quorum {rule}."
    elif no >= yes and no >= needed:
        outcome, headline = "no", "Der Bürgerentscheid ist mit Nein entschieden"
        why = (
            f"Die Mehrheit der gültigen Stimmen lautet auf Nein und erreicht das Quorum {rule}."
            if no > yes
            else f"Bei Stimmengleichheit gilt die Frage als mit Nein beantwortet {rule}."
        )
    else:
        outcome, headline = "quorum_missed", "Quorum nicht erreicht – der Rat entscheidet"
        why = (
            f"Die Mehrheit erreicht nicht das Quorum; die Angelegenheit entscheidet der Rat {rule}."
        )
    prefix = "" if totals.complete else "Vorläufig: "
    return ReferendumDecision(
        outcome, not totals.complete, prefix + headline, (*progress, why, figures)
    )
