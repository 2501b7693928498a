"""Majority rule for mayoral elections, § 46c KWahlG NRW.

Abs. 2 Satz 2: elected is who has more than half of the valid votes. Abs. 2 Satz 3: with a
single candidate, voters vote yes/no; elected if the majority says yes and the yes votes are at
least 25 % of the eligible voters. Abs. 3 Satz 1: otherwise a runoff between the two with the
most votes on the second Sunday after the election (the supervisory authority may set another
date, Satz 2 – the app must allow overriding ``runoff_date``). Satz 4: ties for a runoff place
are decided by lot. Satz 5/6: in the runoff the most votes win, a tie is decided by lot drawn
by the returning officer (Wahlleiter).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from .german import fmt_date, fmt_int, fmt_pct, percent
from .model import Decision, Outcome, Totals


def runoff_date(election_date: date) -> date:
    """Second Sunday after the election (§ 46c Abs. 3 Satz 1). The election day is a Sunday."""
    if election_date.weekday() != 6:
        raise ValueError(f"election date {election_date} is not a Sunday (§ 46c Abs. 1 KWahlG NRW)")
    return election_date + timedelta(days=14)


def _source(rng: random.Random | int | None) -> random.Random:
    if rng is None:
        return secrets.SystemRandom()
    if isinstance(rng, int):
        return random.Random(rng)  # only for tests and reproducible demos
    return rng


def draw_lot(candidates: Sequence[str], rng: random.Random | int | None = None) -> str:
    """Draw one of ``candidates``; ``secrets`` unless a ``random.Random`` or seed is given.

    The legal lot is drawn by the Wahlleiter in public; this is for demos, rehearsals and tests.
    The app records whatever lot result is entered.
    """
    pool = list(candidates)
    if not pool:
        raise ValueError("nobody to draw from")
    return pool[_source(rng).randrange(len(pool))]


def draw_places(
    candidates: Sequence[str], places: int, rng: random.Random | int | None = None
) -> tuple[str, ...]:
    """Draw ``places`` distinct candidates (three or more tied for the two runoff places)."""
    pool = list(candidates)
    if not 0 < places <= len(pool):
        raise ValueError(f"cannot draw {places} of {len(pool)}")
    return tuple(_source(rng).sample(pool, places))


def _names(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]


def _runoff_when(election_date: date | None) -> str:
    if election_date is None:
        return "am zweiten Sonntag nach der Wahl"
    return f"am {fmt_date(runoff_date(election_date))}"


def decide(
    totals: Totals,
    candidates: Sequence[str],
    *,
    runoff: bool = False,
    election_date: date | None = None,
) -> Decision:
    """Apply § 46c KWahlG NRW to ``totals`` (main ballot, or the runoff with ``runoff=True``).

    While not all districts are reported the outcome is INCOMPLETE and ``provisional`` holds
    what the figures so far mean.
    """
    names = tuple(candidates)
    if names != totals.candidates:
        raise ValueError("candidates differ from those the totals were aggregated for")
    if runoff and len(names) != 2:
        raise ValueError("a runoff has exactly two candidates")
    if totals.valid <= 0:
        if totals.complete:
            return Decision(
                Outcome.NOT_ELECTED,
                is_runoff_ballot=runoff,
                reasons=("Es wurden keine gültigen Stimmen abgegeben; niemand ist gewählt.",),
            )
        return Decision(
            Outcome.INCOMPLETE,
            is_runoff_ballot=runoff,
            reasons=(_progress(totals), "Noch keine gültigen Stimmen gemeldet."),
        )

    if runoff:
        core = _runoff_ballot(totals)
    elif len(names) == 1:
        core = _yes_no(totals)
    else:
        core = _main_ballot(totals, election_date)
    if totals.complete:
        return core
    return replace(
        core,
        outcome=Outcome.INCOMPLETE,
        provisional=core.outcome,
        reasons=(_progress(totals), *core.reasons),
    )


def _progress(t: Totals) -> str:
    return (
        f"Vorläufiges Ergebnis: {fmt_int(t.districts_reported)} von "
        f"{fmt_int(t.districts_total)} Wahlbezirken gemeldet."
    )


def _votes_text(t: Totals, i: int) -> str:
    return (
        f"{t.candidates[i]} mit {fmt_int(t.votes[i])} von {fmt_int(t.valid)} gültigen Stimmen "
        f"({fmt_pct(percent(t.votes[i], t.valid))})"
    )


def _ranking(t: Totals) -> list[int]:
    # Stable: equal votes keep ballot order, which only matters for display, never for who wins.
    return sorted(range(len(t.votes)), key=lambda i: -t.votes[i])


def _main_ballot(t: Totals, election_date: date | None) -> Decision:
    order = _ranking(t)
    top = order[0]
    if 2 * t.votes[top] > t.valid:
        return Decision(
            Outcome.ELECTED,
            elected=t.candidates[top],
            reasons=(
                f"Gewählt ist {_votes_text(t, top)}: mehr als die Hälfte der gültigen Stimmen "
                f"(§ 46c Abs. 2 Satz 2 KWahlG NRW).",
            ),
        )
    when = _runoff_when(election_date)
    date_ = runoff_date(election_date) if election_date else None
    reasons = [
        f"Kein Bewerber hat mehr als die Hälfte der gültigen Stimmen erhalten; die höchste "
        f"Stimmenzahl hat {_votes_text(t, top)} (§ 46c Abs. 2 Satz 2 KWahlG NRW)."
    ]
    second = t.votes[order[1]]
    certain = [i for i in order if t.votes[i] > second]
    tied = [i for i in order if t.votes[i] == second]
    places = 2 - len(certain)
    if len(tied) == places:
        pair = [t.candidates[i] for i in certain + tied]
        reasons.append(
            f"Stichwahl {when} zwischen {_names(pair)} (§ 46c Abs. 3 Satz 1 KWahlG NRW)."
        )
        return Decision(
            Outcome.RUNOFF, runoff_candidates=tuple(pair), runoff_date=date_, reasons=tuple(reasons)
        )
    tied_names = [t.candidates[i] for i in tied]
    if certain:
        reasons.append(f"{t.candidates[certain[0]]} nimmt an der Stichwahl {when} teil.")
    reasons.append(
        f"{_names(tied_names)} haben je {fmt_int(second)} Stimmen; über "
        f"{'einen Platz' if places == 1 else 'beide Plätze'} in der Stichwahl entscheidet das "
        f"vom Wahlleiter zu ziehende Los (§ 46c Abs. 3 Satz 4 KWahlG NRW)."
    )
    return Decision(
        Outcome.LOT_NEEDED,
        runoff_candidates=tuple(t.candidates[i] for i in certain),
        lot_candidates=tuple(tied_names),
        lot_places=places,
        runoff_date=date_,
        reasons=tuple(reasons),
    )


def _runoff_ballot(t: Totals) -> Decision:
    a, b = t.votes
    if a != b:
        winner = 0 if a > b else 1
        return Decision(
            Outcome.ELECTED,
            elected=t.candidates[winner],
            is_runoff_ballot=True,
            reasons=(
                f"Gewählt ist in der Stichwahl {_votes_text(t, winner)}: die höchste "
                f"Stimmenzahl (§ 46c Abs. 3 Satz 5 KWahlG NRW).",
            ),
        )
    return Decision(
        Outcome.LOT_NEEDED,
        lot_candidates=t.candidates,
        lot_places=1,
        is_runoff_ballot=True,
        reasons=(
            f"{_names(t.candidates)} haben in der Stichwahl je {fmt_int(a)} Stimmen; es "
            f"entscheidet das vom Wahlleiter zu ziehende Los (§ 46c Abs. 3 Satz 6 KWahlG NRW).",
        ),
    )


def _yes_no(t: Totals) -> Decision:
    name = t.candidates[0]
    yes, no = t.votes
    needed = (t.eligible + 3) // 4  # smallest integer >= 25 % of A
    figures = (
        f"Ja {fmt_int(yes)} ({fmt_pct(percent(yes, t.valid))}), Nein {fmt_int(no)} "
        f"({fmt_pct(percent(no, t.valid))}); Ja-Stimmen = {fmt_pct(percent(yes, t.eligible))} "
        f"von {fmt_int(t.eligible)} Wahlberechtigten, erforderlich mindestens 25 % "
        f"({fmt_int(needed)} Ja-Stimmen)"
    )
    rule = "(§ 46c Abs. 2 Satz 3 KWahlG NRW)"
    if yes <= no:
        why = "Die Mehrheit der gültigen Stimmen lautet nicht auf Ja"
    elif yes < needed:
        why = "Die Ja-Stimmen erreichen nicht 25 % der Wahlberechtigten"
    else:
        return Decision(
            Outcome.ELECTED,
            elected=name,
            reasons=(
                f"Gewählt ist {name} als einziger Bewerber: Mehrheit der gültigen Stimmen mit Ja "
                f"und mindestens 25 % der Wahlberechtigten {rule}. {figures}.",
            ),
        )
    return Decision(
        Outcome.NOT_ELECTED, reasons=(f"{name} ist nicht gewählt. {why} {rule}: {figures}.",)
    )


def resolve_lot(decision: Decision, drawn: Sequence[str]) -> Decision:
    """Decision after the lot: the drawn candidate(s) take the open place(s)."""
    if decision.outcome is not Outcome.LOT_NEEDED:
        raise ValueError("no lot pending (or the result is not complete yet)")
    picked = tuple(drawn)
    if len(picked) != decision.lot_places or len(set(picked)) != len(picked):
        raise ValueError(f"exactly {decision.lot_places} distinct candidates must be drawn")
    if not set(picked) <= set(decision.lot_candidates):
        raise ValueError("drawn candidates must be among the tied ones")
    note = f"Durch Los bestimmt: {_names(picked)}."
    if decision.is_runoff_ballot:
        return replace(
            decision,
            outcome=Outcome.ELECTED,
            elected=picked[0],
            reasons=(*decision.reasons, f"{note} Gewählt ist {picked[0]}."),
        )
    pair = decision.runoff_candidates + picked
    return replace(
        decision,
        outcome=Outcome.RUNOFF,
        runoff_candidates=pair,
        reasons=(*decision.reasons, f"{note} Stichwahl zwischen {_names(pair)}."),
    )
