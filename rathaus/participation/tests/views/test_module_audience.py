"""The pages show who may take part in which module and why the visitor may not, and offer
no form the services would refuse; a new version of the consent texts is asked for once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.participation.models import Audience, ConsentText, Idea, Module
from rathaus.participation.services import posts
from rathaus.participation.tests.module_audience import (
    forum_of,
    narrow,
    paragraph_of,
    poll_of,
    setting,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(town, districts, planner):
    return setting(town, districts, planner)


def as_participant(client, participant):
    session = client.session
    session["participation"] = {str(participant.process_id): participant.pk}
    session.save()


def test_the_process_page_names_who_may_vote_and_why_not(client, s):
    narrow(s.process, Module.POLL, Audience.DISTRICTS)
    poll_of(s.process)
    url = reverse("participation:process", args=[s.process.pk])
    page = client.get(url).content.decode()
    assert "Wer darf wo mitmachen?" in page and "Nordviertel" in page
    as_participant(client, s.sued)
    page = client.get(url).content.decode()
    assert "Ihre Adresse liegt in einem anderen Stadtteil" in page
    assert "Antwort speichern" not in page  # no poll form for someone refused
    assert "Idee einreichen" in page  # ideas stay open to everyone
    as_participant(client, s.nord)
    page = client.get(url).content.decode()
    assert "Antwort speichern" in page and "anderen Stadtteil" not in page


def test_the_idea_page_refuses_comments_with_the_reason_and_stores_nothing(client, s):
    idea = posts.idea_create(process=s.process, participant=s.nord, title="Bänke", body="Ja")
    narrow(s.process, Module.COMMENTS, Audience.INVITED, groups=[s.group_a])
    as_participant(client, s.nord)
    url = reverse("participation:idea", args=[idea.pk])
    page = client.get(url).content.decode()
    assert "nur für eingeladene Personen (Nur eingeladen: Anlieger)" in page
    assert "Kommentar senden" not in page
    response = client.post(reverse("participation:comment", args=[idea.pk]), {"body": "Gut"})
    assert "Ihr Zugang gehört nicht dazu" in response.content.decode()
    assert not idea.comments.exists()


def test_the_draft_text_and_the_questions_page_show_the_refusal(client, s, districts):
    narrow(s.process, Module.VISION, Audience.DISTRICTS, districts=[districts["SUED"]])
    narrow(s.process, Module.QUESTIONS, Audience.INVITED)
    paragraph = paragraph_of(s.process)
    forum = forum_of(s.process)
    as_participant(client, s.nord)
    page = client.get(reverse("participation:paragraph", args=[paragraph.pk])).content.decode()
    assert "Südfeld" in page and "Absenden" not in page
    url = reverse("participation:questions", args=[forum.pk])
    page = client.get(url).content.decode()
    assert "nur für eingeladene Personen" in page and "Frage senden" not in page
    response = client.post(url, {"body": "Wann?"})
    assert response.status_code == 400 and not forum.questions.exists()


def test_a_new_consent_version_is_asked_for_before_the_next_idea(client, s, town):
    as_participant(client, s.nord)
    ConsentText.objects.create(
        municipality=town,
        kind="privacy",
        version=2,
        title="Datenschutzhinweise",
        body="Neu: <b>Aufbewahrung</b> 180 Tage.",
        published_at=timezone.now() - timedelta(minutes=1),
    )
    process_url = reverse("participation:process", args=[s.process.pk])
    page = client.get(process_url).content.decode()
    assert "Neue Fassung lesen und bestätigen" in page
    response = client.post(
        reverse("participation:idea_new", args=[s.process.pk]), {"title": "Bänke", "body": "Ja"}
    )
    assert "„Datenschutzhinweise“ (Version 2)" in response.content.decode()
    assert not Idea.objects.exists()
    consent_url = reverse("participation:consent", args=[s.process.pk])
    page = client.get(consent_url).content.decode()
    assert "Neu: &lt;b&gt;Aufbewahrung&lt;/b&gt; 180 Tage." in page
    assert client.post(consent_url, {}).status_code == 400
    assert client.post(consent_url, {"consent": "on"}).status_code == 302
    s.nord.refresh_from_db()
    assert s.nord.consents == {"privacy": 2}
    assert "Neue Fassung lesen" not in client.get(process_url).content.decode()


def test_the_join_page_shows_the_towns_texts(client, s, town):
    ConsentText.objects.create(
        municipality=town,
        kind="terms",
        version=1,
        title="Regeln für die Beteiligung",
        body="Seien Sie freundlich.",
        published_at=timezone.now() - timedelta(minutes=1),
    )
    page = client.get(reverse("participation:join", args=[s.process.pk])).content.decode()
    assert "Regeln für die Beteiligung" in page and "Seien Sie freundlich." in page
