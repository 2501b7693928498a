"""Demo: Musterstadt's mayoral elections, dated relative to the moment of loading.

* the mayoral election (TITLE) on the last Sunday whose polls have closed, still being
  counted: five candidates, most districts approved, one waiting for the second officer
  (PENDING), some not reported yet (MISSING); nobody has the majority, a runoff is due;
* the mayoral election five years earlier (final, all results) for comparison;
* an upcoming district administrator election (Landratswahl) in preparation, five or six
  weeks ahead, with its candidates and districts.

Idempotent (a second run changes nothing) and deterministic (seeded).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.models import Municipality, User
from rathaus.elections.models import District, Election, Result
from rathaus.elections.services.elections import DistrictSpec, election_create, election_set_status
from rathaus.elections.services.results import result_approve, result_enter

TITLE = "Bürgermeisterwahl"
UPCOMING_TITLE = "Landratswahl"
UPCOMING_CANDIDATES = [("Heike Sommer", "CDU"), ("Jörg Albers", "SPD"), ("Nina Petersen", "GRÜNE")]


def election_dates(now: datetime) -> tuple[date, date, date]:
    """(the election being counted, the one five years earlier, the upcoming one): Sundays.

    The counted one is the last Sunday whose polls (until 18:00) have closed."""
    local = timezone.localtime(now)
    today = local.date()
    sunday = today - timedelta(days=(today.weekday() + 1) % 7)
    if sunday == today and local.hour < 18:
        sunday -= timedelta(days=7)
    return sunday, sunday - timedelta(weeks=5 * 52), sunday + timedelta(weeks=6)


CANDIDATES = [
    ("Dr. Anna Berger", "CDU"),
    ("Markus Jansen", "SPD"),
    ("Leonie Hartwig", "GRÜNE"),
    ("Thomas Krüger", "FDP"),
    ("Sabine Özdemir", ""),  # parteilos
]
WEIGHTS = [0.38, 0.31, 0.17, 0.08, 0.06]
PREVIOUS_CANDIDATES = [
    ("Klaus Wegener", "CDU"),
    ("Markus Jansen", "SPD"),
    ("Petra Lindner", "GRÜNE"),
    ("Stefan Vogt", "FDP"),
]
PREVIOUS_WEIGHTS = [0.52, 0.29, 0.13, 0.06]

QUARTERS = ["Altstadt", "Nordviertel", "Südfeld", "Weststadt", "Oststadt"]
SUBS = ["Markt", "Kirchplatz", "Schule", "Park", "Bahnhof"]
MISSING = {"0304", "0405", "0503", "B06"}  # not yet reported on election night
PENDING = {"0502"}  # entered, waiting for approval


def district_specs(rng: random.Random) -> list[DistrictSpec]:
    specs = []
    for q, quarter in enumerate(QUARTERS, start=1):
        for s, sub in enumerate(SUBS, start=1):
            a = rng.randint(1300, 2100)
            a3 = rng.randint(0, 3)
            a2 = round(a * rng.uniform(0.24, 0.33))
            specs.append(
                DistrictSpec(f"{q:02d}{s:02d}", f"{quarter} {sub}", "urne", a - a2 - a3, a2, a3, a)
            )
    for p in range(1, 7):
        specs.append(DistrictSpec(f"B{p:02d}", f"Briefwahl {p}", "brief"))
    return specs


def _split(total: int, weights: list[float], rng: random.Random) -> list[int]:
    noisy = [max(0.001, w * rng.uniform(0.85, 1.15)) for w in weights]
    s = sum(noisy)
    raw = [total * w / s for w in noisy]
    votes = [int(x) for x in raw]
    rest = total - sum(votes)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - votes[i], reverse=True)[:rest]:
        votes[i] += 1
    return votes


def plausible_figures(
    result: Result, kind: str, weights: list[float], rng: random.Random, postal_voters: int = 0
) -> dict:
    """A complete, plausible report for a district (eligible voters as stored)."""
    if kind == District.Kind.POSTAL:
        b = postal_voters or rng.randint(900, 1500)
        b1 = b
        a = {"a1": 0, "a2": 0, "a3": 0, "a": 0}
    else:
        a_total = result.a or 1500
        a = {"a1": result.a1, "a2": result.a2, "a3": result.a3, "a": result.a}
        b1 = rng.randint(0, 12)
        b = round(a_total * rng.uniform(0.30, 0.40)) + b1
    c = round(b * rng.uniform(0.005, 0.015))
    d = b - c
    return {**a, "b": b, "b1": b1, "c": c, "d": d, "votes": _split(d, weights, rng)}


def _fill(
    election: Election, weights, rng, enterer, approver, *, skip=(), pending=(), stage="quick"
):
    for district in District.objects.filter(election=election).select_related("result"):
        if district.number in skip:
            continue
        figures = plausible_figures(district.result, district.kind, weights, rng)
        result_enter(result=district.result, actor=enterer, figures=figures, stage=stage)
        if district.number not in pending:
            result_approve(result=district.result, actor=approver)


@transaction.atomic
def load(town: Municipality, now: datetime | None = None) -> None:
    if Election.objects.filter(municipality=town).exists():
        return
    enterer = User.objects.filter(username="wahlamt").first()
    approver = User.objects.filter(username="wahlamt2").first()
    if enterer is None or approver is None:
        return
    day, previous_day, upcoming_day = election_dates(now_or(now))
    rng = random.Random(2025)
    specs = district_specs(rng)
    previous = election_create(
        municipality=town,
        title=f"{TITLE} {previous_day.year}",
        date=previous_day,
        candidates=PREVIOUS_CANDIDATES,
        districts=specs,
        actor=enterer,
    )
    _fill(previous, PREVIOUS_WEIGHTS, rng, enterer, approver, stage=Result.Stage.FINAL)
    election_set_status(election=previous, status=Election.Status.FINAL, actor=approver)
    election = election_create(
        municipality=town,
        title=TITLE,
        date=day,
        candidates=CANDIDATES,
        districts=specs,
        previous_election=previous,
        status=Election.Status.COUNTING,
        internal_note="Wahlabend: Schnellmeldungen telefonisch 18–22 Uhr, Freigabe durch Wahlamt 2.",
        actor=enterer,
    )
    _fill(election, WEIGHTS, rng, enterer, approver, skip=MISSING, pending=PENDING)
    election_create(
        municipality=town,
        kind=Election.Kind.DISTRICT_ADMINISTRATOR,
        title=f"{UPCOMING_TITLE} {upcoming_day.year}",
        date=upcoming_day,
        candidates=UPCOMING_CANDIDATES,
        districts=specs,
        internal_note="Wahlvorstände bis drei Wochen vor der Wahl benennen.",
        actor=enterer,
    )
