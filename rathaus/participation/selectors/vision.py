"""Reads of the guiding vision: a paragraph with its versions, their sources and comments."""

from __future__ import annotations

from dataclasses import dataclass

from rathaus.core.tenancy import get_scoped_or_404
from rathaus.participation.models import ParagraphComment, Visibility, VisionParagraph


@dataclass(frozen=True)
class Version:
    paragraph: VisionParagraph
    sources: list[ParagraphComment]  # the contributions this version took up


def public_paragraph(paragraph_id) -> VisionParagraph | None:
    try:
        return (
            VisionParagraph.objects.select_related(
                "chapter", "chapter__district", "chapter__process", "chapter__process__municipality"
            )
            .filter(pk=int(paragraph_id), chapter__process__published=True)
            .first()
        )
    except (ValueError, TypeError, OverflowError):
        return None


def history(paragraph: VisionParagraph) -> list[Version]:
    """All versions of this paragraph's position, newest first, with their sources."""
    versions = list(
        VisionParagraph.objects.filter(
            chapter_id=paragraph.chapter_id, position=paragraph.position
        ).order_by("-version")
    )
    sources: dict[int, list[ParagraphComment]] = {}
    for comment in ParagraphComment.objects.filter(
        adopted_in__in=versions, visibility=Visibility.PUBLISHED
    ).select_related("participant"):
        sources.setdefault(comment.adopted_in_id, []).append(comment)
    return [Version(v, sources.get(v.pk, [])) for v in versions]


def public_comments(paragraph: VisionParagraph) -> list[ParagraphComment]:
    return list(
        ParagraphComment.objects.filter(
            paragraph__chapter_id=paragraph.chapter_id, paragraph__position=paragraph.position
        )
        .exclude(visibility=Visibility.PENDING)
        .select_related("participant", "participant__expert", "participant__district", "paragraph")
        .order_by("created_at")
    )


def staff_paragraph(user, paragraph_id) -> VisionParagraph:
    return get_scoped_or_404(
        VisionParagraph.objects.select_related("chapter", "chapter__process"), user, pk=paragraph_id
    )


def open_comments(paragraph: VisionParagraph) -> list[ParagraphComment]:
    return list(
        ParagraphComment.objects.filter(
            paragraph=paragraph, visibility=Visibility.PUBLISHED, adopted_in__isnull=True
        ).select_related("participant")
    )
