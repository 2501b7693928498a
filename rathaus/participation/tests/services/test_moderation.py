"""Moderation with feedback: the author sees the reason and can answer; publishing restores."""

import pytest

from rathaus.core.models import AuditEntry
from rathaus.core.problems import DomainError
from rathaus.participation.models import Flag, Visibility
from rathaus.participation.selectors import posts as post_selectors
from rathaus.participation.services import moderation, participants, posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(process, resident):
    idea = posts.idea_create(process=process, participant=resident, title="A", body="b")
    comment = posts.comment_create(idea=idea, participant=resident, body="Beleidigung")
    posts.post_flag(comment=comment, reason="beleidigend")
    return comment


def test_hiding_records_the_reason_the_author_sees(comment, moderator, resident):
    moderation.post_hide(actor=moderator, post=comment, reason="Bitte sachlich bleiben.")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    assert not Flag.objects.filter(handled=False).exists()
    _ideas, own = post_selectors.own_posts(resident)
    assert own[0].moderation_reason == "Bitte sachlich bleiben."
    assert comment.idea.__class__.objects.get(pk=comment.idea_id).comment_count == 0
    assert AuditEntry.objects.filter(action="hide", actor=moderator).exists()


def test_the_author_answers_and_the_post_returns_to_the_queue(comment, moderator, resident):
    moderation.post_hide(actor=moderator, post=comment, reason="Bitte sachlich bleiben.")
    assert comment not in post_selectors.moderation_queue(moderator)[1]
    moderation.post_reply_to_moderation(participant=resident, post=comment, reply="Entschuldigung")
    queue = post_selectors.moderation_queue(moderator)[1]
    assert [c.pk for c in queue] == [comment.pk]
    moderation.post_publish(actor=moderator, post=comment)
    comment.refresh_from_db()
    assert comment.visibility == Visibility.PUBLISHED


def test_nobody_else_can_answer_for_the_author(comment, moderator, process):
    other, _ = participants.participant_join(
        process=process, pseudonym="X", consent=True, street="Lindenstraße", house_number="3"
    )
    moderation.post_hide(actor=moderator, post=comment, reason="Nein.")
    with pytest.raises(DomainError):
        moderation.post_reply_to_moderation(participant=other, post=comment, reply="Hallo")


def test_hiding_needs_a_reason(comment, moderator):
    with pytest.raises(DomainError) as exc:
        moderation.post_hide(actor=moderator, post=comment, reason="  ")
    assert exc.value.code == "reason_required"
