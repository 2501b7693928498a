"""Counting engine for mayoral elections in North Rhine-Westphalia (KWahlG NRW).

Django-free: plain frozen dataclasses in and out; the ``elections`` app maps its rows to
``DistrictResult`` and stores what comes back.

Public API
----------

``DistrictResult(number, name, kind, A1, A2, A3, A, B, B1, C, D, votes)``
    Figures of one district in votemanager columns; ``kind`` is ``"urne"`` (polling district)
    or ``"brief"`` (postal-vote district); any figure may be ``None`` = not yet reported.
    ``votes`` = D1…Dn in ballot order; with a single candidate ``(yes, no)``.
    ``.reported`` is True once the quick report is complete.

``check_district(result, n_candidates) -> list[Problem]`` / ``check_results(results, n)``
    Plausibility: D = ΣDi, B = C + D, B ≤ A, A = A1 + A2 + A3, B1 ≤ B, no negatives, number of
    D columns, complete quick report; postal districts: A columns 0 or empty, B1 = B.
    ``Problem(code, column, district, message)`` with a German message.

``aggregate(results, candidates) -> Totals``
    Sums over reported districts; shares (% of valid votes) and turnout (B/A) as ``Decimal``
    with two decimals rounded half-up; ``districts_reported`` of ``districts_total``.
    ``candidates`` are unique labels in ballot order.

``decide(totals, candidates, *, runoff=False, election_date=None) -> Decision``
    § 46c KWahlG NRW: ``Outcome.ELECTED``, ``RUNOFF``, ``LOT_NEEDED``, ``NOT_ELECTED`` or
    ``INCOMPLETE`` (then ``Decision.provisional`` holds the outcome of the figures so far).
``runoff_date(election_date) -> date``: the second Sunday after (election day + 14).
``draw_lot(candidates, rng=None) -> str`` / ``draw_places(candidates, places, rng=None)``:
    lot via ``secrets`` unless a ``random.Random`` or int seed is passed (tests, rehearsals).
``resolve_lot(decision, drawn) -> Decision``: the decision after the recorded lot.

``decide_referendum(totals, quorum_percent) -> ReferendumDecision``
    Bürgerentscheid (§ 26 Abs. 7 GO NRW): majority of valid votes (D1 = Ja, D2 = Nein) that
    reaches the quorum; ``outcome`` is ``yes``, ``no``, ``quorum_missed`` or ``no_votes``.

``write_csv(meta, results) -> str`` / ``read_csv(text_or_bytes, expected_districts=None,
n_candidates=None) -> (CsvMeta, list[DistrictResult])``
    votemanager open-data CSV (format in ``votemanager`` module docstring, lines end in
    ``\\r\\n``); import raises ``CsvImportError`` with ``.problems = [(line, message), …]``
    covering every problem found, and never returns part of a file.
"""

from .aggregation import aggregate
from .decision import decide, draw_lot, draw_places, resolve_lot, runoff_date
from .model import KINDS, Decision, DistrictResult, Kind, Outcome, Problem, Totals
from .plausibility import check_district, check_results, vote_columns
from .referendum import ReferendumDecision, decide_referendum
from .votemanager import CsvImportError, CsvMeta, read_csv, write_csv

__all__ = [
    "KINDS",
    "CsvImportError",
    "CsvMeta",
    "Decision",
    "DistrictResult",
    "Kind",
    "Outcome",
    "Problem",
    "ReferendumDecision",
    "Totals",
    "aggregate",
    "check_district",
    "check_results",
    "decide",
    "decide_referendum",
    "draw_lot",
    "draw_places",
    "read_csv",
    "resolve_lot",
    "runoff_date",
    "vote_columns",
    "write_csv",
]
