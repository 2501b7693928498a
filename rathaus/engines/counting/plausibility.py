"""Plausibility rules for one district's figures (votemanager columns A1…Dn)."""

from __future__ import annotations

from collections.abc import Iterable

from .german import fmt_int
from .model import KINDS, DistrictResult, Problem

COLUMN_TITLES = {
    "A1": "Wahlberechtigte ohne Wahlschein",
    "A2": "Wahlberechtigte mit Wahlschein",
    "A3": "Wahlberechtigte nicht im Wählerverzeichnis",
    "A": "Wahlberechtigte insgesamt",
    "B": "Wähler",
    "B1": "Wähler mit Wahlschein",
    "C": "ungültige Stimmen",
    "D": "gültige Stimmen",
}


def vote_columns(n_candidates: int) -> int:
    """Number of D columns: one per candidate, but yes and no for a single candidate."""
    return 2 if n_candidates == 1 else n_candidates


def column_title(column: str, n_candidates: int) -> str:
    if column in COLUMN_TITLES:
        return COLUMN_TITLES[column]
    if n_candidates == 1 and column in ("D1", "D2"):
        return "Ja-Stimmen" if column == "D1" else "Nein-Stimmen"
    return f"Stimmen für Wahlvorschlag {column[1:]}"


def check_district(result: DistrictResult, n_candidates: int) -> list[Problem]:
    """All plausibility problems of one district; empty list if it is plausible.

    Rules only apply to figures that are present (``None`` = not yet reported), except that a
    partly entered quick report is itself a problem.
    """
    f = _Findings(result, n_candidates)
    _shape(f)
    figures = _figures(f)
    _completeness(f, figures)
    _sums(f)
    if result.kind == "brief":
        _postal(f, figures)
    else:
        _ballot_box(f)
    return f.problems


class _Findings:
    """The problems found in one district, each worded with the district and column."""

    def __init__(self, result: DistrictResult, n_candidates: int) -> None:
        self.r = result
        self.n_candidates = n_candidates
        self.problems: list[Problem] = []

    def add(self, code: str, column: str, text: str, **params) -> None:
        title = column_title(column, self.n_candidates) if column else ""
        col = f"{column} ({title}) " if column else ""
        message = f"{self.r.label}: {col}{text}"
        self.problems.append(Problem(code, column, self.r.number, message, params))


def _shape(f: _Findings) -> None:
    """Kind, number and the number of vote columns."""
    r, n_candidates = f.r, f.n_candidates
    if r.kind not in KINDS:
        f.add("kind", "", f"unbekannte Art {r.kind!r} (erlaubt: urne, brief)", kind=r.kind)
    if not r.number.strip():
        f.add("number", "", "Bezirksnummer fehlt")
    n_cols = vote_columns(n_candidates)
    if len(r.votes) != n_cols:
        f.add(
            "vote_columns",
            "D",
            f"hat {len(r.votes)} Stimmenspalten, erwartet {n_cols} "
            f"({n_candidates} Bewerber{'; Ja/Nein' if n_candidates == 1 else ''})",
            got=len(r.votes),
            expected=n_cols,
        )


def _figures(f: _Findings) -> dict[str, int | None]:
    """Every figure by its column; negative ones are problems."""
    r = f.r
    figures: dict[str, int | None] = {
        "A1": r.A1,
        "A2": r.A2,
        "A3": r.A3,
        "A": r.A,
        "B": r.B,
        "B1": r.B1,
        "C": r.C,
        "D": r.D,
    }
    for i, v in enumerate(r.votes, start=1):
        figures[f"D{i}"] = v
    for column, value in figures.items():
        if value is not None and value < 0:
            f.add("negative", column, f"{value} ist negativ", value=value)
    return figures


def _completeness(f: _Findings, figures: dict[str, int | None]) -> None:
    """A quick report is entered as a whole; a half-entered one must not be counted."""
    r = f.r
    result_cols = ["B", "B1", "C", "D", *(f"D{i}" for i in range(1, len(r.votes) + 1))]
    required = result_cols + (["A1", "A2", "A3", "A"] if r.kind == "urne" else [])
    if any(figures[c] is not None for c in result_cols):
        missing = [c for c in required if figures[c] is None]
        if missing:
            text = f"fehlt; unvollständige Meldung ({', '.join(missing)})"
            f.add("incomplete", missing[0], text, missing=", ".join(missing))


def _sums(f: _Findings) -> None:
    """D is the sum of the single votes, B = C + D, B1 ≤ B."""
    r, votes = f.r, f.r.votes
    if r.D is not None and votes and all(v is not None for v in votes):
        total = sum(v for v in votes if v is not None)
        if total != r.D:
            f.add(
                "valid_sum",
                "D",
                f"{fmt_int(r.D)} ist nicht die Summe der Einzelstimmen "
                f"D1…D{len(votes)} ({fmt_int(total)})",
                value=r.D,
                total=total,
                last=len(votes),
            )
    if r.B is not None and r.C is not None and r.D is not None and r.B != r.C + r.D:
        f.add(
            "voters_sum",
            "B",
            f"{fmt_int(r.B)} ist nicht die Summe aus ungültigen (C) und gültigen (D) Stimmen "
            f"({fmt_int(r.C + r.D)})",
            value=r.B,
            total=r.C + r.D,
        )
    if r.B1 is not None and r.B is not None and r.B1 > r.B:
        text = f"{fmt_int(r.B1)} ist größer als B (Wähler) {fmt_int(r.B)}"
        f.add("card_voters", "B1", text, value=r.B1, other=r.B)


def _postal(f: _Findings, figures: dict[str, int | None]) -> None:
    """Postal-vote districts have no register of their own; votemanager writes 0."""
    r = f.r
    for column in ("A1", "A2", "A3", "A"):
        value = figures[column]
        if value is not None and value > 0:
            text = f"{fmt_int(value)} muss im Briefwahlbezirk 0 sein"
            f.add("postal_eligible", column, text, value=value)
    # Every postal voter holds a polling card (Wahlschein).
    if r.B1 is not None and r.B is not None and r.B1 != r.B:
        f.add(
            "postal_card_voters",
            "B1",
            f"{fmt_int(r.B1)} muss im Briefwahlbezirk gleich B (Wähler) {fmt_int(r.B)} sein",
            value=r.B1,
            other=r.B,
        )


def _ballot_box(f: _Findings) -> None:
    """Ballot-box districts: A = A1 + A2 + A3 and no more voters than eligible."""
    r = f.r
    if r.A1 is not None and r.A2 is not None and r.A3 is not None and r.A is not None:
        parts = r.A1 + r.A2 + r.A3
        if parts != r.A:
            f.add(
                "eligible_sum",
                "A",
                f"{fmt_int(r.A)} ist nicht die Summe A1 + A2 + A3 ({fmt_int(parts)})",
                value=r.A,
                total=parts,
            )
    if r.B is not None and r.A is not None and r.B > r.A:
        f.add(
            "voters_exceed_eligible",
            "B",
            f"{fmt_int(r.B)} ist größer als A (Wahlberechtigte insgesamt) {fmt_int(r.A)}",
            value=r.B,
            other=r.A,
        )


def check_results(results: Iterable[DistrictResult], n_candidates: int) -> list[Problem]:
    """``check_district`` for every district plus duplicate district numbers."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for r in results:
        if r.number in seen:
            problems.append(
                Problem("duplicate", "", r.number, f"{r.label}: Bezirksnummer ist doppelt")
            )
        seen.add(r.number)
        problems.extend(check_district(r, n_candidates))
    return problems
