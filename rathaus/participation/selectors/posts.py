"""Reads of ideas, comments and a participant's own contributions (with moderation feedback)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from rathaus.core.tenancy import get_scoped_or_404, scoped
from rathaus.participation import conf
from rathaus.participation.models import (
    Comment,
    EventQuestion,
    Flag,
    Idea,
    ParagraphComment,
    Participant,
    PollAnswer,
    PollVote,
    Process,
    Support,
    Visibility,
    hash_token,
)

AUTHOR = ("participant", "participant__expert", "participant__district", "staff_author")


def public_ideas_page(process: Process, page_number=1, *, status: str = "") -> Page:
    qs = (
        Idea.objects.filter(process=process, visibility=Visibility.PUBLISHED)
        .select_related("district", *AUTHOR)
        .order_by("-created_at", "-pk")
    )
    if status in Idea.Status.values:
        qs = qs.filter(status=status)
    return Paginator(qs, conf.page_size()).get_page(page_number)


def public_idea(idea_id) -> Idea | None:
    try:
        return Idea.objects.select_related(
            "process", "process__municipality", "district", *AUTHOR
        ).get(pk=int(idea_id), process__published=True, visibility=Visibility.PUBLISHED)
    except (Idea.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def public_comments_page(idea: Idea, page_number=1) -> Page:
    """Top-level comments (paginated) with their visible replies; hidden ones as placeholders."""
    qs = (
        Comment.objects.filter(idea=idea, parent__isnull=True)
        .exclude(visibility=Visibility.PENDING)
        .select_related(*AUTHOR)
        .order_by("created_at", "pk")
    )
    page = Paginator(qs, 50).get_page(page_number)
    ids = [c.pk for c in page.object_list]
    replies: dict[int, list[Comment]] = {}
    for reply in (
        Comment.objects.filter(parent_id__in=ids)
        .exclude(visibility=Visibility.PENDING)
        .select_related(*AUTHOR)
        .order_by("created_at", "pk")
    ):
        replies.setdefault(reply.parent_id, []).append(reply)
    for comment in page.object_list:
        comment.visible_replies = replies.get(comment.pk, [])
    return page


def participant_by_token(token: str | None) -> Participant | None:
    if not token or len(token) > 100:
        return None
    return (
        Participant.objects.select_related(
            "process", "process__municipality", "district", "group", "expert"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def participant_in(process: Process, token: str | None) -> Participant | None:
    """The participant of ``process`` behind the personal ``token`` (one query without the
    process: the caller has it already)."""
    if not token or len(token) > 100:
        return None
    participant = (
        Participant.objects.select_related("district", "group", "expert")
        .filter(token_hash=hash_token(token), process_id=process.pk)
        .first()
    )
    if participant is not None:
        participant.process = process
    return participant


def idea_to_comment_on(idea_id) -> Idea | None:
    """A published idea of a published process with only its process (posting a comment
    needs nothing else)."""
    try:
        return Idea.objects.select_related("process").get(
            pk=int(idea_id), process__published=True, visibility=Visibility.PUBLISHED
        )
    except (Idea.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def participant_by_id(participant_id, process: Process) -> Participant | None:
    try:
        return (
            Participant.objects.select_related("expert", "district", "group")
            .filter(pk=int(participant_id), process=process)
            .first()
        )
    except (ValueError, TypeError, OverflowError):
        return None


def own_posts(participant: Participant) -> tuple[list[Idea], list[Comment]]:
    ideas = list(
        Idea.objects.filter(participant=participant)
        .order_by("-created_at")
        .select_related("process")
    )
    comments = list(
        Comment.objects.filter(participant=participant)
        .select_related("idea")
        .order_by("-created_at")
    )
    return ideas, comments


def accountability(process: Process) -> dict[str, list[Idea]]:
    """Ideas by status for "you said, we did" (published ideas only)."""
    groups: dict[str, list[Idea]] = {s: [] for s in Idea.Status.values}
    for idea in (
        Idea.objects.filter(process=process, visibility=Visibility.PUBLISHED)
        .select_related("district")
        .order_by("number")
    ):
        groups[idea.status].append(idea)
    return groups


def moderation_queue(user) -> tuple[list[Idea], list[Comment]]:
    """Posts waiting for approval, flagged and not yet handled, or answered by their author."""
    need = Q(visibility=Visibility.PENDING) | Q(flag_count__gt=0, moderated_at__isnull=True)
    need |= Q(visibility=Visibility.HIDDEN) & ~Q(author_reply="")
    ideas = list(
        scoped(Idea, user)
        .filter(need)
        .select_related("process", *AUTHOR)
        .order_by("created_at")[:200]
    )
    comments = list(
        scoped(Comment, user)
        .filter(need)
        .select_related("idea", "idea__process", *AUTHOR)
        .order_by("created_at")[:200]
    )
    return ideas, comments


def flags_for(user, *, idea_ids=(), comment_ids=()) -> dict[tuple[str, int], list[str]]:
    out: dict[tuple[str, int], list[str]] = {}
    for flag in scoped(Flag, user).filter(
        Q(idea_id__in=list(idea_ids)) | Q(comment_id__in=list(comment_ids)), handled=False
    ):
        key = ("idea", flag.idea_id) if flag.idea_id else ("comment", flag.comment_id)
        out.setdefault(key, []).append(flag.reason)
    return out


def staff_idea(user, idea_id) -> Idea:
    return get_scoped_or_404(Idea.objects.select_related("process", *AUTHOR), user, pk=idea_id)


def staff_comment(user, comment_id) -> Comment:
    return get_scoped_or_404(
        Comment.objects.select_related("idea", "idea__process", *AUTHOR), user, pk=comment_id
    )


def staff_ideas(user, process: Process) -> QuerySet[Idea]:
    return scoped(Idea, user).filter(process=process).select_related("district").order_by("number")


def comment_of(idea: Idea, comment_id) -> Comment | None:
    return Comment.objects.filter(pk=comment_id, idea=idea).first()


def public_comment(comment_id) -> Comment | None:
    """A visible comment under a visible idea of a published process (for the flag page)."""
    try:
        return (
            Comment.objects.select_related("idea", "idea__process")
            .filter(
                pk=int(comment_id),
                visibility=Visibility.PUBLISHED,
                idea__visibility=Visibility.PUBLISHED,
                idea__process__published=True,
            )
            .first()
        )
    except (ValueError, TypeError, OverflowError):
        return None


def own_idea(participant: Participant, idea_id) -> Idea | None:
    return Idea.objects.filter(pk=idea_id, participant=participant).first()


def own_comment(participant: Participant, comment_id) -> Comment | None:
    return Comment.objects.filter(pk=comment_id, participant=participant).first()


def personal_export(participant: Participant) -> dict:
    """Everything stored about a participant (GDPR Art. 15), as plain JSON data."""
    ideas, comments = own_posts(participant)
    return {
        "verfahren": participant.process.title,
        "oeffentlicher_name": participant.pseudonym,
        "email_fuer_benachrichtigungen": participant.email or None,
        "stadtteil": participant.district.name if participant.district else None,
        "gruppe": participant.group.name if participant.group else None,
        "angemeldet_am": participant.created_at.isoformat(),
        "bestaetigte_einwilligungstexte": dict(participant.consents or {}),
        "ideen": [
            {
                "nummer": i.reference,
                "titel": i.title,
                "text": i.body,
                "sichtbarkeit": i.visibility,
                "moderation": i.moderation_reason,
                "stand": i.status,
                "erstellt": i.created_at.isoformat(),
            }
            for i in ideas
        ],
        "kommentare": [
            {
                "zu_idee": c.idea.reference,
                "text": c.body,
                "sichtbarkeit": c.visibility,
                "moderation": c.moderation_reason,
                "erstellt": c.created_at.isoformat(),
            }
            for c in comments
        ],
        "unterstuetzungen": list(
            Support.objects.filter(participant=participant).values_list("idea__number", flat=True)
        ),
        "umfragen": _own_poll_data(participant),
        "fragen_zu_veranstaltungen": _own_questions(participant),
    }


def _own_questions(participant: Participant) -> list[dict]:
    return [
        {
            "veranstaltung": q.conference.title,
            "frage": q.body,
            "sichtbarkeit": q.visibility,
            "moderation": q.moderation_reason,
            "beantwortet": q.answered_at.isoformat() if q.answered_at else None,
            "erstellt": q.created_at.isoformat(),
        }
        for q in EventQuestion.objects.filter(participant=participant).select_related("conference")
    ]


def _own_poll_data(participant: Participant) -> list[dict]:
    votes = [
        {"frage": v.poll.question, "antwort": v.option.label, "platz": v.rank}
        for v in PollVote.objects.filter(participant=participant).select_related("poll", "option")
    ]
    answers = [
        {"frage": a.poll.question, "freitext": a.body, "sichtbarkeit": a.visibility}
        for a in PollAnswer.objects.filter(participant=participant).select_related("poll")
    ]
    return votes + answers


def paragraph_moderation_queue(user) -> list[ParagraphComment]:
    need = Q(visibility=Visibility.PENDING) | (
        Q(visibility=Visibility.HIDDEN) & ~Q(author_reply="")
    )
    return list(
        scoped(ParagraphComment, user)
        .filter(need)
        .select_related("paragraph__chapter__process", *AUTHOR)
        .order_by("created_at")[:200]
    )


def staff_paragraph_comment(user, comment_id) -> ParagraphComment:
    return get_scoped_or_404(
        ParagraphComment.objects.select_related("paragraph__chapter__process"), user, pk=comment_id
    )


def own_paragraph_comments(participant: Participant) -> list[ParagraphComment]:
    return list(
        ParagraphComment.objects.filter(participant=participant)
        .select_related("paragraph__chapter")
        .order_by("-created_at")
    )


def own_paragraph_comment(participant: Participant, comment_id) -> ParagraphComment | None:
    return ParagraphComment.objects.filter(pk=comment_id, participant=participant).first()
