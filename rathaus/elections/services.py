"""Writes of the elections app: elections, candidates, districts, entry with four eyes.

All services take keyword arguments, run in a transaction, lock the rows they change, write an
audit entry and bump the public cache version when published figures change. Lot and runoff
(§ 46c KWahlG NRW): services_runoff.py; votemanager CSV import: services_import.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from rathaus.core import audit
from rathaus.core.models import Role
from rathaus.core.problems import Conflict, DomainError
from rathaus.elections import caching
from rathaus.elections.models import (
    FIGURE_FIELDS,
    Candidate,
    Correction,
    District,
    Election,
    Result,
)
from rathaus.engines.counting import (
    DistrictResult,
    Problem,
    check_district,
    vote_columns,
)
from rathaus.engines.counting.plausibility import column_title

MAX_FIGURE = 999_999_999


class PlausibilityError(DomainError):
    """Figures failed the engine's plausibility rules; ``problems`` name district and column."""

    status = 422

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(
            "implausible",
            "Die Meldung ist nicht plausibel: " + " ".join(p.message for p in self.problems),
            errors=[{"field": p.column or None, "message": p.message} for p in self.problems],
        )


# --- elections, candidates, districts -------------------------------------------------------


@dataclass(frozen=True)
class DistrictSpec:
    number: str
    name: str
    kind: str = "urne"
    a1: int | None = None
    a2: int | None = None
    a3: int | None = None
    a: int | None = None


@transaction.atomic
def election_create(
    *,
    municipality,
    title: str,
    date: date,
    candidates: Sequence[tuple[str, str]],
    districts: Iterable[DistrictSpec],
    kind: str = Election.Kind.MAYOR,
    status: str = Election.Status.PREPARATION,
    previous_election: Election | None = None,
    first_round: Election | None = None,
    internal_note: str = "",
    quorum_percent: int = 20,
    actor=None,
) -> Election:
    """An election with candidates (name, party; "" = parteilos) in ballot order and districts."""
    if not candidates:
        raise DomainError("no_candidates", "Eine Wahl braucht mindestens einen Bewerber.")
    election = Election.objects.create(
        municipality=municipality,
        kind=kind,
        title=title,
        date=date,
        status=status,
        previous_election=previous_election,
        first_round=first_round,
        internal_note=internal_note,
        quorum_percent=quorum_percent,
    )
    Candidate.objects.bulk_create(
        Candidate(municipality=municipality, election=election, position=i, name=n, party=p)
        for i, (n, p) in enumerate(candidates, start=1)
    )
    for spec in districts:
        district_add(election=election, spec=spec)
    audit.record(
        actor=actor,
        instance=election,
        action="create",
        after=audit.snapshot(election),
        summary=f"Wahl angelegt: {title}",
    )
    return election


def district_add(*, election: Election, spec: DistrictSpec) -> District:
    district = District.objects.create(
        municipality_id=election.municipality_id,
        election=election,
        number=spec.number,
        name=spec.name,
        kind=spec.kind,
    )
    eligible = (spec.a1, spec.a2, spec.a3, spec.a)
    if spec.kind == District.Kind.POSTAL:
        eligible = (0, 0, 0, 0)
    Result.objects.create(
        municipality_id=election.municipality_id,
        election=election,
        district=district,
        a1=eligible[0],
        a2=eligible[1],
        a3=eligible[2],
        a=eligible[3],
    )
    return district


def result_ensure(district: District) -> District:
    """Districts created outside the services (admin, shell) get their empty result here."""
    if not hasattr(district, "result"):
        district.result, _ = Result.objects.get_or_create(
            district=district,
            defaults={
                "election_id": district.election_id,
                "municipality_id": district.municipality_id,
            },
        )
    return district


@transaction.atomic
def election_set_status(*, election: Election, status: str, actor) -> Election:
    """Only election officers change the status; a final result stays final."""
    if actor is None or not actor.has_role(Role.ELECTION_OFFICER):
        raise DomainError(
            "not_election_officer", "Den Stand einer Wahl ändert nur das Wahlamt.", status=403
        )
    election = Election.objects.select_for_update().get(pk=election.pk)
    if status not in Election.Status.values:
        raise DomainError("bad_status", "Unbekannter Stand.")
    if election.status == Election.Status.FINAL and status != Election.Status.FINAL:
        raise Conflict(
            "final_is_final",
            "Ein festgestelltes endgültiges Ergebnis kann nicht zurückgenommen werden.",
        )
    if status == Election.Status.FINAL:
        open_ = election.results.exclude(state=Result.State.APPROVED).count()
        if open_:
            raise Conflict(
                "not_all_approved",
                f"Das endgültige Ergebnis kann erst festgestellt werden, wenn alle Bezirke "
                f"freigegeben sind ({open_} fehlen noch).",
            )
    before = audit.snapshot(election)
    election.status = status
    election.save(update_fields=["status"])
    audit.record(
        actor=actor,
        instance=election,
        action="update",
        before=before,
        after=audit.snapshot(election),
        summary=f"Stand: {election.get_status_display()}",
    )
    caching.bump(election.pk)
    return election


# --- entry with four eyes -------------------------------------------------------------------


def _engine_result(district: District, figures: dict, n_candidates: int) -> DistrictResult:
    votes = tuple(figures.get("votes") or ())
    return DistrictResult(
        district.number,
        district.name,
        district.kind,
        figures.get("a1"),
        figures.get("a2"),
        figures.get("a3"),
        figures.get("a"),
        figures.get("b"),
        figures.get("b1"),
        figures.get("c"),
        figures.get("d"),
        votes,
    )


def normalise(district: District, figures: dict, n_candidates: int) -> dict:
    """Figures as stored: ints or None, votes padded to the number of vote columns; postal
    districts have 0 eligible voters (votemanager writes 0)."""
    out = {f: figures.get(f) for f in FIGURE_FIELDS}
    votes = list(figures.get("votes") or [])
    n = vote_columns(n_candidates)
    votes = (votes + [None] * n)[:n] if len(votes) < n else votes
    out["votes"] = votes
    if district.kind == District.Kind.POSTAL:
        for f in ("a1", "a2", "a3", "a"):
            if out[f] is None:
                out[f] = 0
    return out


def check_figures(district: District, figures: dict, n_candidates: int) -> list[Problem]:
    """Engine plausibility plus: a report must be complete to be entered."""
    engine = _engine_result(district, figures, n_candidates)
    problems = check_district(engine, n_candidates)
    values = [(f.upper(), figures.get(f)) for f in FIGURE_FIELDS] + [
        (f"D{i}", v) for i, v in enumerate(figures.get("votes") or [], start=1)
    ]
    for col, v in values:
        if v is not None and v > MAX_FIGURE:
            problems.append(
                Problem("too_large", col, district.number, f"{engine.label}: {col} ist zu groß.")
            )
    if not problems and not engine.reported:
        missing = [
            c
            for c, v in (
                ("B", engine.B),
                ("B1", engine.B1),
                ("C", engine.C),
                ("D", engine.D),
                *((f"D{i}", v) for i, v in enumerate(engine.votes, start=1)),
            )
            if v is None
        ] or ["A"]
        col = missing[0]
        problems.append(
            Problem(
                "incomplete",
                col,
                district.number,
                f"{engine.label}: {col} ({column_title(col, n_candidates)}) fehlt; "
                f"bitte die vollständige Meldung erfassen.",
            )
        )
    return problems


def _lock_result(result: Result) -> Result:
    return (
        Result.objects.select_for_update().select_related("district", "election").get(pk=result.pk)
    )


@transaction.atomic
def result_enter(
    *,
    result: Result,
    actor,
    figures: dict,
    reason: str = "",
    stage: str = Result.Stage.QUICK,
    expected_revision: int | None = None,
) -> Result:
    """Enter (or correct) a district's figures; the result then waits for another's approval.

    A change after approval needs a reason, is logged as a ``Correction`` and withdraws the
    approval (the figures vanish from the public page until someone else approves again).
    """
    result = _lock_result(result)
    election = result.election
    if election.status == Election.Status.FINAL:
        raise Conflict(
            "election_final",
            "Das endgültige Ergebnis ist festgestellt; Änderungen sind nicht mehr möglich.",
        )
    if expected_revision is not None and expected_revision != result.revision:
        raise Conflict(
            "stale",
            f"{result.district}: Die Meldung wurde inzwischen geändert. Bitte neu laden und "
            f"erneut prüfen.",
        )
    n = election.candidates.count()
    new = normalise(result.district, figures, n)
    problems = check_figures(result.district, new, n)
    if problems:
        raise PlausibilityError(problems)
    old = result.figures()
    was_approved = result.state == Result.State.APPROVED
    reason = (reason or "").strip()
    if was_approved:
        if old == new:
            raise DomainError(
                "unchanged", f"{result.district}: Die Zahlen sind unverändert.", status=422
            )
        if not reason:
            raise DomainError(
                "reason_required",
                f"{result.district}: Für eine Korrektur nach der Freigabe ist eine Begründung "
                f"erforderlich.",
                status=422,
                errors=[{"field": "reason", "message": "Bitte eine Begründung angeben."}],
            )
        Correction.objects.create(
            municipality_id=result.municipality_id,
            result=result,
            actor=actor,
            before=old,
            after=new,
            reason=reason[:2000],
        )
    before = audit.snapshot(result)
    for f in FIGURE_FIELDS:
        setattr(result, f, new[f])
    result.votes = new["votes"]
    result.state = Result.State.ENTERED
    result.stage = stage if stage in Result.Stage.values else Result.Stage.QUICK
    result.entered_by = actor
    result.entered_at = timezone.now()
    result.approved_by = None
    result.approved_at = None
    result.revision += 1
    result.save()
    audit.record(
        actor=actor,
        instance=result,
        action="update",
        before=before,
        after=audit.snapshot(result),
        summary=(
            f"Korrektur {result.district}: {reason}"
            if was_approved
            else f"Meldung erfasst: {result.district}"
        ),
    )
    if election.status == Election.Status.PREPARATION:
        Election.objects.filter(pk=election.pk).update(status=Election.Status.COUNTING)
        caching.bump(election.pk)
    if was_approved:
        caching.bump(election.pk)
    return result


@transaction.atomic
def result_approve(*, result: Result, actor, expected_revision: int | None = None) -> Result:
    """Approve a result entered by someone else (four eyes)."""
    result = _lock_result(result)
    if result.state != Result.State.ENTERED:
        raise Conflict(
            "not_pending",
            f"{result.district}: Es liegt keine Meldung zur Freigabe vor "
            f"(Stand: {result.get_state_display()}).",
        )
    if expected_revision is not None and expected_revision != result.revision:
        raise Conflict(
            "stale",
            f"{result.district}: Die Meldung wurde inzwischen geändert. Bitte neu prüfen.",
        )
    if actor is None or result.entered_by_id == actor.pk:
        raise DomainError(
            "four_eyes",
            f"{result.district}: Vier-Augen-Prinzip – Sie haben diese Meldung selbst erfasst; "
            f"freigeben muss eine andere Person des Wahlamts.",
            status=403,
        )
    before = audit.snapshot(result)
    result.state = Result.State.APPROVED
    result.approved_by = actor
    result.approved_at = timezone.now()
    result.save(update_fields=["state", "approved_by", "approved_at"])
    audit.record(
        actor=actor,
        instance=result,
        action="action",
        before=before,
        after=audit.snapshot(result),
        summary=f"Meldung freigegeben: {result.district}",
    )
    caching.bump(result.election_id)
    return result


def results_approve_all(*, election: Election, actor) -> tuple[int, int]:
    """Approve every pending result entered by someone else; returns (approved, own skipped)."""
    approved = own = 0
    pending = Result.objects.filter(election=election, state=Result.State.ENTERED).order_by("id")
    for result in pending:
        if result.entered_by_id == actor.pk:
            own += 1
            continue
        try:
            result_approve(result=result, actor=actor)
            approved += 1
        except DomainError:
            continue
    return approved, own
