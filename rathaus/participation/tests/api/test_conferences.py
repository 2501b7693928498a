"""Conference API: programme and places, registration with ALTCHA, the own registration by
token (status, waiting position, cancel, join link only when confirmed and shortly before),
and the registration list for staff of the same municipality only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.core.models import Role
from rathaus.participation.models import Conference, Registration
from rathaus.participation.tests.api.test_citizen import API, problem
from rathaus.participation.tests.conftest import altcha_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(town, process, settings):
    settings.RATHAUS_MEETINGS_VIDEO_URL = "https://video.musterstadt.example"
    start = timezone.now() + timedelta(minutes=10)
    return Conference.objects.create(
        municipality=town,
        process=process,
        kind="forum",
        title="Forum <b>Wirtschaft</b>",
        summary="Alle an einen Tisch.",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        programme="18:00 Begrüßung\n\n18:15 Impulse",
        capacity=1,
        video=True,
    )


def register(client, forum, name, **extra):
    body = {"name": name, "email": f"{name.lower()}@example.org", "consent": True}
    body.update({"altcha": altcha_payload(), **extra})
    return client.post(
        f"{API}/conferences/{forum.pk}/registrations", body, content_type="application/json"
    )


def test_programme_places_and_online_offer_are_public(client, forum):
    listed = client.get(f"{API}/processes/{forum.process_id}/conferences").json()
    assert listed[0]["title"] == "Forum <b>Wirtschaft</b>"  # JSON carries text, not markup
    assert listed[0]["programme"] == ["18:00 Begrüßung", "18:15 Impulse"]
    assert (listed[0]["free"], listed[0]["online"]) == (1, True)
    assert "video.musterstadt" not in client.get(f"{API}/conferences/{forum.pk}").content.decode()
    problem(client.get(f"{API}/conferences/999999"), 404, "not_found")


def test_register_wait_cancel_move_up_and_join_through_the_api(client, forum):
    anna = register(client, forum, "Anna")
    assert anna.status_code == 201, anna.content
    assert anna.json()["status"] == "confirmed" and anna.json()["online_open_now"]
    ben = register(client, forum, "Ben").json()
    assert (ben["status"], ben["waiting_position"]) == ("waiting", 1)
    ben_header = {"HTTP_X_REGISTRATION_TOKEN": ben["token"]}
    problem(client.get(f"{API}/registrations/me/online", **ben_header), 403, "online_not_confirmed")
    anna_header = {"HTTP_X_REGISTRATION_TOKEN": anna.json()["token"]}
    joined = client.get(f"{API}/registrations/me/online", **anna_header).json()
    assert joined["url"].startswith("https://video.musterstadt.example/beteiligung-")
    cancelled = client.delete(f"{API}/registrations/me", **anna_header).json()
    assert cancelled["status"] == "cancelled"
    assert client.get(f"{API}/registrations/me", **ben_header).json()["status"] == "confirmed"


def test_the_join_link_is_refused_long_before_the_start(client, forum):
    forum.starts_at += timedelta(days=3)
    forum.ends_at += timedelta(days=3)
    forum.save()
    token = register(client, forum, "Anna").json()["token"]
    refused = problem(
        client.get(f"{API}/registrations/me/online", HTTP_X_REGISTRATION_TOKEN=token),
        409,
        "online_closed",
    )
    assert "freigeschaltet" in refused["detail"]


def test_bad_registrations_are_problems_and_store_nothing(client, forum):
    problem(register(client, forum, "Anna", altcha=""), 400, "altcha_missing")
    problem(register(client, forum, "Anna", consent=False), 400, "consent_required")
    assert register(client, forum, "A" * 400).status_code == 422
    problem(
        client.get(f"{API}/registrations/me", HTTP_X_REGISTRATION_TOKEN="x"), 403, "not_registered"
    )
    assert not Registration.objects.exists()


def test_staff_see_registrations_of_their_own_municipality_only(
    client, forum, make_user, other_town
):
    register(client, forum, "Anna")
    planner = make_user(Role.PROCESS_PLANNER, municipality=forum.municipality)
    client.force_login(planner)
    rows = client.get(f"{API}/staff/conferences/{forum.pk}/registrations").json()
    assert [(r["name"], r["status"]) for r in rows] == [("Anna", "confirmed")]
    client.force_login(make_user(Role.PROCESS_PLANNER, municipality=other_town))
    assert client.get(f"{API}/staff/conferences/{forum.pk}/registrations").status_code == 404
