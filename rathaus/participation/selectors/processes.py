"""Reads of processes and phases: public (published only) and staff (scoped to the user)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from rathaus.core.models import Municipality
from rathaus.core.tenancy import get_scoped_or_404, scoped
from rathaus.participation.models import (
    Audience,
    District,
    Expert,
    Idea,
    InvitationGroup,
    Phase,
    Process,
    StreetRange,
    VisionChapter,
    VisionParagraph,
)


@dataclass(frozen=True)
class PhaseState:
    """What the phase of ``today`` allows, and for whom."""

    phase: Phase | None
    audience: str
    ideas: bool
    comments: bool
    support: bool
    poll: bool
    questions: bool = False

    @property
    def open(self) -> bool:
        return self.ideas or self.comments or self.support or self.poll or self.questions


def public_processes(*, municipality_slug: str | None = None) -> QuerySet[Process]:
    qs = Process.objects.filter(published=True).select_related("municipality")
    if municipality_slug:
        qs = qs.filter(municipality__slug=municipality_slug)
    return qs.prefetch_related("districts", "phases")


def public_municipality(slug: str) -> Municipality | None:
    return Municipality.objects.filter(slug=slug).first()


def public_process(process_id) -> Process | None:
    try:
        return (
            Process.objects.select_related("municipality")
            .prefetch_related("districts", "phases")
            .get(pk=int(process_id), published=True)
        )
    except (Process.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def phase_state(process: Process, today: date, phases=None) -> PhaseState:
    """``phases``: the process's phases when the caller has them (else they are read)."""
    phases = list(process.phases.all()) if phases is None else phases
    current = next((p for p in phases if p.starts_on <= today <= p.ends_on), None)
    if current is None:
        return PhaseState(None, process.audience, False, False, False, False)
    return PhaseState(
        current,
        current.audience or process.audience,
        current.allows_ideas,
        current.allows_comments,
        current.allows_support,
        current.allows_poll,
        current.allows_questions,
    )


def processes_for_staff(user) -> QuerySet[Process]:
    return scoped(Process, user).prefetch_related("districts", "phases").order_by("-created_at")


def process_for_staff(user, process_id) -> Process:
    return get_scoped_or_404(
        Process.objects.select_related("municipality").prefetch_related("districts", "phases"),
        user,
        pk=process_id,
    )


def districts_for(user) -> QuerySet[District]:
    return scoped(District, user).order_by("name")


def audience_label(process: Process, audience: str) -> str:
    names = ", ".join(d.name for d in process.districts.all())
    if audience == Audience.DISTRICTS and names:
        return f"{Audience(audience).label}: {names}"
    return str(Audience(audience).label)


def experts_for(user) -> QuerySet[Expert]:
    return scoped(Expert, user).select_related("district").order_by("name")


def groups_of(process: Process) -> QuerySet[InvitationGroup]:
    return (
        InvitationGroup.objects.filter(process=process)
        .annotate(
            issued=Count("codes", distinct=True),
            used=Count("codes", filter=Q(codes__used_by__isnull=False), distinct=True),
        )
        .order_by("name")
    )


def street_count(user) -> int:
    return scoped(StreetRange, user).count()


def chapters_of(process: Process) -> list[VisionChapter]:
    """Chapters with their current paragraphs (``.current_paragraphs``) for the vision page."""
    chapters = list(VisionChapter.objects.filter(process=process).select_related("district"))
    paragraphs: dict[int, list[VisionParagraph]] = {}
    for p in VisionParagraph.objects.filter(chapter__process=process, current=True).order_by(
        "position"
    ):
        paragraphs.setdefault(p.chapter_id, []).append(p)
    for chapter in chapters:
        chapter.current_paragraphs = paragraphs.get(chapter.pk, [])
    return chapters


def districts_of(process: Process) -> list[District]:
    """The districts an idea may be placed in: the process's, else all of the municipality."""
    return list(process.districts.all()) or list(
        District.objects.filter(municipality_id=process.municipality_id)
    )


def public_districts(municipality: Municipality) -> list[District]:
    """Districts with the published processes concerning them (``.open_processes``) and the
    number of visible ideas placed there (``.idea_count``): the list view of the map."""
    districts = list(District.objects.filter(municipality=municipality).order_by("name"))
    ideas = dict(
        Idea.objects.filter(
            process__municipality=municipality,
            process__published=True,
            visibility="published",
            district__isnull=False,
        )
        .values("district")
        .annotate(n=Count("pk"))
        .values_list("district", "n")
    )
    processes: dict[int, list[Process]] = {}
    for process in Process.objects.filter(
        municipality=municipality, published=True
    ).prefetch_related("districts"):
        for district in process.districts.all():
            processes.setdefault(district.pk, []).append(process)
    for district in districts:
        district.idea_count = ideas.get(district.pk, 0)
        district.open_processes = processes.get(district.pk, [])
    return districts
