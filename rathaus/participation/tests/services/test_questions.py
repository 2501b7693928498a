"""Questions for an event: ask while the phase allows it, support once, answered questions go
to the end, hidden ones show the reason; pre-moderation holds new questions back."""

from datetime import timedelta

import pytest

from rathaus.core.models import AuditEntry
from rathaus.core.problems import DomainError
from rathaus.participation.models import Conference, EventQuestion, Visibility
from rathaus.participation.selectors import questions as selectors
from rathaus.participation.selectors.posts import personal_export
from rathaus.participation.services import participants, questions
from rathaus.participation.tests.conftest import NOW, make_process

pytestmark = pytest.mark.django_db


def make_forum(process):
    return Conference.objects.create(
        municipality=process.municipality,
        process=process,
        title="Bürgerversammlung",
        summary="Fragen an die Planung.",
        starts_at=NOW + timedelta(days=2),
        ends_at=NOW + timedelta(days=2, hours=2),
        capacity=50,
    )


def join(process, name, street="Lindenstraße"):
    participant, _token = participants.participant_join(
        process=process, pseudonym=name, consent=True, street=street, house_number="5", now=NOW
    )
    return participant


@pytest.fixture
def setting(town, districts, planner):
    process = make_process(town, districts, planner, now=NOW)
    return make_forum(process), join(process, "Anna"), join(process, "Ben")


def test_the_most_supported_open_question_comes_first_and_answered_ones_last(setting, moderator):
    forum, anna, ben = setting
    first = questions.question_ask(conference=forum, participant=anna, body="Wann?", now=NOW)
    second = questions.question_ask(conference=forum, participant=ben, body="Wie teuer?", now=NOW)
    assert questions.question_support(question=second, participant=anna, now=NOW)
    assert not questions.question_support(question=second, participant=anna, now=NOW)  # once
    listed = selectors.question_list(forum)
    assert [q.body for q in listed.open] == ["Wie teuer?", "Wann?"]
    assert listed.open[0].support_count == 1
    questions.question_mark_answered(actor=moderator, question=second, now=NOW)
    listed = selectors.question_list(forum)
    assert [q.body for q in listed.open] == ["Wann?"]
    assert [q.body for q in listed.answered] == ["Wie teuer?"]
    with pytest.raises(DomainError) as closed:
        questions.question_support(question=second, participant=ben, now=NOW)
    assert closed.value.code == "question_closed"
    assert AuditEntry.objects.filter(object_id=str(second.pk), action="answered").exists()
    assert first.visibility == Visibility.PUBLISHED


def test_a_hidden_question_shows_the_reason_and_needs_one(setting, moderator):
    forum, anna, _ben = setting
    question = questions.question_ask(conference=forum, participant=anna, body="Werbung!", now=NOW)
    with pytest.raises(DomainError) as missing:
        questions.question_moderate(actor=moderator, question=question, publish=False, reason=" ")
    assert missing.value.code == "reason_required"
    questions.question_moderate(
        actor=moderator, question=question, publish=False, reason="Werbung gehört nicht hierher."
    )
    shown = selectors.question_list(forum).open[0]
    assert shown.visibility == Visibility.HIDDEN
    assert shown.moderation_reason == "Werbung gehört nicht hierher."


def test_under_pre_moderation_a_question_waits_and_only_its_asker_sees_it(
    town, districts, planner, moderator
):
    process = make_process(town, districts, planner, moderation="pre", now=NOW)
    forum, anna, ben = make_forum(process), join(process, "Anna"), join(process, "Ben")
    question = questions.question_ask(conference=forum, participant=anna, body="Parken?", now=NOW)
    assert question.visibility == Visibility.PENDING
    assert selectors.question_list(forum, ben).open == []
    assert selectors.question_list(forum, ben).pending == 1
    assert [q.pk for q in selectors.question_list(forum, anna).open] == [question.pk]
    questions.question_moderate(actor=moderator, question=question, publish=True)
    assert [q.pk for q in selectors.question_list(forum, ben).open] == [question.pk]


def test_refused_outside_the_phase_without_joining_after_the_event_and_too_long(setting):
    forum, anna, _ben = setting
    with pytest.raises(DomainError) as closed:
        questions.question_ask(
            conference=forum, participant=anna, body="Spät?", now=NOW + timedelta(days=30)
        )
    assert closed.value.code == "phase_closed"
    with pytest.raises(DomainError) as stranger:
        questions.question_ask(conference=forum, participant=None, body="Hallo?", now=NOW)
    assert stranger.value.code == "not_participant"
    with pytest.raises(DomainError) as over:
        questions.question_ask(
            conference=forum, participant=anna, body="Noch?", now=NOW + timedelta(days=3)
        )
    assert over.value.code == "event_over"
    with pytest.raises(DomainError):
        questions.question_ask(conference=forum, participant=anna, body="x" * 1001, now=NOW)
    assert not EventQuestion.objects.exists()


def test_own_questions_are_in_the_personal_export(setting):
    forum, anna, _ben = setting
    questions.question_ask(conference=forum, participant=anna, body="Wann?", now=NOW)
    exported = personal_export(anna)["fragen_zu_veranstaltungen"]
    assert [(q["veranstaltung"], q["frage"]) for q in exported] == [("Bürgerversammlung", "Wann?")]
