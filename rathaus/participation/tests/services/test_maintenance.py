"""Retention: participants' personal data goes after the process ended; results stay."""

from datetime import timedelta

import pytest

from rathaus.participation.models import Comment, Idea, InvitationCode, Participant
from rathaus.participation.services import accountability, maintenance, participants, posts
from rathaus.participation.tests.conftest import NOW, make_process

pytestmark = pytest.mark.django_db

LAST_DAY = NOW + timedelta(days=40)  # the last phase of make_process ends 40 days after NOW


@pytest.fixture
def ended(town, districts, planner):
    process = make_process(town, districts, planner, now=NOW)
    participants.invitation_group_create(
        actor=planner, process=process, name="Haushalte", kind="households", count=3, now=NOW
    )
    return process


def join(process, house_number, **kwargs):
    person, _token = participants.participant_join(
        process=process,
        pseudonym=f"Nachbar {house_number}",
        consent=True,
        street="Lindenstraße",
        house_number=house_number,
        now=NOW,
        **kwargs,
    )
    return person


def test_nothing_is_erased_before_the_retention_period_is_over(ended, settings):
    settings.RATHAUS_PARTICIPATION_RETENTION_DAYS = 180
    join(ended, "1", email="anwohnerin@example.org")
    result = maintenance.participants_purge_expired(now=LAST_DAY + timedelta(days=180))
    assert result.participants == 0
    assert Participant.objects.get().email == "anwohnerin@example.org"
    assert InvitationCode.objects.count() == 3


def test_after_the_period_links_e_mail_addresses_and_codes_are_gone(ended, settings):
    settings.RATHAUS_PARTICIPATION_RETENTION_DAYS = 180
    join(ended, "1", email="anwohnerin@example.org")
    join(ended, "2")
    result = maintenance.participants_purge_expired(now=LAST_DAY + timedelta(days=181))
    assert (result.processes, result.participants, result.codes) == (1, 2, 3)
    assert not Participant.objects.exists() and not InvitationCode.objects.exists()
    again = maintenance.participants_purge_expired(now=LAST_DAY + timedelta(days=182))
    assert (again.processes, again.participants, again.codes) == (0, 0, 0)


def test_answered_posts_stay_as_anonymous_placeholders_so_the_answers_survive(ended):
    author, neighbour = join(ended, "1"), join(ended, "2")
    answered = posts.idea_create(
        process=ended, participant=author, title="Bäume pflanzen", body="Mehr Bäume", now=NOW
    )
    alone = posts.idea_create(
        process=ended, participant=author, title="Bänke", body="Mehr Bänke", now=NOW
    )
    answer = posts.comment_create(idea=answered, participant=neighbour, body="Ja!", now=NOW)
    posts.comment_create(idea=answered, participant=author, body="Danke", parent=answer, now=NOW)
    maintenance.participants_purge_expired(now=LAST_DAY + timedelta(days=400), days=180)
    answered.refresh_from_db()
    assert answered.participant is None and answered.title == participants.ERASED_TITLE
    assert "Bäume" not in answered.body
    assert not Idea.objects.filter(pk=alone.pk).exists()
    # the neighbour's comment is deleted too (its author's data expired), nobody answered it
    assert not Comment.objects.exists() and answered.comment_count == 0


def test_a_decided_idea_keeps_its_text_for_you_said_we_did_without_its_author(ended, planner):
    author = join(ended, "1")
    idea = posts.idea_create(
        process=ended, participant=author, title="Tempo 30", body="Bitte Tempo 30", now=NOW
    )
    accountability.idea_set_status(
        actor=planner,
        idea=idea,
        status="adopted",
        reason="Passt zum Lärmschutz",
        project="Verkehrskonzept 2027",
        now=NOW,
    )
    maintenance.participants_purge_expired(now=LAST_DAY + timedelta(days=1), days=0)
    idea.refresh_from_db()
    assert idea.participant is None
    assert (idea.title, idea.status, idea.project) == (
        "Tempo 30",
        "adopted",
        "Verkehrskonzept 2027",
    )


def test_a_running_process_keeps_its_participants(ended):
    join(ended, "1")
    maintenance.participants_purge_expired(now=NOW + timedelta(days=10), days=0)
    assert Participant.objects.count() == 1
