"""Writes of processes, phases, districts and the street directory (staff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Municipality
from rathaus.core.problems import DomainError
from rathaus.engines.districtmap import parse_directory_csv
from rathaus.participation import caching
from rathaus.participation.models import Audience, District, Phase, Process, StreetRange
from rathaus.participation.text import multi_line, one_line

K = Phase.Kind

# The default plan: (kind, days, ideas, comments, support, poll)
DEFAULT_PLAN = [
    (K.INFORMATION, 7, False, False, False, False),
    (K.CONTRIBUTIONS, 28, True, True, True, False),
    (K.RATING, 14, False, True, True, True),
    (K.EVALUATION, 28, False, False, False, False),
    (K.RESULT, 365, False, False, False, False),
]


@dataclass(frozen=True)
class PhaseSpec:
    kind: str
    starts_on: date
    ends_on: date
    ideas: bool = False
    comments: bool = False
    support: bool = False
    poll: bool = False
    audience: str = ""
    questions: bool = False


def default_phases(start: date) -> list[PhaseSpec]:
    specs, day = [], start
    for kind, days, ideas, comments, support, poll in DEFAULT_PLAN:
        specs.append(
            PhaseSpec(kind, day, day + timedelta(days=days - 1), ideas, comments, support, poll)
        )
        day += timedelta(days=days)
    return specs


def _check_phases(phases: list[PhaseSpec]) -> None:
    for spec in phases:
        if spec.ends_on < spec.starts_on:
            raise DomainError("phase_dates", _("Eine Phase endet vor ihrem Beginn."))
    ordered = sorted(phases, key=lambda p: p.starts_on)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.starts_on <= a.ends_on:
            raise DomainError("phase_overlap", _("Zwei Phasen überschneiden sich."))


@transaction.atomic
def process_create(
    *,
    actor,
    municipality: Municipality,
    title: str,
    summary: str,
    description: str = "",
    kind: str = Process.Kind.PLANNING,
    audience: str = Audience.EVERYONE,
    moderation: str = Process.Moderation.POST,
    districts: list[District] | tuple = (),
    phases: list[PhaseSpec] | None = None,
    published: bool = False,
    now: datetime | None = None,
) -> Process:
    now = now_or(now)
    if audience not in Audience.values:
        raise DomainError("audience_invalid", _("Unbekannte Zielgruppe."))
    if any(d.municipality_id != municipality.pk for d in districts):
        raise DomainError("district_invalid", _("Unbekannter Stadtteil."))
    if audience == Audience.DISTRICTS and not districts:
        raise DomainError(
            "districts_required",
            _("Bitte wählen Sie die betroffenen Stadtteile aus."),
            errors=[{"field": "districts", "message": _("Pflichtfeld")}],
        )
    process = Process.objects.create(
        municipality=municipality,
        title=one_line(title, field="title", label=_("Titel"), max_length=200),
        summary=multi_line(summary, field="summary", label=_("Kurzbeschreibung"), max_length=1000),
        description=multi_line(
            description,
            field="description",
            label=_("Beschreibung"),
            max_length=20000,
            required=False,
        ),
        kind=kind,
        audience=audience,
        moderation=moderation,
        published=published,
        created_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    process.districts.set(districts)
    specs = phases if phases is not None else default_phases(timezone.localdate(now))
    _check_phases(specs)
    Phase.objects.bulk_create(
        Phase(
            municipality=municipality,
            process=process,
            kind=s.kind,
            starts_on=s.starts_on,
            ends_on=s.ends_on,
            allows_ideas=s.ideas,
            allows_comments=s.comments,
            allows_support=s.support,
            allows_poll=s.poll,
            allows_questions=s.questions,
            audience=s.audience,
        )
        for s in specs
    )
    audit.record(actor=actor, instance=process, action="create", after=audit.snapshot(process))
    return process


@transaction.atomic
def process_publish(*, actor, process: Process, published: bool = True) -> Process:
    before = audit.snapshot(process)
    process.published = published
    process.save(update_fields=["published"])
    caching.bump(process.pk)
    audit.record(
        actor=actor, instance=process, action="update", before=before, after=audit.snapshot(process)
    )
    return process


@dataclass(frozen=True)
class DirectoryImport:
    created: int
    errors: list[tuple[int, str]]


@transaction.atomic
def street_directory_import(*, actor, municipality: Municipality, text: str) -> DirectoryImport:
    """Replace the municipality's street directory from CSV (``Straße;von;bis;Seite;Stadtteil``).

    All or nothing: any line error (or an unknown district code) stores nothing.
    """
    result = parse_directory_csv(text)
    errors = [(e.line, e.message) for e in result.errors]
    districts = {d.code: d for d in District.objects.filter(municipality=municipality)}
    for index, item in enumerate(result.ranges):
        if item.district not in districts:
            errors.append(
                (
                    0,
                    _("Unbekannter Stadtteil „%(code)s“ (Eintrag %(n)d).")
                    % {"code": item.district, "n": index + 1},
                )
            )
    if errors:
        return DirectoryImport(0, errors)
    StreetRange.objects.filter(municipality=municipality).delete()
    StreetRange.objects.bulk_create(
        StreetRange(
            municipality=municipality,
            district=districts[item.district],
            street=item.street,
            first=item.first,
            last=item.last,
            parity=item.parity,
        )
        for item in result.ranges
    )
    audit.record(
        actor=actor,
        action="import",
        municipality_id=municipality.pk,
        object_type="participation.StreetRange",
        summary=_("Straßenverzeichnis: %(count)s Abschnitte") % {"count": len(result.ranges)},
    )
    return DirectoryImport(len(result.ranges), [])
