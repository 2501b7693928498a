"""Authors who left an address hear what happened to their posts ("you said, we did")."""

import pytest
from django.core import mail

from rathaus.core.problems import DomainError
from rathaus.participation.services import accountability, moderation, notifications, posts
from rathaus.participation.services import participants as participant_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(process):
    person, _token = participant_services.participant_join(
        process=process,
        pseudonym="Anwohnerin",
        consent=True,
        street="Lindenstraße",
        house_number="5",
        email="anwohnerin@example.org",
    )
    return person


@pytest.fixture
def idea(process, author):
    return posts.idea_create(
        process=process, participant=author, title="Bäume <b>jetzt</b>", body="Mehr Schatten"
    )


def test_hiding_a_post_mails_the_reason_to_its_author(
    idea, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post_hide(actor=moderator, post=idea, reason="Bitte ohne Werbung.")
    assert [m.to for m in mail.outbox] == [["anwohnerin@example.org"]]
    assert "ausgeblendet" in mail.outbox[0].subject
    assert "Bitte ohne Werbung." in mail.outbox[0].body
    assert "„Bäume <b>jetzt</b>“" in mail.outbox[0].body  # plain text, shown as typed


def test_restoring_after_the_authors_answer_mails_them_again(
    idea, author, moderator, django_capture_on_commit_callbacks
):
    moderation.post_hide(actor=moderator, post=idea, reason="Bitte sachlich.")
    moderation.post_reply_to_moderation(participant=author, post=idea, reply="Ist geändert.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post_publish(actor=moderator, post=idea)
    assert len(mail.outbox) == 1 and "sichtbar" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post_publish(actor=moderator, post=idea)  # already visible: flags only
    assert mail.outbox == []


def test_a_status_change_tells_the_author_where_the_idea_went(
    idea, planner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accountability.idea_set_status(
            actor=planner,
            idea=idea,
            status="adopted",
            reason="Passt zur Planung.",
            project="Projekt 66-2026-01",
        )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Übernommen" in body and "Projekt 66-2026-01" in body and "Passt zur Planung." in body
    assert f"/beteiligung/{idea.process_id}/ergebnis/" in body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # saved again unchanged: no mail
        accountability.idea_set_status(
            actor=planner,
            idea=idea,
            status="adopted",
            reason="Passt zur Planung.",
            project="Projekt 66-2026-01",
        )
    assert mail.outbox == []


def test_an_official_statement_on_an_idea_mails_its_author(
    idea, planner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        posts.comment_create(idea=idea, participant=None, actor=planner, body="Wir prüfen das.")
    assert len(mail.outbox) == 1 and "Stellungnahme" in mail.outbox[0].subject


def test_authors_without_an_address_get_nothing(
    process, moderator, django_capture_on_commit_callbacks
):
    person, _token = participant_services.participant_join(
        process=process, pseudonym="Ohne", consent=True, street="Lindenstraße", house_number="6"
    )
    idea = posts.idea_create(process=process, participant=person, title="Bänke", body="Ja")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post_hide(actor=moderator, post=idea, reason="Doppelt.")
    assert mail.outbox == []


def test_turning_notifications_off_deletes_the_address(
    idea, author, moderator, django_capture_on_commit_callbacks
):
    notifications.participant_set_email(participant=author, email="")
    author.refresh_from_db()
    assert author.email == ""
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post_hide(actor=moderator, post=idea, reason="Doppelt.")
    assert mail.outbox == []
    with pytest.raises(DomainError) as exc:
        notifications.participant_set_email(participant=author, email="kein-at")
    assert exc.value.errors[0]["field"] == "email"
