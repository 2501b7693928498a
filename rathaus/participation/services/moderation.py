"""Moderation with feedback: a moderator hides a post with a reason the author sees and can
answer; publishing approves a pending post (pre-moderation) or restores a hidden one."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.participation import caching
from rathaus.participation.models import Comment, Flag, Idea, Participant, Visibility
from rathaus.participation.services.notifications import notify_author
from rathaus.participation.text import multi_line


def _flags(post) -> QuerySet[Flag]:
    if isinstance(post, Idea):
        return Flag.objects.filter(idea=post)
    if isinstance(post, Comment):
        return Flag.objects.filter(comment=post)
    return Flag.objects.none()


def _process_id(post) -> int:
    if isinstance(post, Idea):
        return post.process_id
    if isinstance(post, Comment):
        return post.idea.process_id
    return post.paragraph.chapter.process_id


def _count_delta(post, before: str, after: str) -> None:
    if isinstance(post, Comment) and before != after:
        if after == Visibility.PUBLISHED:
            Idea.objects.filter(pk=post.idea_id).update(comment_count=F("comment_count") + 1)
        elif before == Visibility.PUBLISHED:
            Idea.objects.filter(pk=post.idea_id).update(comment_count=F("comment_count") - 1)


@transaction.atomic
def post_hide(*, actor, post: Idea | Comment, reason: str, now: datetime | None = None):
    """Hide a post; ``reason`` is shown to its author on their personal page."""
    now = now_or(now)
    reason = multi_line(reason, field="reason", label=_("Begründung"), max_length=2000)
    before = audit.snapshot(post)
    old = post.visibility
    post.visibility = Visibility.HIDDEN
    post.moderation_reason = reason
    post.moderated_at = now
    post.author_reply = ""
    post.save(update_fields=["visibility", "moderation_reason", "moderated_at", "author_reply"])
    _flags(post).update(handled=True)
    _count_delta(post, old, post.visibility)
    caching.bump(_process_id(post))
    audit.record(
        actor=actor, instance=post, action="hide", before=before, after=audit.snapshot(post)
    )
    notify_author(post, "hidden")
    return post


@transaction.atomic
def post_publish(*, actor, post: Idea | Comment, now: datetime | None = None):
    """Approve a pending post, restore a hidden one, or dismiss the flags of a visible one."""
    now = now_or(now)
    before = audit.snapshot(post)
    old = post.visibility
    post.visibility = Visibility.PUBLISHED
    post.moderated_at = now
    post.save(update_fields=["visibility", "moderated_at"])
    _flags(post).update(handled=True)
    _count_delta(post, old, post.visibility)
    caching.bump(_process_id(post))
    audit.record(
        actor=actor, instance=post, action="publish", before=before, after=audit.snapshot(post)
    )
    if old != Visibility.PUBLISHED:  # approved or restored (dismissing flags says nothing)
        notify_author(post, "published")
    return post


@transaction.atomic
def post_reply_to_moderation(
    *, participant: Participant, post: Idea | Comment, reply: str, now: datetime | None = None
):
    """The author answers the moderator's reason; the post returns to the moderation queue."""
    if post.participant_id != participant.pk or post.visibility != Visibility.HIDDEN:
        raise DomainError("not_found", _("Dieser Beitrag wurde nicht gefunden."), status=404)
    post.author_reply = multi_line(reply, field="reply", label=_("Ihre Antwort"), max_length=2000)
    post.save(update_fields=["author_reply"])
    audit.record(actor=None, instance=post, action="reply", summary="Antwort auf Moderation")
    return post
