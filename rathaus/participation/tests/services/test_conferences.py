"""Conferences: places, a waiting list that moves up by itself with an e-mail, clear refusals."""

from datetime import timedelta

import pytest
from django.core import mail

from rathaus.core.problems import DomainError
from rathaus.participation.models import Conference, Registration
from rathaus.participation.services import conferences
from rathaus.participation.tests.conftest import NOW, make_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(town, districts, planner):
    process = make_process(town, districts, planner, now=NOW)
    return Conference.objects.create(
        municipality=town,
        process=process,
        kind="forum",
        title="Forum Lokale Wirtschaft",
        summary="Handel, Vereine und Verwaltung an einem Tisch.",
        starts_at=NOW + timedelta(days=14),
        ends_at=NOW + timedelta(days=14, hours=3),
        place="Ratssaal",
        capacity=2,
    )


def register(forum, name, **kwargs):
    data = {"email": f"{name.lower()}@example.org", "consent": True, "now": NOW, **kwargs}
    return conferences.registration_create(conference=forum, name=name, **data)


def test_places_are_confirmed_until_full_then_the_waiting_list_starts(
    forum, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, token = register(forum, "Anna")
        second, _ = register(forum, "Ben")
        third, _ = register(forum, "Cem")
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]
    assert [m.to for m in mail.outbox] == [
        ["anna@example.org"],
        ["ben@example.org"],
        ["cem@example.org"],
    ]
    assert "bestätigt" in mail.outbox[0].subject and f"/anmeldung/{token}/" in mail.outbox[0].body
    assert "Warteliste" in mail.outbox[2].body


def test_a_cancelled_place_goes_to_the_first_person_waiting_with_an_e_mail(
    forum, django_capture_on_commit_callbacks
):
    first, _ = register(forum, "Anna")
    register(forum, "Ben")
    cem, _ = register(forum, "Cem", now=NOW + timedelta(minutes=1))
    dora, _ = register(forum, "Dora", now=NOW + timedelta(minutes=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = conferences.registration_cancel(registration=first, now=NOW + timedelta(hours=1))
    assert moved == cem
    cem.refresh_from_db()
    dora.refresh_from_db()
    assert (cem.status, dora.status) == ("confirmed", "waiting")
    assert [m.to for m in mail.outbox] == [["cem@example.org"]]
    assert "Nachgerückt" in mail.outbox[0].subject
    again = conferences.registration_cancel(registration=first, now=NOW + timedelta(hours=2))
    assert again is None
    assert forum.registrations.filter(status="confirmed").count() == 2


def test_cancelling_from_the_waiting_list_moves_nobody(forum):
    register(forum, "Anna")
    register(forum, "Ben")
    cem, _ = register(forum, "Cem")
    assert conferences.registration_cancel(registration=cem, now=NOW) is None
    assert forum.registrations.filter(status="confirmed").count() == 2


def test_the_same_e_mail_address_cannot_register_twice(forum):
    register(forum, "Anna")
    with pytest.raises(DomainError) as exc:
        register(forum, "Anna B.", email="ANNA@example.org")
    assert exc.value.code == "email_registered"
    assert exc.value.errors[0]["field"] == "email"
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"email": "kein-at-zeichen"}, "email_invalid", "email"),
        ({"email": ""}, "email_required", "email"),
        ({"consent": False}, "consent_required", "consent"),
        ({"name": "A\x00B"}, "name_invalid", "name"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_stored(forum, kwargs, code, field):
    data = {"name": "Anna", **kwargs}
    with pytest.raises(DomainError) as exc:
        register(forum, **data)
    assert exc.value.code == code and exc.value.errors[0]["field"] == field
    assert not Registration.objects.exists()


def test_no_registration_once_the_conference_has_begun(forum):
    with pytest.raises(DomainError) as exc:
        register(forum, "Anna", now=forum.starts_at)
    assert exc.value.code == "registration_closed"


# --- online participation through the meetings app's video provider -------------------------


@pytest.fixture
def online_forum(forum, settings):
    settings.RATHAUS_MEETINGS_VIDEO_PROVIDER = "jitsi"
    settings.RATHAUS_MEETINGS_VIDEO_URL = "https://video.musterstadt.example"
    settings.RATHAUS_MEETINGS_VIDEO_SECRET = ""
    settings.RATHAUS_MEETINGS_JOIN_LEAD_MINUTES = 15
    forum.video = True
    forum.capacity = 1
    forum.save()
    return forum


def test_a_confirmed_person_gets_the_video_room_from_fifteen_minutes_before_the_start(
    online_forum,
):
    anna, _ = register(online_forum, "Anna")
    start = online_forum.starts_at
    url = conferences.registration_online_url(registration=anna, now=start - timedelta(minutes=14))
    assert url.startswith("https://video.musterstadt.example/beteiligung-")
    # the room name is stable per event and not guessable from the event's number alone
    again = conferences.registration_online_url(registration=anna, now=start + timedelta(hours=1))
    assert again == url and len(url.rsplit("-", 1)[1]) == 20


def test_the_link_is_refused_too_early_after_the_end_and_on_the_waiting_list(online_forum):
    anna, _ = register(online_forum, "Anna")
    ben, _ = register(online_forum, "Ben")
    start = online_forum.starts_at
    with pytest.raises(DomainError) as early:
        conferences.registration_online_url(registration=anna, now=start - timedelta(hours=1))
    assert early.value.code == "online_closed" and "freigeschaltet" in early.value.message
    with pytest.raises(DomainError) as over:
        conferences.registration_online_url(registration=anna, now=start + timedelta(hours=4))
    assert over.value.message == "Die Veranstaltung ist vorbei."
    with pytest.raises(DomainError) as waiting:
        conferences.registration_online_url(registration=ben, now=start)
    assert waiting.value.code == "online_not_confirmed" and waiting.value.status == 403


def test_an_event_without_online_participation_has_no_link(forum):
    anna, _ = register(forum, "Anna")
    with pytest.raises(DomainError) as refused:
        conferences.registration_online_url(registration=anna, now=forum.starts_at)
    assert refused.value.code == "online_not_offered"


def test_an_own_link_instead_of_the_video_service_is_gated_the_same_way(forum):
    forum.online_url = "https://konferenz.example.org/raum"
    forum.save()
    anna, _ = register(forum, "Anna")
    assert (
        conferences.registration_online_url(registration=anna, now=forum.starts_at)
        == "https://konferenz.example.org/raum"
    )
    access = conferences.online_access(registration=anna, now=forum.starts_at - timedelta(days=1))
    assert access.offered and access.confirmed and not access.usable
