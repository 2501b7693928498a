"""Summing district results into municipality totals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .german import percent, share
from .model import DistrictResult, Totals
from .plausibility import vote_columns


def _check_candidates(candidates: Sequence[str]) -> tuple[str, ...]:
    names = tuple(candidates)
    if not names:
        raise ValueError("at least one candidate is needed")
    if len(set(names)) != len(names):
        raise ValueError("candidate labels must be unique")
    return names


def aggregate(results: Iterable[DistrictResult], candidates: Sequence[str]) -> Totals:
    """Sum all *reported* districts; unreported ones only count towards ``districts_total``.

    Postal districts add to voters (B) but not to eligible voters (A), which is why turnout is
    computed on the totals and never per postal district. Raises ``ValueError`` for duplicate
    district numbers or a reported district with the wrong number of vote columns; run
    ``check_results`` first to get readable messages.
    """
    names = _check_candidates(candidates)
    n_cols = vote_columns(len(names))
    a1 = a2 = a3 = a = b = b1 = c = d = 0
    votes = [0] * n_cols
    reported = 0
    seen: set[str] = set()
    for r in results:
        if r.number in seen:
            raise ValueError(f"duplicate district {r.number!r}")
        seen.add(r.number)
        if not r.reported:
            continue
        if len(r.votes) != n_cols:
            raise ValueError(f"district {r.number!r} has {len(r.votes)} vote columns, not {n_cols}")
        reported += 1
        # ``reported`` guarantees these are ints; "or 0" covers postal districts' empty A.
        a1 += r.A1 or 0
        a2 += r.A2 or 0
        a3 += r.A3 or 0
        a += r.A or 0
        b += r.B or 0
        b1 += r.B1 or 0
        c += r.C or 0
        d += r.D or 0
        for i, v in enumerate(r.votes):
            votes[i] += v or 0
    shares = tuple(share(v, d) for v in votes) if d > 0 else None
    return Totals(
        candidates=names,
        eligible=a,
        eligible_regular=a1,
        eligible_with_card=a2,
        eligible_not_in_register=a3,
        voters=b,
        voters_with_card=b1,
        invalid=c,
        valid=d,
        votes=tuple(votes),
        shares=shares,
        turnout=percent(b, a),
        districts_reported=reported,
        districts_total=len(seen),
    )
