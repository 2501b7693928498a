"""Reads: the computed report of an election (via the counting engine) and its open-data CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from rathaus.elections import caching
from rathaus.elections.models import (
    COLUMN_LABELS,
    FIGURE_FIELDS,
    Candidate,
    Correction,
    District,
    Election,
    LotDrawing,
    Result,
)
from rathaus.engines.counting import (
    CsvMeta,
    Decision,
    DistrictResult,
    Outcome,
    ReferendumDecision,
    Totals,
    aggregate,
    decide,
    decide_referendum,
    resolve_lot,
    vote_columns,
    write_csv,
)
from rathaus.engines.counting.german import share
from rathaus.engines.counting.votemanager import header as csv_header


def to_engine(district: District, result: Result | None, n_candidates: int) -> DistrictResult:
    r = result
    if r is None:
        return DistrictResult(
            district.number,
            district.name,
            district.kind,
            votes=(None,) * vote_columns(n_candidates),
        )
    n_cols = vote_columns(n_candidates)
    votes = tuple(r.votes) if r.votes else (None,) * n_cols
    if len(votes) != n_cols:
        # candidates were changed after entry: the report no longer fits and must be re-entered
        votes = (None,) * n_cols
        return DistrictResult(
            district.number, district.name, district.kind, r.a1, r.a2, r.a3, r.a, votes=votes
        )
    return DistrictResult(
        district.number,
        district.name,
        district.kind,
        r.a1,
        r.a2,
        r.a3,
        r.a,
        r.b,
        r.b1,
        r.c,
        r.d,
        votes,
    )


def published(district: DistrictResult) -> DistrictResult:
    """The district as the public sees it before approval: eligible voters only."""
    return DistrictResult(
        district.number,
        district.name,
        district.kind,
        district.A1,
        district.A2,
        district.A3,
        district.A,
        votes=(None,) * len(district.votes),
    )


@dataclass
class DistrictRow:
    district: District
    result: Result
    figures: DistrictResult  # what counts (approved only, or all for staff previews)
    shares: tuple[Decimal, ...] | None
    turnout: Decimal | None

    @property
    def reported(self) -> bool:
        return self.figures.reported

    @property
    def cells(self) -> list[tuple[int | None, Decimal | None]]:
        shares = self.shares or (None,) * len(self.figures.votes)
        return list(zip(self.figures.votes, shares, strict=False))


@dataclass
class CandidateRow:
    candidate: Candidate | None
    label: str
    party: str
    votes: int
    share: Decimal | None
    previous_share: Decimal | None = None

    @property
    def difference(self) -> Decimal | None:
        if self.share is None or self.previous_share is None:
            return None
        return self.share - self.previous_share


@dataclass
class Report:
    election: Election
    candidates: list[Candidate]
    labels: tuple[str, ...]
    totals: Totals
    decision: Decision | None
    rows: list[DistrictRow]
    candidate_rows: list[CandidateRow]
    previous: Report | None = None
    lots: list[LotDrawing] = field(default_factory=list)
    approved_only: bool = True
    referendum: ReferendumDecision | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        if self.referendum is not None:
            return self.referendum.reasons
        return self.decision.reasons if self.decision else ()

    @property
    def has_decision(self) -> bool:
        return self.decision is not None or self.referendum is not None

    @property
    def yes_no(self) -> bool:
        return len(self.candidates) == 1

    @property
    def turnout_difference(self) -> Decimal | None:
        if self.previous is None or self.totals.turnout is None:
            return None
        if self.previous.totals.turnout is None:
            return None
        return self.totals.turnout - self.previous.totals.turnout

    @property
    def pending(self) -> int:
        return sum(1 for r in self.rows if r.result.state == Result.State.ENTERED)

    @property
    def all_approved(self) -> bool:
        return bool(self.rows) and all(r.result.state == Result.State.APPROVED for r in self.rows)


def _candidate_labels(candidates: list[Candidate]) -> tuple[str, ...]:
    return tuple(c.name for c in candidates)


def decision_for(
    election: Election, totals: Totals, labels: tuple[str, ...], lots
) -> Decision | None:
    if not election.uses_majority_rule or not labels:
        return None
    runoff = election.is_runoff and len(labels) == 2
    sunday = election.date.weekday() == 6
    decision = decide(
        totals,
        labels,
        runoff=runoff,
        election_date=election.date if sunday and not runoff else None,
    )
    if decision.outcome is Outcome.LOT_NEEDED:
        for lot in lots:  # newest first
            if (
                list(lot.among) == list(decision.lot_candidates)
                and lot.places == decision.lot_places
                and lot.runoff_ballot == decision.is_runoff_ballot
            ):
                try:
                    return resolve_lot(decision, tuple(lot.drawn))
                except ValueError:
                    continue
    return decision


def _district_rows(
    election: Election, n: int, approved_only: bool
) -> tuple[list[DistrictRow], list[DistrictResult]]:
    """Per-district rows; before approval the public sees eligible voters only."""
    districts = list(
        District.objects.filter(election=election)
        .select_related("result", "result__entered_by", "result__approved_by")
        .order_by("-kind", "number")
    )
    rows: list[DistrictRow] = []
    engine_rows: list[DistrictResult] = []
    for d in districts:
        result = getattr(d, "result", None)
        if result is None:  # districts created outside the services
            result = Result(district=d, election=election, municipality_id=d.municipality_id)
        full = to_engine(d, result, n)
        counted = (
            full
            if (not approved_only or result.state == Result.State.APPROVED)
            else published(full)
        )
        engine_rows.append(counted)
        shares = None
        if counted.reported and counted.D:
            shares = tuple(share(v or 0, counted.D) for v in counted.votes)
        turnout = None
        if counted.reported and counted.A:
            turnout = share(counted.B or 0, counted.A)
        rows.append(DistrictRow(d, result, counted, shares, turnout))
    return rows, engine_rows


def _candidate_rows(
    election: Election, candidates: list[Candidate], totals: Totals
) -> list[CandidateRow]:
    """One row per candidate; a single candidate (or a referendum) gets a yes and a no row."""

    def share_of(i: int) -> Decimal | None:
        return totals.shares[i] if totals.shares else None

    if len(candidates) != 1:
        return [
            CandidateRow(c, c.name, c.party_label, totals.votes[i], share_of(i))
            for i, c in enumerate(candidates)
        ]
    c = candidates[0]
    referendum = election.kind == Election.Kind.REFERENDUM
    rows = []
    for i, text in enumerate((_("Ja"), _("Nein"))):
        rows.append(
            CandidateRow(
                c if i == 0 else None,
                text if referendum else f"{text} ({c.name})",
                "–" if referendum else c.party_label,
                totals.votes[i],
                share_of(i),
            )
        )
    return rows


def _previous_report(election: Election) -> Report | None:
    """The comparison election's report; it is usually final, so it is cached under its own
    version."""
    prev_id = election.previous_election_id

    def previous_report() -> Report | None:
        prev = Election.objects.filter(pk=prev_id).first()
        return report(prev, approved_only=True, with_previous=False) if prev else None

    return caching.get_or_render(prev_id, "report", previous_report)


def report(election: Election, *, approved_only: bool = True, with_previous: bool = True) -> Report:
    """Totals, § 46c decision, per-district rows and comparison for one election."""
    candidates = list(election.candidates.order_by("position"))
    labels = _candidate_labels(candidates)
    n = len(candidates)
    rows, engine_rows = _district_rows(election, n, approved_only)
    lots = list(election.lots.all())
    if n:
        totals = aggregate(engine_rows, labels)
        decision = decision_for(election, totals, labels, lots)
    else:
        totals = aggregate([], ("–",))
        decision = None
    candidate_rows = _candidate_rows(election, candidates, totals)
    referendum = None
    if election.kind == Election.Kind.REFERENDUM and n == 1:
        referendum = decide_referendum(totals, election.quorum_percent)
    previous = None
    if with_previous and election.previous_election_id and n > 1:
        previous = _previous_report(election)
        if previous is not None:
            _compare(candidate_rows, previous)
    return Report(
        election=election,
        candidates=candidates,
        labels=labels,
        totals=totals,
        decision=decision,
        rows=rows,
        candidate_rows=candidate_rows,
        previous=previous,
        lots=lots,
        approved_only=approved_only,
        referendum=referendum,
    )


def _compare(rows: list[CandidateRow], previous: Report) -> None:
    """Match candidates with the previous election by party (or by name when partyless)."""
    by_party: dict[str, Decimal | None] = {}
    by_name: dict[str, Decimal | None] = {}
    for prow in previous.candidate_rows:
        if prow.candidate is None:
            continue
        if prow.candidate.party:
            by_party.setdefault(prow.candidate.party.casefold(), prow.share)
        by_name.setdefault(prow.candidate.name.casefold(), prow.share)
    for row in rows:
        c = row.candidate
        if c is None:
            continue
        if c.party and c.party.casefold() in by_party:
            row.previous_share = by_party[c.party.casefold()]
        elif c.name.casefold() in by_name:
            row.previous_share = by_name[c.name.casefold()]


def csv_export(election: Election, *, approved_only: bool = True) -> str:
    """votemanager open-data CSV of the election (public: approved figures only)."""
    rep = report(election, approved_only=approved_only, with_previous=False)
    meta = CsvMeta(election.date, election.title, election.municipality.ags)
    n = vote_columns(max(len(rep.candidates), 1))
    rows = []
    for row in rep.rows:
        f = row.figures
        if len(f.votes) != n:
            f = DistrictResult(f.number, f.name, f.kind, f.A1, f.A2, f.A3, f.A, votes=(None,) * n)
        rows.append(f)
    if not rows:
        return ";".join(csv_header(n)) + "\r\n"  # no districts yet: the header alone
    return write_csv(meta, rows)


# --- the approver's view of one report (four eyes) ---------------------------------------


@dataclass(frozen=True)
class ReviewLine:
    column: str  # "B", "D3"
    title: str  # "Wähler", "Stimmen für Dr. Anna Berger (CDU)"
    entered: int | None
    approved: int | None  # as last approved; None when never approved

    @property
    def changed(self) -> bool:
        return self.entered != self.approved


@dataclass
class Review:
    result: Result
    lines: list[ReviewLine]
    previously_approved: bool  # a correction of approved figures (or of their stage)
    approved_stage: str | None
    correction: Correction | None  # the latest correction, with its reason

    @property
    def changes(self) -> list[ReviewLine]:
        return [line for line in self.lines if line.changed] if self.previously_approved else []


def _vote_titles(candidates: list[Candidate], kind: str) -> list[str]:
    if len(candidates) == 1:
        name = candidates[0].name
        yes = (
            _("Ja-Stimmen")
            if kind == Election.Kind.REFERENDUM
            else (_("Ja-Stimmen für %(name)s") % {"name": name})
        )
        return [yes, _("Nein-Stimmen")]
    return [
        _("Stimmen für %(name)s (%(party)s)") % {"name": c.name, "party": c.party_label}
        for c in candidates
    ]


def approval_review(result: Result) -> Review:
    """Every figure of a report as entered, next to the figures last approved."""
    election = result.election
    candidates = list(election.candidates.order_by("position"))
    approved = result.approved_figures or {}
    before = {f.upper(): approved.get(f) for f in FIGURE_FIELDS}
    now = {f.upper(): getattr(result, f) for f in FIGURE_FIELDS}
    columns = [c for c in now if not (result.district.kind == District.Kind.POSTAL and c[0] == "A")]
    lines = [ReviewLine(c, str(COLUMN_LABELS[c]), now[c], before.get(c)) for c in columns]
    votes, old_votes = list(result.votes or []), list(approved.get("votes") or [])
    for i, title in enumerate(_vote_titles(candidates, election.kind)):
        lines.append(
            ReviewLine(
                f"D{i + 1}",
                title,
                votes[i] if i < len(votes) else None,
                old_votes[i] if i < len(old_votes) else None,
            )
        )
    return Review(
        result=result,
        lines=lines,
        previously_approved=bool(approved),
        approved_stage=approved.get("stage"),
        correction=result.corrections.select_related("actor").first() if approved else None,
    )


def next_for_approval(election: Election, user, *, after: int | None = None) -> District | None:
    """The next district (in table order) whose report waits for ``user``'s approval."""
    pending = list(
        District.objects.filter(election=election, result__state=Result.State.ENTERED)
        .exclude(result__entered_by=user)
        .order_by("-kind", "number")
    )
    if after is not None:
        ids = [d.pk for d in pending]
        if after in ids:
            pending = pending[ids.index(after) + 1 :] + pending[: ids.index(after)]
    return pending[0] if pending else None


# --- what the final determination would still rest on -----------------------------------


def _numbers(districts) -> str:
    numbers = [d.number for d in districts]
    shown = ", ".join(numbers[:12])
    if len(numbers) <= 12:
        return shown
    return _("%(shown)s und %(more)s weitere") % {"shown": shown, "more": len(numbers) - 12}


def provisional_items(election: Election) -> list[str]:
    """What is still provisional, in sentences; empty when the result can be determined."""
    districts = list(
        District.objects.filter(election=election)
        .select_related("result")
        .order_by("-kind", "number")
    )
    results = {d.pk: getattr(d, "result", None) for d in districts}
    items = []
    if not districts:
        items.append(_("Die Wahl hat keine Wahlbezirke."))
    unapproved = [d for d in districts if not results[d.pk] or results[d.pk].state != "approved"]
    if unapproved:
        items.append(
            _("%(count)s Bezirk(e) noch nicht freigegeben: %(districts)s.")
            % {"count": len(unapproved), "districts": _numbers(unapproved)}
        )
    quick = [d for d in districts if results[d.pk] and results[d.pk].stage != Result.Stage.FINAL]
    if quick:
        items.append(
            _(
                "%(count)s Bezirk(e) nur als Schnellmeldung: %(districts)s. Für das endgültige "
                "Ergebnis muss jeder Bezirk seine endgültige Meldung nach der Wahlniederschrift "
                "erfassen und freigeben lassen."
            )
            % {"count": len(quick), "districts": _numbers(quick)}
        )
    decision = report(election, with_previous=False).decision
    if decision is not None and decision.outcome is Outcome.LOT_NEEDED:
        items.append(_("Ein Losentscheid steht noch aus."))
    return items
