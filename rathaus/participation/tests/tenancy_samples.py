"""Rows of every participation model for the generic tenancy walk.

``marker`` goes only into non-public text: the title of an unpublished process, a pending
(pre-moderated) idea, a hidden comment and its moderation reason, flags, an expert's e-mail.
Published processes, visible ideas and comments are public by design and carry no marker.
Personal tokens are capabilities; the samples for ``token`` are deliberately not valid tokens.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rathaus.participation.models import (
    Conference,
    ConsentText,
    District,
    DistrictFollower,
    EventQuestion,
    Expert,
    ModuleAudience,
    ParagraphComment,
    Poll,
    PollAnswer,
    PollOption,
    StreetRange,
    Visibility,
    VisionChapter,
    VisionParagraph,
)
from rathaus.participation.services import conferences, moderation, participants, posts
from rathaus.participation.services.processes import PhaseSpec, process_create


def create(municipality, marker: str) -> dict[str, list]:
    now = timezone.now()
    today = timezone.localdate()
    district = District.objects.create(municipality=municipality, code="D1", name="Mitte")
    StreetRange.objects.create(
        municipality=municipality, district=district, street="Hauptstraße", first=1, last=50
    )
    Expert.objects.create(
        municipality=municipality,
        name="Expertin",
        field="economy",
        role="Händlerin",
        email=f"{marker.lower()}@example.org",
        consent_at=now,
    )
    phases = [
        PhaseSpec(
            "contributions",
            today - timedelta(days=1),
            today + timedelta(days=9),
            True,
            True,
            True,
            True,
        )
    ]
    public = process_create(
        actor=None,
        municipality=municipality,
        title="Öffentliches Verfahren",
        summary="Öffentlich",
        audience="districts",
        moderation="post",
        districts=[district],
        phases=phases,
        published=True,
    )
    hidden = process_create(
        actor=None,
        municipality=municipality,
        title=f"Entwurf {marker}",
        summary=f"Entwurf {marker}",
        moderation="pre",
        phases=phases,
        published=False,
    )
    issued = participants.invitation_group_create(
        actor=None, process=public, name="Haushalte", kind="households", count=2
    )
    person, _token = participants.participant_join(
        process=public, pseudonym="Bewohnerin", consent=True, street="Hauptstraße", house_number="3"
    )
    idea = posts.idea_create(process=public, participant=person, title="Idee", body="Öffentlich")
    comment = posts.comment_create(idea=idea, participant=person, body=f"Beleidigung {marker}")
    posts.post_flag(comment=comment, reason=f"Meldung {marker}")
    moderation.post_hide(actor=None, post=comment, reason=f"Grund {marker}")
    visible = posts.comment_create(idea=idea, participant=person, body="Sachlich")
    pending = posts.idea_create(process=public, participant=person, title="Zweite", body="x")
    pending.visibility = Visibility.PENDING
    pending.title = f"Wartet {marker}"
    pending.save()
    poll = Poll.objects.create(municipality=municipality, process=public, question="Frage?")
    PollOption.objects.create(municipality=municipality, poll=poll, label="Ja")
    free_text = Poll.objects.create(
        municipality=municipality, process=public, question="Was fehlt?", kind=Poll.Kind.TEXT
    )
    answer = PollAnswer.objects.create(  # waits for moderation: the walk must never see it
        municipality=municipality,
        poll=free_text,
        participant=person,
        body=f"Freitext {marker}",
        created_at=now,
    )
    chapter = VisionChapter.objects.create(municipality=municipality, process=public, title="Kern")
    paragraph = VisionParagraph.objects.create(
        municipality=municipality, chapter=chapter, text="Satz", created_at=now
    )
    note = ParagraphComment.objects.create(
        municipality=municipality,
        paragraph=paragraph,
        participant=person,
        body=f"Anmerkung {marker}",
        visibility=Visibility.PENDING,
        created_at=now,
    )
    assert issued.codes
    forum = Conference.objects.create(
        municipality=municipality,
        process=public,
        title="Forum",
        summary="Öffentlich",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
        capacity=1,
    )
    for name in ("Erste", "Zweite"):  # the second waits; names and e-mails are not public
        conferences.registration_create(
            conference=forum,
            name=f"{name} {marker}",
            email=f"{name.lower()}.{marker.lower()}@example.org",
            consent=True,
        )
    question = EventQuestion.objects.create(  # waiting for approval: not public
        municipality=municipality,
        conference=forum,
        participant=person,
        body=f"Frage {marker}",
        visibility=Visibility.PENDING,
        created_at=now,
    )
    DistrictFollower.objects.create(  # the address is private; the district page is public
        municipality=municipality,
        district=district,
        email=f"folgt.{marker.lower()}@example.org",
        created_at=now,
        confirmed_at=now,
    )
    ModuleAudience.objects.create(  # a module's own audience (admin only)
        municipality=municipality, process=hidden, module="poll", audience="districts"
    ).districts.set([district])
    ConsentText.objects.create(  # public by design: no marker in it
        municipality=municipality,
        kind="privacy",
        version=1,
        title="Datenschutzhinweise",
        body="Öffentlich",
        published_at=now,
    )
    return {
        "process_id": [public.pk, hidden.pk],
        "idea_id": [idea.pk, pending.pk],
        "comment_id": [comment.pk, visible.pk],
        "poll_id": [poll.pk, free_text.pk],
        "answer_id": [answer.pk],
        "paragraph_id": [paragraph.pk],
        "paragraph_comment_id": [note.pk],
        "token": ["kein-gueltiger-schluessel"],
        "municipality_slug": [municipality.slug],
        "conference_id": [forum.pk],
        "question_id": [question.pk],
        "district_id": [district.pk],
        "value": ["kein-gueltiger-link"],  # signed follower links are capabilities too
    }
