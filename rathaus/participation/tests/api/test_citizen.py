"""Citizen API: join with ALTCHA and the audience check, post with the personal token."""

import pytest

from rathaus.participation.models import Participant
from rathaus.participation.services import participants, posts
from rathaus.participation.tests.conftest import altcha_payload

pytestmark = pytest.mark.django_db
API = "/api/v1/participation"


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    return response.json()


def test_public_reads(client, process, resident):
    idea = posts.idea_create(process=process, participant=resident, title="Bäume", body="<b>x</b>")
    listed = client.get(f"{API}/processes").json()
    assert [p["id"] for p in listed] == [process.pk]
    assert listed[0]["current_phase"] == "contributions"
    page = client.get(f"{API}/processes/{process.pk}/ideas").json()
    assert page["count"] == 1 and page["items"][0]["reference"] == idea.reference
    detail = client.get(f"{API}/ideas/{idea.pk}").json()
    assert detail["author"]["pseudonym"] == "Anwohnerin"
    problem(client.get(f"{API}/processes/999999"), 404, "not_found")


def test_join_needs_altcha_and_refuses_outside_the_audience(client, process):
    body = {"pseudonym": "Nachbar", "consent": True, "street": "Südparkweg", "house_number": "4"}
    problem(
        client.post(
            f"{API}/processes/{process.pk}/participants", body, content_type="application/json"
        ),
        400,
        "altcha_missing",
    )
    refused = problem(
        client.post(
            f"{API}/processes/{process.pk}/participants",
            {**body, "altcha": altcha_payload()},
            content_type="application/json",
        ),
        403,
        "outside_audience",
    )
    assert "Südfeld" in refused["detail"]
    assert not Participant.objects.exists()
    payload = altcha_payload()
    ok = client.post(
        f"{API}/processes/{process.pk}/participants",
        {**body, "street": "Lindenstraße", "altcha": payload},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["district"] == "Nordviertel"
    replay = client.post(
        f"{API}/processes/{process.pk}/participants",
        {**body, "street": "Lindenstraße", "altcha": payload},
        content_type="application/json",
    )
    problem(replay, 400, "altcha_replayed")


def test_posting_needs_the_personal_token(client, process):
    _participant, token = participants.participant_join(
        process=process, pseudonym="P", consent=True, street="Lindenstraße", house_number="1"
    )
    url = f"{API}/processes/{process.pk}/ideas"
    body = {"title": "Bänke", "body": "Mehr Bänke"}
    problem(client.post(url, body, content_type="application/json"), 403, "not_participant")
    problem(
        client.post(
            url, body, content_type="application/json", HTTP_X_PARTICIPATION_TOKEN="falsch"
        ),
        403,
        "not_participant",
    )
    created = client.post(
        url, body, content_type="application/json", HTTP_X_PARTICIPATION_TOKEN=token
    )
    assert created.status_code == 201
    idea_id = created.json()["id"]
    comment = client.post(
        f"{API}/ideas/{idea_id}/comments",
        {"body": "Ja!"},
        content_type="application/json",
        HTTP_X_PARTICIPATION_TOKEN=token,
    )
    assert comment.status_code == 201 and comment.json()["body"] == "Ja!"
    problem(
        client.post(
            url,
            {"title": "x" * 301, "body": "b"},
            content_type="application/json",
            HTTP_X_PARTICIPATION_TOKEN=token,
        ),
        422,
        "validation_error",
    )


def test_spam_burst_is_cut_off_by_the_rate_limit(client, process, settings):
    settings.RATHAUS_PARTICIPATION_POST_LIMIT = 3
    _participant, token = participants.participant_join(
        process=process, pseudonym="P", consent=True, street="Lindenstraße", house_number="1"
    )
    url = f"{API}/processes/{process.pk}/ideas"
    statuses = [
        client.post(
            url,
            {"title": f"Spam {i}", "body": "kaufen"},
            content_type="application/json",
            HTTP_X_PARTICIPATION_TOKEN=token,
        ).status_code
        for i in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]
    assert process.ideas.count() == 3
