"""Joining a process: the audience of today's phase decides; a refusal stores nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from rathaus.core.problems import DomainError
from rathaus.participation.models import Audience, Comment, InvitationCode, Participant
from rathaus.participation.services import participants, posts
from rathaus.participation.services.processes import PhaseSpec, process_create
from rathaus.participation.tests.conftest import make_process

pytestmark = pytest.mark.django_db


def join(process, **kwargs):
    data = {"pseudonym": "Nachbar", "consent": True, **kwargs}
    return participants.participant_join(process=process, **data)


def test_a_resident_of_the_district_is_admitted_and_only_the_district_is_kept(process, districts):
    participant, token = join(process, street="Linden-Straße", house_number="7")
    assert participant.district == districts["NORD"]
    assert len(token) > 30 and participant.token_hash != token
    assert not hasattr(participant, "street")


def test_a_resident_of_another_district_is_refused_and_nothing_is_stored(process):
    with pytest.raises(DomainError) as exc:
        join(process, street="Südparkweg", house_number="3")
    assert exc.value.code == "outside_audience" and exc.value.status == 403
    assert "Südfeld" in exc.value.message and "Nordviertel" in exc.value.message
    assert Participant.objects.count() == 0


def test_an_unknown_address_is_refused(process):
    with pytest.raises(DomainError) as exc:
        join(process, street="Mondweg", house_number="1")
    assert exc.value.code == "address_unknown"


def test_an_invitation_code_admits_someone_from_outside_once(process, planner):
    issued = participants.invitation_group_create(
        actor=planner, process=process, name="Geschäfte", kind="businesses", count=2
    )
    code = issued.codes[0]
    participant, _ = join(
        process, code=code.lower().replace("-", " "), street="Südparkweg", house_number="3"
    )
    assert participant.group == issued.group
    assert InvitationCode.objects.get(used_by=participant)
    with pytest.raises(DomainError) as exc:
        join(process, code=code)
    assert exc.value.code == "code_used"
    assert Participant.objects.count() == 1


def test_a_forged_code_is_refused(process):
    with pytest.raises(DomainError) as exc:
        join(process, code="AAAA-BBBB-CCCC")
    assert exc.value.code == "code_invalid"


def test_codes_of_another_process_do_not_work(town, districts, planner, process):
    other = make_process(town, districts, planner, audience=Audience.INVITED)
    issued = participants.invitation_group_create(
        actor=planner, process=other, name="Haushalte", kind="households", count=1
    )
    with pytest.raises(DomainError) as exc:
        join(process, code=issued.codes[0])
    assert exc.value.code == "code_invalid"


def test_invited_only_process_needs_a_code(town, districts, planner):
    process = make_process(town, districts, planner, audience=Audience.INVITED)
    with pytest.raises(DomainError) as exc:
        join(process, street="Lindenstraße", house_number="1")
    assert exc.value.code == "code_required"


def test_everyone_may_join_an_open_process_without_address(town, districts, planner):
    process = make_process(town, districts, planner, audience=Audience.EVERYONE)
    participant, _ = join(process)
    assert participant.district is None


def test_consent_and_a_clean_pseudonym_are_required(process):
    with pytest.raises(DomainError) as exc:
        join(process, consent=False, street="Lindenstraße", house_number="1")
    assert exc.value.code == "consent_required"
    with pytest.raises(DomainError) as exc:
        join(process, pseudonym="Eve\x07", street="Lindenstraße", house_number="1")
    assert exc.value.code == "pseudonym_invalid"
    with pytest.raises(DomainError) as exc:
        join(process, pseudonym="x" * 61, street="Lindenstraße", house_number="1")
    assert exc.value.code == "pseudonym_too_long"


def test_an_unpublished_process_admits_nobody(process):
    process.published = False
    process.save()
    with pytest.raises(DomainError) as exc:
        join(process, street="Lindenstraße", house_number="1")
    assert exc.value.code == "phase_closed"


def test_erasing_keeps_other_peoples_comments_under_a_placeholder(process, resident):
    neighbour, _token = join(process, street="Lindenstraße", house_number="3")
    own = posts.idea_create(process=process, participant=resident, title="Bäume", body="Bäume!")
    answer = posts.comment_create(idea=own, participant=neighbour, body="Gute Idee")
    theirs = posts.idea_create(process=process, participant=neighbour, title="Bänke", body="Ja")
    posts.comment_create(idea=theirs, participant=resident, body="Unbedingt")
    participants.participant_erase(participant=resident)
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert Comment.objects.filter(pk=answer.pk).exists()
    assert own.participant is None and "Bäume" not in own.title + own.body
    assert own.title == participants.ERASED_TITLE
    assert theirs.comments.count() == 0 and theirs.comment_count == 0
    assert list(Participant.objects.all()) == [neighbour]


def test_erasing_deletes_the_participant_with_their_posts(process, resident):
    posts.idea_create(process=process, participant=resident, title="Bäume", body="Mehr Bäume")
    participants.participant_erase(participant=resident)
    assert not Participant.objects.exists()
    assert not process.ideas.exists()


def test_a_phase_that_opens_today_admits_right_after_midnight_local_time(town, districts, planner):
    # 00:30 in Berlin is still the day before in UTC: the phase's first day is Berlin's date
    just_after_midnight = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    local_today = timezone.localdate(just_after_midnight)
    assert local_today == date(2026, 12, 4)
    process = process_create(
        actor=planner,
        municipality=town,
        title="Neuer Spielplatz",
        summary="Wo soll er hin?",
        audience=Audience.EVERYONE,
        moderation="post",
        districts=[],
        phases=[PhaseSpec("contributions", local_today, local_today + timedelta(days=7), True)],
        published=True,
        now=just_after_midnight,
    )
    participant, _token = participants.participant_join(
        process=process, pseudonym="Frühaufsteherin", consent=True, now=just_after_midnight
    )
    assert participant.process == process
