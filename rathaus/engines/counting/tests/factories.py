"""Builders and hypothesis strategies shared by the counting tests."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from rathaus.engines.counting import KINDS, DistrictResult


def urne(
    number: str, votes: tuple[int, ...], *, invalid: int = 0, card: int = 0, **kw: object
) -> DistrictResult:
    """A plausible, fully reported polling district (A chosen generously)."""
    d = sum(votes)
    b = d + invalid
    fields: dict[str, object] = {
        "A1": 2 * b + 10,
        "A2": card,
        "A3": 0,
        "A": 2 * b + 10 + card,
        "B": b,
        "B1": card,
        "C": invalid,
        "D": d,
    }
    fields.update(kw)
    return DistrictResult(number, f"Bezirk {number}", "urne", votes=votes, **fields)  # type: ignore[arg-type]


def brief(number: str, votes: tuple[int, ...], *, invalid: int = 0) -> DistrictResult:
    b = sum(votes) + invalid
    return DistrictResult(
        number, f"Briefwahl {number}", "brief", 0, 0, 0, 0, b, b, invalid, sum(votes), votes
    )


CANDIDATES = ("Adler", "Becker", "Cetin", "Dahl", "Engel")

counts = st.integers(min_value=0, max_value=5000)
maybe = st.none() | counts
safe_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=20
)


@st.composite
def plausible_results(draw: st.DrawFn, n_cols: int) -> list[DistrictResult]:
    """Districts with consistent figures, some not yet reported."""
    out = []
    for i in range(draw(st.integers(1, 25))):
        votes = tuple(draw(st.lists(counts, min_size=n_cols, max_size=n_cols)))
        invalid = draw(st.integers(0, 50))
        if draw(st.booleans()):
            r = brief(f"B{i:03d}", votes, invalid=invalid)
        else:
            r = urne(f"{i:04d}", votes, invalid=invalid, card=draw(st.integers(0, 100)))
        if draw(st.integers(0, 4)) == 0:
            r = DistrictResult(
                r.number, r.name, r.kind, r.A1, r.A2, r.A3, r.A, votes=(None,) * n_cols
            )
        out.append(r)
    return out


@st.composite
def any_results(draw: st.DrawFn) -> list[DistrictResult]:
    """Arbitrary non-negative figures incl. None cells, unique numbers, any kind."""
    n_cols = draw(st.integers(1, 6))
    numbers = draw(st.lists(safe_text, min_size=1, max_size=12, unique=True))
    out = []
    for number in numbers:
        a1, a2, a3, a, b, b1, c, d = (draw(maybe) for _ in range(8))
        votes = tuple(draw(st.lists(maybe, min_size=n_cols, max_size=n_cols)))
        kind = draw(st.sampled_from(KINDS))
        out.append(DistrictResult(number, draw(safe_text), kind, a1, a2, a3, a, b, b1, c, d, votes))
    return out


election_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
ags_codes = st.from_regex(r"\A[0-9]{8}\Z")
