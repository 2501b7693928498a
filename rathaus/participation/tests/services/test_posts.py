"""Ideas and comments: phases, pre-moderation, threads, support once, flags, bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.core.problems import DomainError
from rathaus.participation.models import Comment, Flag, Idea, Visibility
from rathaus.participation.services import participants, posts
from rathaus.participation.tests.conftest import make_process

pytestmark = pytest.mark.django_db


def test_ideas_get_consecutive_reference_numbers(process, resident):
    first = posts.idea_create(process=process, participant=resident, title="A", body="a")
    second = posts.idea_create(process=process, participant=resident, title="B", body="b")
    assert (first.number, second.number) == (1, 2)
    assert second.reference == f"B{process.pk}-0002"
    assert first.visibility == Visibility.PUBLISHED
    assert first.district == resident.district


def test_html_is_stored_as_text_and_control_characters_are_refused(process, resident):
    idea = posts.idea_create(
        process=process, participant=resident, title="<b>x</b>", body="<script>alert(1)</script>"
    )
    assert idea.body == "<script>alert(1)</script>"  # escaped when rendered, never interpreted
    with pytest.raises(DomainError) as exc:
        posts.idea_create(process=process, participant=resident, title="A\x00", body="b")
    assert exc.value.code == "title_invalid"
    with pytest.raises(DomainError) as exc:
        posts.idea_create(process=process, participant=resident, title="A", body="b" * 5001)
    assert exc.value.code == "body_too_long"
    assert Idea.objects.count() == 1


def test_no_ideas_outside_the_contribution_phase(process, resident):
    later = timezone.now() + timedelta(days=25)
    with pytest.raises(DomainError) as exc:
        posts.idea_create(process=process, participant=resident, title="A", body="b", now=later)
    assert exc.value.code == "phase_closed"


def test_a_participant_of_another_process_cannot_post(town, districts, planner, process, resident):
    other = make_process(town, districts, planner)
    with pytest.raises(DomainError) as exc:
        posts.idea_create(process=other, participant=resident, title="A", body="b")
    assert exc.value.code == "not_participant"


def test_pre_moderation_keeps_posts_pending(town, districts, planner):
    process = make_process(town, districts, planner, moderation="pre")
    person, _ = participants.participant_join(
        process=process, pseudonym="P", consent=True, street="Lindenstraße", house_number="2"
    )
    idea = posts.idea_create(process=process, participant=person, title="A", body="b")
    assert idea.visibility == Visibility.PENDING


def test_replies_stay_one_level_deep_and_count(process, resident, planner):
    idea = posts.idea_create(process=process, participant=resident, title="A", body="b")
    top = posts.comment_create(idea=idea, participant=resident, body="eins")
    reply = posts.comment_create(idea=idea, participant=resident, body="zwei", parent=top)
    deeper = posts.comment_create(idea=idea, participant=resident, body="drei", parent=reply)
    official = posts.comment_create(
        idea=idea, participant=None, body="Stellungnahme", actor=planner
    )
    assert deeper.parent == top
    assert official.is_official and official.participant is None
    idea.refresh_from_db()
    assert idea.comment_count == 4


def test_support_counts_once_per_participant(process, resident):
    idea = posts.idea_create(process=process, participant=resident, title="A", body="b")
    assert posts.idea_support(idea=idea, participant=resident) is True
    assert posts.idea_support(idea=idea, participant=resident) is False
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_flags_put_a_post_into_the_queue(process, resident):
    idea = posts.idea_create(process=process, participant=resident, title="A", body="b")
    comment = posts.comment_create(idea=idea, participant=resident, body="Werbung!")
    posts.post_flag(comment=comment, reason="Werbung")
    comment.refresh_from_db()
    assert comment.flag_count == 1 and Flag.objects.filter(comment=comment).exists()
    with pytest.raises(DomainError):
        posts.post_flag(comment=comment, reason="")
    assert Comment.objects.count() == 1
