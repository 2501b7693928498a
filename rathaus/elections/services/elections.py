"""Writes that set up an election: the election with candidates and districts, its status."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Role
from rathaus.core.problems import Conflict, DomainError
from rathaus.elections import caching
from rathaus.elections.models import Candidate, District, Election, Result
from rathaus.elections.selectors.elections import is_open_for_setup, quick_report_districts


@dataclass(frozen=True)
class DistrictSpec:
    number: str
    name: str
    kind: str = "urne"
    a1: int | None = None
    a2: int | None = None
    a3: int | None = None
    a: int | None = None


def _refuse_unless_officer(actor) -> None:
    if actor is None or not actor.has_role(Role.ELECTION_OFFICER):
        raise DomainError(
            "not_election_officer", _("Den Stand einer Wahl ändert nur das Wahlamt."), status=403
        )


def _refuse_unless_open(election: Election) -> None:
    if election.is_runoff:
        raise Conflict(
            "runoff_fixed",
            _(
                "Bewerber und Wahlbezirke einer Stichwahl ergeben sich aus der Hauptwahl und "
                "können nicht geändert werden."
            ),
        )
    if not is_open_for_setup(election):
        raise Conflict(
            "setup_closed",
            _(
                "Die Wahl ist veröffentlicht oder es liegen schon Meldungen vor; Bewerber und "
                "Wahlbezirke können nicht mehr geändert werden."
            ),
        )


def _create_candidates(election: Election, candidates: Sequence[tuple[str, str]]) -> None:
    if not candidates:
        raise DomainError("no_candidates", _("Eine Wahl braucht mindestens einen Bewerber."))
    names = [name for name, _party in candidates]
    if len(set(names)) != len(names):
        raise DomainError(
            "duplicate_candidate", _("Jeder Bewerber darf nur einmal auf dem Stimmzettel stehen.")
        )
    Candidate.objects.bulk_create(
        Candidate(
            municipality_id=election.municipality_id,
            election=election,
            position=i,
            name=n,
            party=p,
        )
        for i, (n, p) in enumerate(candidates, start=1)
    )


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
    _create_candidates(election, candidates)
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


@transaction.atomic
def election_update(
    *,
    election: Election,
    actor,
    title: str,
    date: date,
    kind: str,
    candidates: Sequence[tuple[str, str]],
    previous_election: Election | None = None,
    quorum_percent: int = 20,
    internal_note: str = "",
) -> Election:
    """Change an election and its candidates (in ballot order) while it is being prepared."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    _refuse_unless_open(election)
    before = audit.snapshot(election)
    election.title, election.date, election.kind = title, date, kind
    election.previous_election = previous_election
    election.quorum_percent = quorum_percent
    election.internal_note = internal_note
    election.save()
    election.candidates.all().delete()
    _create_candidates(election, candidates)
    audit.record(
        actor=actor,
        instance=election,
        action="update",
        before=before,
        after=audit.snapshot(election),
        summary=_("Wahl geändert: %(title)s; Bewerber: %(names)s")
        % {"title": title, "names": ", ".join(n for n, _p in candidates)},
    )
    caching.bump(election.pk)
    return election


def district_add(*, election: Election, spec: DistrictSpec) -> District:
    """A district with its empty result (eligible voters from the register; postal: 0)."""
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
    district.result = Result.objects.create(
        municipality_id=election.municipality_id,
        election=election,
        district=district,
        a1=eligible[0],
        a2=eligible[1],
        a3=eligible[2],
        a=eligible[3],
    )
    return district


@transaction.atomic
def districts_add(*, election: Election, specs: Sequence[DistrictSpec], actor) -> list[District]:
    """Add districts to an election in preparation: all of them or none."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    _refuse_unless_open(election)
    try:
        with transaction.atomic():
            added = [district_add(election=election, spec=spec) for spec in specs]
    except IntegrityError as exc:
        raise Conflict(
            "duplicate_district",
            _("Diese Wahl hat schon einen Wahlbezirk mit dieser Nummer."),
        ) from exc
    for district in added:
        audit.record(
            actor=actor,
            instance=district,
            action="create",
            after=audit.snapshot(district),
            summary=f"Wahlbezirk angelegt: {district}",
        )
    caching.bump(election.pk)
    return added


@transaction.atomic
def district_delete(*, district: District, actor) -> None:
    election = Election.objects.select_for_update().get(pk=district.election_id)
    _refuse_unless_open(election)
    audit.record(
        actor=actor,
        instance=district,
        action="delete",
        before=audit.snapshot(district),
        summary=_("Wahlbezirk gelöscht: %(district)s") % {"district": district},
    )
    district.delete()
    caching.bump(election.pk)


@transaction.atomic
def result_ensure(*, district: District) -> Result:
    """The district's result row; districts created outside the services get it at first save."""
    result, _created = Result.objects.get_or_create(
        district=district,
        defaults={"election_id": district.election_id, "municipality_id": district.municipality_id},
    )
    district.result = result
    return result


def _refuse_final_unless_ready(election: Election) -> None:
    """The final result needs every district approved, and approved as a final report (the
    election committee determines it from the polling records, § 48 KWahlG NRW, not from
    quick reports)."""
    open_ = election.results.exclude(state=Result.State.APPROVED).count()
    missing = election.districts.filter(result__isnull=True).count()
    if open_ or missing or not election.districts.exists():
        raise Conflict(
            "not_all_approved",
            _(
                "Das endgültige Ergebnis kann erst festgestellt werden, wenn alle Bezirke "
                "freigegeben sind (%(count)s fehlen noch)."
            )
            % {"count": open_ + missing},
        )
    quick = quick_report_districts(election)
    if quick:
        raise Conflict(
            "quick_reports",
            _(
                "Das endgültige Ergebnis kann erst festgestellt werden, wenn für jeden Bezirk "
                "die endgültige Meldung nach der Wahlniederschrift freigegeben ist. Nur "
                "Schnellmeldung: %(districts)s."
            )
            % {"districts": ", ".join(d.number for d in quick)},
        )


def _refuse_publishing_empty(election: Election) -> None:
    if not election.candidates.exists() or not election.districts.exists():
        raise Conflict(
            "not_ready",
            _("Vor der Veröffentlichung braucht die Wahl Bewerber und Wahlbezirke."),
        )


@transaction.atomic
def election_set_status(*, election: Election, status: str, actor) -> Election:
    """Only election officers change the status; a final result stays final."""
    _refuse_unless_officer(actor)
    election = Election.objects.select_for_update().get(pk=election.pk)
    if status not in Election.Status.values:
        raise DomainError("bad_status", _("Unbekannter Stand."))
    if election.status == Election.Status.FINAL and status != Election.Status.FINAL:
        raise Conflict(
            "final_is_final",
            _("Ein festgestelltes endgültiges Ergebnis kann nicht zurückgenommen werden."),
        )
    if status == Election.Status.FINAL:
        _refuse_final_unless_ready(election)
    if status != Election.Status.PREPARATION:
        _refuse_publishing_empty(election)
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
    # the first round's public page and API link to its runoff once that is public
    caching.bump(election.first_round_id)
    return election


def election_publish(*, election: Election, actor) -> Election:
    """The election office makes an election public (preparation → counting)."""
    if election.status != Election.Status.PREPARATION:
        raise Conflict("already_public", _("Die Wahl ist bereits veröffentlicht."))
    return election_set_status(election=election, status=Election.Status.COUNTING, actor=actor)
