"""Writes that set up an election: the election with candidates and districts, its status."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Role
from rathaus.core.problems import Conflict, DomainError
from rathaus.elections import caching
from rathaus.elections.models import Candidate, District, Election, Result


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
        raise DomainError("no_candidates", _("Eine Wahl braucht mindestens einen Bewerber."))
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
        district.result, _created = Result.objects.get_or_create(
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
            "not_election_officer", _("Den Stand einer Wahl ändert nur das Wahlamt."), status=403
        )
    election = Election.objects.select_for_update().get(pk=election.pk)
    if status not in Election.Status.values:
        raise DomainError("bad_status", _("Unbekannter Stand."))
    if election.status == Election.Status.FINAL and status != Election.Status.FINAL:
        raise Conflict(
            "final_is_final",
            _("Ein festgestelltes endgültiges Ergebnis kann nicht zurückgenommen werden."),
        )
    if status == Election.Status.FINAL:
        open_ = election.results.exclude(state=Result.State.APPROVED).count()
        if open_:
            raise Conflict(
                "not_all_approved",
                _(
                    "Das endgültige Ergebnis kann erst festgestellt werden, wenn alle Bezirke "
                    "freigegeben sind (%(count)s fehlen noch)."
                )
                % {"count": open_},
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
