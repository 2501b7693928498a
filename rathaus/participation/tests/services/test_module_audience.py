"""Audience per module: each module (ideas, comments, support, polls, draft text, event
questions) may carry its own audience; every service that takes a contribution refuses
people outside it with a German reason and stores nothing. Without an own audience the
phase's (or process's) applies; joining needs one open module that admits the person."""

import pytest
from django.utils import timezone

from rathaus.core.problems import DomainError
from rathaus.participation.models import (
    Audience,
    Comment,
    EventQuestion,
    EventQuestionSupport,
    Idea,
    Module,
    ParagraphComment,
    Participant,
    PollVote,
    Support,
)
from rathaus.participation.selectors.audience import module_lines
from rathaus.participation.selectors.processes import phase_state
from rathaus.participation.services import participants, polls, posts, questions, vision
from rathaus.participation.tests.conftest import make_process
from rathaus.participation.tests.module_audience import (
    forum_of,
    join,
    narrow,
    paragraph_of,
    poll_of,
    setting,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(town, districts, planner):
    return setting(town, districts, planner)


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.code == "outside_module_audience"
    assert exc.value.status == 403
    return exc.value


def test_a_poll_for_the_district_refuses_other_districts_and_people_without_address(s):
    narrow(s.process, Module.POLL, Audience.DISTRICTS)
    poll = poll_of(s.process)
    option = poll.options.first().pk
    other = refused(lambda: polls.poll_vote(poll=poll, participant=s.sued, option_ids=[option]))
    assert "Nordviertel" in other.message and "anderen Stadtteil" in other.message
    unknown = refused(
        lambda: polls.poll_vote(poll=poll, participant=s.anonymous, option_ids=[option])
    )
    assert "keine Adresse" in unknown.message
    assert not PollVote.objects.exists()
    polls.poll_vote(poll=poll, participant=s.nord, option_ids=[option])
    polls.poll_vote(poll=poll, participant=s.guest_a, option_ids=[option])  # invited count in
    assert PollVote.objects.count() == 2


def test_ideas_only_for_one_invited_group(s):
    narrow(s.process, Module.IDEAS, Audience.INVITED, groups=[s.group_a])
    for person in (s.nord, s.guest_b):
        error = refused(
            lambda person=person: posts.idea_create(
                process=s.process, participant=person, title="Bänke", body="Mehr Bänke."
            )
        )
        assert "Anlieger" in error.message
    assert not Idea.objects.exists()
    posts.idea_create(process=s.process, participant=s.guest_a, title="Bänke", body="Bitte.")
    assert Idea.objects.count() == 1


def test_comments_and_support_for_invited_groups_only(s, planner):
    idea = posts.idea_create(process=s.process, participant=s.nord, title="Bäume", body="Ja.")
    narrow(s.process, Module.COMMENTS, Audience.INVITED)
    narrow(s.process, Module.SUPPORT, Audience.INVITED)
    refused(lambda: posts.comment_create(idea=idea, participant=s.nord, body="Gut."))
    refused(lambda: posts.idea_support(idea=idea, participant=s.sued))
    assert not Comment.objects.exists() and not Support.objects.exists()
    posts.comment_create(idea=idea, participant=s.guest_b, body="Gut.")
    assert posts.idea_support(idea=idea, participant=s.guest_a)
    # official statements of the administration are not contributions of the audience
    posts.comment_create(idea=idea, participant=None, body="Wir prüfen das.", actor=planner)
    assert Comment.objects.count() == 2


def test_the_draft_text_for_another_district(s, districts):
    narrow(s.process, Module.VISION, Audience.DISTRICTS, districts=[districts["SUED"]])
    paragraph = paragraph_of(s.process)
    error = refused(
        lambda: vision.paragraph_comment_create(paragraph=paragraph, participant=s.nord, body="Ja")
    )
    assert "Südfeld" in error.message
    assert not ParagraphComment.objects.exists()
    vision.paragraph_comment_create(paragraph=paragraph, participant=s.sued, body="Ja")
    assert ParagraphComment.objects.count() == 1


def test_event_questions_for_the_district(s):
    narrow(s.process, Module.QUESTIONS, Audience.DISTRICTS)
    forum = forum_of(s.process)
    refused(lambda: questions.question_ask(conference=forum, participant=s.sued, body="Wann?"))
    assert not EventQuestion.objects.exists()
    asked = questions.question_ask(conference=forum, participant=s.nord, body="Wann?")
    refused(lambda: questions.question_support(question=asked, participant=s.anonymous))
    assert not EventQuestionSupport.objects.exists()


def test_without_an_own_audience_the_phase_decides(s):
    # the process is for everyone: all kinds of participants may post an idea
    for person in (s.nord, s.sued, s.anonymous, s.guest_a):
        posts.idea_create(process=s.process, participant=person, title="Idee", body="Text")
    assert Idea.objects.count() == 4


def test_a_module_wider_than_the_phase_lets_people_join_for_it(town, districts, planner):
    process = make_process(town, districts, planner, audience=Audience.DISTRICTS)
    with pytest.raises(DomainError) as exc:
        join(process, "Sven", street="Südparkweg")
    assert exc.value.code == "outside_audience"
    narrow(process, Module.POLL, Audience.EVERYONE)
    sven = join(process, "Sven", street="Südparkweg")
    poll = poll_of(process)
    polls.poll_vote(poll=poll, participant=sven, option_ids=[poll.options.first().pk])
    refused(lambda: posts.idea_create(process=process, participant=sven, title="T", body="B"))


def test_joining_is_refused_when_no_open_module_admits_and_nothing_is_stored(
    town, districts, planner
):
    process = make_process(town, districts, planner, audience=Audience.EVERYONE)
    for module in Module.values:
        narrow(process, module, Audience.INVITED)
    before = Participant.objects.count()
    with pytest.raises(DomainError) as exc:
        participants.participant_join(process=process, pseudonym="Nora", consent=True)
    assert exc.value.code == "outside_module_audience"
    assert Participant.objects.count() == before


def test_the_lines_of_the_page_name_who_and_why_not(s):
    narrow(s.process, Module.POLL, Audience.DISTRICTS)
    state = phase_state(s.process, timezone.localdate())
    lines = {line.module: line for line in module_lines(s.process, state, s.sued)}
    assert lines["poll"].own and "Nordviertel" in lines["poll"].who
    assert "anderen Stadtteil" in lines["poll"].refusal
    assert not lines["ideas"].own and lines["ideas"].who == "Alle" and not lines["ideas"].refusal
