"""API for event questions (list, ask, support — within tenancy, phase and audience rules),
module audiences and consent texts over the API, and a citizen's digest settings; plus a
bounded schemathesis run over these routes (never a server error, documented statuses)."""

from datetime import timedelta

import pytest
import schemathesis
from django.core import mail, signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, status_code_conformance

from config.wsgi import application
from rathaus.participation.models import (
    Audience,
    ConsentText,
    District,
    DistrictFollower,
    EventQuestion,
    Idea,
    Module,
    Visibility,
)
from rathaus.participation.selectors.digest import follower_link_value
from rathaus.participation.services import participants
from rathaus.participation.tests.api.test_citizen import API, problem
from rathaus.participation.tests.conftest import altcha_payload, make_process
from rathaus.participation.tests.module_audience import forum_of, narrow

pytestmark = pytest.mark.django_db


def token_of(process, name, street="Lindenstraße", code=""):
    _person, token = participants.participant_join(
        process=process,
        pseudonym=name,
        consent=True,
        street=street,
        house_number="5" if street else "",
        code=code,
    )
    return {"HTTP_X_PARTICIPATION_TOKEN": token}


@pytest.fixture
def forum(process):
    return forum_of(process)


def test_ask_support_and_list_questions(client, forum, process):
    anna, ben = token_of(process, "Anna"), token_of(process, "Ben")
    url = f"{API}/conferences/{forum.pk}/questions"
    problem(
        client.post(url, {"body": "Wann?"}, content_type="application/json"), 403, "not_participant"
    )
    asked = client.post(url, {"body": "<b>Wann?</b>"}, content_type="application/json", **anna)
    assert asked.status_code == 201, asked.content
    question = asked.json()
    assert question["body"] == "<b>Wann?</b>" and not question["pending"]
    support = f"{API}/questions/{question['id']}/support"
    assert client.post(support, **ben).json() == {"supported": True, "support_count": 1}
    assert client.post(support, **ben).json() == {"supported": False, "support_count": 1}
    listed = client.get(url, **ben).json()
    assert listed["open_for_questions"] and listed["pending"] == 0
    assert [(q["body"], q["supported_by_me"]) for q in listed["open"]] == [("<b>Wann?</b>", True)]
    problem(
        client.post(url, {"body": "x" * 1001}, content_type="application/json", **anna),
        400,
        "body_too_long",
    )


def test_hidden_and_pending_questions_over_the_api(client, town, districts, planner):
    process = make_process(town, districts, planner, moderation="pre")
    forum = forum_of(process)
    anna = token_of(process, "Anna")
    url = f"{API}/conferences/{forum.pk}/questions"
    client.post(url, {"body": "Warte ich?"}, content_type="application/json", **anna)
    EventQuestion.objects.create(
        municipality=town,
        conference=forum,
        body="Kauft hier!",
        visibility=Visibility.HIDDEN,
        moderation_reason="Werbung.",
        created_at=timezone.now(),
    )
    public = client.get(url).json()
    assert public["pending"] == 1
    assert [(q["body"], q["hidden_reason"]) for q in public["open"]] == [("", "Werbung.")]
    own = client.get(url, **anna).json()
    assert any(q["pending"] and q["body"] == "Warte ich?" for q in own["open"])


def test_questions_keep_to_tenancy_and_audience(client, forum, process, town, districts, planner):
    other = make_process(town, districts, planner)  # a token of another process does not count
    stranger = token_of(other, "Fremd")
    url = f"{API}/conferences/{forum.pk}/questions"
    problem(
        client.post(url, {"body": "Wann?"}, content_type="application/json", **stranger),
        403,
        "not_participant",
    )
    narrow(process, Module.QUESTIONS, Audience.DISTRICTS, districts=[districts["SUED"]])
    refused = problem(
        client.post(
            url, {"body": "Wann?"}, content_type="application/json", **token_of(process, "A")
        ),
        403,
        "outside_module_audience",
    )
    assert "Südfeld" in refused["detail"]
    assert not EventQuestion.objects.exists()
    process.published = False
    process.save()
    problem(client.get(url), 404, "not_found")


def test_module_audience_is_enforced_and_shown_over_the_api(client, process, districts):
    narrow(process, Module.IDEAS, Audience.INVITED)
    nora = token_of(process, "Nora")
    refused = problem(
        client.post(
            f"{API}/processes/{process.pk}/ideas",
            {"title": "Bänke", "body": "Mehr Bänke."},
            content_type="application/json",
            **nora,
        ),
        403,
        "outside_module_audience",
    )
    assert "eingeladene" in refused["detail"]
    assert not Idea.objects.exists()
    modules = {
        m["module"]: m for m in client.get(f"{API}/processes/{process.pk}").json()["modules"]
    }
    assert modules["ideas"]["own"] and modules["ideas"]["audience"] == "invited"
    assert not modules["comments"]["own"] and "Nordviertel" in modules["comments"]["who"]


def test_a_new_consent_version_over_the_api(client, process, town):
    nora = token_of(process, "Nora")
    ConsentText.objects.create(
        municipality=town,
        kind="privacy",
        version=1,
        title="Datenschutzhinweise",
        body="Text.",
        published_at=timezone.now() - timedelta(minutes=1),
    )
    texts = client.get(f"{API}/municipalities/{town.slug}/consent-texts").json()
    assert [(t["kind"], t["version"]) for t in texts] == [("privacy", 1)]
    body = {"title": "Bänke", "body": "Mehr Bänke."}
    ideas = f"{API}/processes/{process.pk}/ideas"
    problem(
        client.post(ideas, body, content_type="application/json", **nora), 409, "consent_outdated"
    )
    consent = f"{API}/processes/{process.pk}/participants/me/consent"
    assert client.get(consent, **nora).json()["outdated"][0]["title"] == "Datenschutzhinweise"
    problem(
        client.post(consent, {}, content_type="application/json", **nora), 400, "consent_required"
    )
    state = client.post(consent, {"consent": True}, content_type="application/json", **nora).json()
    assert state == {"accepted": {"privacy": 1}, "outdated": []}
    assert client.post(ideas, body, content_type="application/json", **nora).status_code == 201


def test_follow_confirm_read_and_end_the_digest(
    client, districts, django_capture_on_commit_callbacks
):
    nord = districts["NORD"]
    url = f"{API}/districts/{nord.pk}/followers"
    body = {"email": "Nora@Example.org", "consent": True}
    problem(client.post(url, body, content_type="application/json"), 400, "altcha_missing")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url, {**body, "altcha": altcha_payload()}, content_type="application/json"
        )
    assert sent.status_code == 202, sent.content
    assert len(mail.outbox) == 1
    follower = DistrictFollower.objects.get()
    header = {"HTTP_X_DIGEST_TOKEN": follower_link_value(follower)}
    problem(client.get(f"{API}/followers/me"), 403, "not_follower")
    problem(client.get(f"{API}/followers/me", HTTP_X_DIGEST_TOKEN="forged"), 403, "not_follower")
    mine = client.get(f"{API}/followers/me", **header).json()
    assert mine["email"] == "nora@example.org" and not mine["confirmed"]
    assert mine["district"] == "Nordviertel"
    assert client.post(f"{API}/followers/me/confirm", **header).json()["confirmed"]
    assert client.delete(f"{API}/followers/me", **header).status_code == 204
    assert not DistrictFollower.objects.exists()
    problem(client.get(f"{API}/followers/me", **header), 403, "not_follower")


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex=r"^/api/v1/participation/(conferences/\{conference_id\}/questions|questions/|"
    r"districts/|followers/|municipalities/\{municipality_slug\}/consent|"
    r"processes/\{process_id\}/participants/me)"
)


@pytest.fixture
def fuzz_world(db, town, districts, planner):
    # like Django's test client: keep the test transaction's connection open across requests
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    process = make_process(town, districts, planner)
    forum_of(process)
    assert District.objects.exists()
    yield process
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_questions_digest_and_consent_api_never_answer_5xx(case, fuzz_world):
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance])
