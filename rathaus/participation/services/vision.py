"""Co-writing the guiding vision: paragraph comments with proposed wording, and new versions
of a paragraph that record which contributions changed it (the trace from sentence to input)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.participation import caching
from rathaus.participation.models import (
    Module,
    ParagraphComment,
    Participant,
    Process,
    Visibility,
    VisionParagraph,
)
from rathaus.participation.services.common import (
    open_state,
    require_admitted,
    require_participant,
)
from rathaus.participation.text import multi_line


@transaction.atomic
def paragraph_comment_create(
    *,
    paragraph: VisionParagraph,
    participant: Participant | None,
    body: str,
    proposal: str = "",
    now: datetime | None = None,
) -> ParagraphComment:
    now = now_or(now)
    process = paragraph.chapter.process
    state = open_state(process, now, "comments")
    require_participant(participant, process)
    require_admitted(process, state, participant, Module.VISION)
    if not paragraph.current:
        raise DomainError(
            "paragraph_outdated",
            _("Dieser Absatz wurde inzwischen geändert. Bitte kommentieren Sie die neue Fassung."),
            status=409,
        )
    comment = ParagraphComment.objects.create(
        municipality_id=process.municipality_id,
        paragraph=paragraph,
        participant=participant,
        body=multi_line(body, field="body", label=_("Anmerkung"), max_length=5000),
        proposal=multi_line(
            proposal,
            field="proposal",
            label=_("Vorgeschlagene Fassung"),
            max_length=5000,
            required=False,
        ),
        visibility=Visibility.PENDING
        if process.moderation == Process.Moderation.PRE
        else Visibility.PUBLISHED,
        created_at=now,
    )
    caching.bump(process.pk)
    audit.record(actor=None, instance=comment, action="create", summary="Leitbild-Anmerkung")
    return comment


@transaction.atomic
def paragraph_revise(
    *,
    actor,
    paragraph: VisionParagraph,
    text: str,
    sources: list[ParagraphComment] | tuple = (),
    now: datetime | None = None,
) -> VisionParagraph:
    """A new version of ``paragraph``; ``sources`` are the contributions it takes up."""
    now = now_or(now)
    locked = VisionParagraph.objects.select_for_update().get(pk=paragraph.pk)
    if not locked.current:
        raise DomainError(
            "paragraph_outdated", _("Dieser Absatz wurde inzwischen geändert."), status=409
        )
    if any(s.paragraph_id != locked.pk for s in sources):
        raise DomainError("source_invalid", _("Eine Anmerkung gehört zu einem anderen Absatz."))
    text = multi_line(text, field="text", label=_("Neue Fassung"), max_length=5000)
    locked.current = False
    locked.save(update_fields=["current"])
    revised = VisionParagraph.objects.create(
        municipality_id=locked.municipality_id,
        chapter_id=locked.chapter_id,
        position=locked.position,
        version=locked.version + 1,
        text=text,
        previous=locked,
        created_at=now,
    )
    ParagraphComment.objects.filter(pk__in=[s.pk for s in sources]).update(adopted_in=revised)
    caching.bump(locked.chapter.process_id)
    audit.record(
        actor=actor,
        instance=revised,
        action="create",
        summary=_("Leitbild-Absatz Fassung %(version)s (%(count)s Beiträge)")
        % {"version": revised.version, "count": len(sources)},
    )
    return revised
