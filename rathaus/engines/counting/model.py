"""Data types of the counting engine (all frozen, no behaviour beyond derived figures)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Kind = Literal["urne", "brief"]
KINDS: tuple[Kind, ...] = ("urne", "brief")

# Column names in votemanager order; D1…Dn follow.
ELIGIBLE_COLUMNS = ("A1", "A2", "A3", "A")
RESULT_COLUMNS = ("B", "B1", "C", "D")


@dataclass(frozen=True, slots=True)
class DistrictResult:
    """Figures of one polling (``urne``) or postal-vote (``brief``) district.

    ``None`` means "not yet reported", which is different from 0. ``votes`` holds D1…Dn
    in ballot order; with a single candidate it is ``(yes, no)``.
    """

    number: str
    name: str
    kind: Kind
    A1: int | None = None
    A2: int | None = None
    A3: int | None = None
    A: int | None = None
    B: int | None = None
    B1: int | None = None
    C: int | None = None
    D: int | None = None
    votes: tuple[int | None, ...] = ()

    @property
    def label(self) -> str:
        """Prefix for messages, e.g. "Wahlbezirk 0101 (Altstadt Nord)"."""
        noun = "Briefwahlbezirk" if self.kind == "brief" else "Wahlbezirk"
        return f"{noun} {self.number} ({self.name})"

    @property
    def reported(self) -> bool:
        """True once the quick report (Schnellmeldung) is complete.

        Eligible voters are known before election day and do not count as a report; a polling
        district needs them to be complete though, since turnout depends on them.
        """
        if self.B is None or self.B1 is None or self.C is None or self.D is None:
            return False
        if any(v is None for v in self.votes):
            return False
        if self.kind == "urne":
            return not (self.A1 is None or self.A2 is None or self.A3 is None or self.A is None)
        return True


@dataclass(frozen=True, slots=True)
class Problem:
    """One failed plausibility rule. ``code`` is stable for programs, ``message`` is German;
    ``params`` holds the figures the message names, so an app can word it in another language."""

    code: str
    column: str
    district: str
    message: str
    params: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over the *reported* districts (see ``DistrictResult.reported``).

    ``votes``/``shares`` follow the vote columns: one per candidate, or ``(yes, no)`` when
    there is a single candidate. Shares are percent of valid votes, two decimals, half-up;
    ``None`` while there are no valid votes. ``turnout`` is B/A in percent, ``None`` while A is 0.
    """

    candidates: tuple[str, ...]
    eligible: int
    eligible_regular: int
    eligible_with_card: int
    eligible_not_in_register: int
    voters: int
    voters_with_card: int
    invalid: int
    valid: int
    votes: tuple[int, ...]
    shares: tuple[Decimal, ...] | None
    turnout: Decimal | None
    districts_reported: int
    districts_total: int

    @property
    def complete(self) -> bool:
        return self.districts_reported == self.districts_total

    @property
    def yes_no(self) -> bool:
        """Single-candidate election: votes are (yes, no)."""
        return len(self.candidates) == 1


class Outcome(enum.Enum):
    ELECTED = "elected"
    RUNOFF = "runoff"
    LOT_NEEDED = "lot_needed"
    NOT_ELECTED = "not_elected"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class Decision:
    """Result of § 46c KWahlG NRW applied to ``Totals``.

    ``outcome`` is INCOMPLETE while districts are missing; ``provisional`` then holds what the
    figures so far would mean (for all other outcomes ``provisional`` is ``None``), and the other
    fields describe that provisional outcome.

    For LOT_NEEDED: ``lot_candidates`` are the tied candidates, ``lot_places`` how many of them
    the lot selects; for the main ballot, ``runoff_candidates`` already holds those who are in
    the runoff for certain. ``runoff_date`` is set when a runoff is (or may be) needed and the
    election date was given.
    """

    outcome: Outcome
    provisional: Outcome | None = None
    elected: str | None = None
    runoff_candidates: tuple[str, ...] = ()
    lot_candidates: tuple[str, ...] = ()
    lot_places: int = 0
    is_runoff_ballot: bool = False
    runoff_date: date | None = None
    reasons: tuple[str, ...] = ()

    @property
    def effective(self) -> Outcome:
        """The outcome the figures point to, provisional or final."""
        return self.provisional if self.provisional is not None else self.outcome
