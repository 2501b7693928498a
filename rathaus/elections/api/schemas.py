"""Schemas of the elections API (what goes in and out of /api/v1/elections/)."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

from rathaus.elections.services.results import MAX_FIGURE


class ElectionOut(Schema):
    id: int
    municipality: str
    municipality_slug: str
    ags: str
    kind: str
    title: str
    date: str
    status: str
    first_round_id: int | None
    url: str


class CandidateOut(Schema):
    position: int
    name: str
    party: str
    votes: int
    share: str | None  # "45.23" (percent of valid votes, two decimals)
    share_text: str  # "45,23 %"
    previous_share: str | None
    difference_pp: str | None


class TotalsOut(Schema):
    districts_reported: int
    districts_total: int
    eligible: int
    voters: int
    voters_with_card: int
    invalid: int
    valid: int
    turnout: str | None


class DecisionOut(Schema):
    """§ 46c outcome (elected, runoff, lot_needed, not_elected, incomplete) or, for a
    Bürgerentscheid, yes / no / quorum_missed / no_votes."""

    outcome: str
    provisional: str | None
    headline: str
    elected: str | None
    runoff_candidates: list[str]
    runoff_date: str | None
    lot_candidates: list[str]
    reasons: list[str]


class DistrictOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    reported: bool
    A1: int | None
    A2: int | None
    A3: int | None
    A: int | None
    B: int | None
    B1: int | None
    C: int | None
    D: int | None
    votes: list[int | None]


class LotOut(Schema):
    at: str
    among: list[str]
    drawn: list[str]


class ElectionDetailOut(ElectionOut):
    candidates: list[CandidateOut]
    totals: TotalsOut
    decision: DecisionOut | None
    districts: list[DistrictOut]
    lots: list[LotOut]
    runoff_id: int | None


Figure = Annotated[int, Field(ge=-MAX_FIGURE, le=MAX_FIGURE)]


class FiguresIn(Schema):
    """Figures in votemanager columns; null = not reported. Negative numbers are accepted
    here so that the plausibility check can name them (422 problem+json)."""

    A1: Figure | None = None
    A2: Figure | None = None
    A3: Figure | None = None
    A: Figure | None = None
    B: Figure | None = None
    B1: Figure | None = None
    C: Figure | None = None
    D: Figure | None = None
    votes: list[Figure | None] = Field(default_factory=list, max_length=100)
    stage: str = Field(default="quick", max_length=10)
    reason: str = Field(default="", max_length=2000)
    revision: int | None = Field(default=None, ge=0, le=2_000_000_000)


class ResultOut(Schema):
    district_id: int
    number: str
    state: str
    revision: int
    entered_by: str | None
    approved_by: str | None
