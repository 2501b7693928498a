"""Questions for an event on the page: ask and support with plain forms (no script needed),
htmx reloads only the list, moderators mark answered and hide with a reason; strangers and
other municipalities' staff are refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.core.models import Role
from rathaus.participation.models import Conference, EventQuestion
from rathaus.participation.services import participants

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(town, process):
    start = timezone.now() + timedelta(days=3)
    return Conference.objects.create(
        municipality=town,
        process=process,
        title="Bürgerversammlung Lindenstraße",
        summary="Fragen an die Planung.",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=50,
    )


def joined(client, process, name="Anna"):
    participant, _token = participants.participant_join(
        process=process, pseudonym=name, consent=True, street="Lindenstraße", house_number="8"
    )
    session = client.session
    session["participation"] = {str(process.pk): participant.pk}
    session.save()
    return participant


def test_a_participant_asks_and_another_supports_without_script(client, forum, process):
    url = reverse("participation:questions", args=[forum.pk])
    page = client.get(url).content.decode()
    assert "Mitmachen, um zu fragen" in page
    joined(client, process)
    response = client.post(url, {"body": "<script>alert(1)</script> Wann beginnt der Bau?"})
    assert response.status_code == 302 and "#frage-" in response.url
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Wann beginnt der Bau?" in page
    other = client.__class__()
    joined(other, process, "Ben")
    question = EventQuestion.objects.get()
    other.post(reverse("participation:question_support", args=[question.pk]))
    assert "1 Unterstützung" in other.get(url).content.decode()
    assert "Sie unterstützen diese Frage." in other.get(url).content.decode()
    partial = other.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="fragen-liste"') and "<html" not in partial


def test_an_empty_or_huge_question_gets_a_message_at_the_field(client, forum, process):
    joined(client, process)
    url = reverse("participation:questions", args=[forum.pk])
    assert client.post(url, {"body": ""}).status_code == 400
    huge = client.post(url, {"body": "x" * 1200})
    assert huge.status_code == 400 and "1000" in huge.content.decode()
    assert not EventQuestion.objects.exists()


def test_the_moderator_marks_answered_and_hides_with_a_reason(client, forum, process, moderator):
    anna = joined(client, process)
    first = EventQuestion.objects.create(
        municipality=forum.municipality,
        conference=forum,
        participant=anna,
        body="Wann?",
        created_at=timezone.now(),
    )
    second = EventQuestion.objects.create(
        municipality=forum.municipality,
        conference=forum,
        participant=anna,
        body="Kauft hier!",
        created_at=timezone.now(),
    )
    client.force_login(moderator)
    moderate = "participation:question_moderate"
    client.post(reverse(moderate, args=[first.pk]), {"action": "answered"})
    client.post(reverse(moderate, args=[second.pk]), {"action": "hide", "reason": "Werbung."})
    page = client.get(reverse("participation:questions", args=[forum.pk])).content.decode()
    assert "Beantwortet" in page and "Begründung: Werbung." in page and "Kauft hier!" not in page


def test_planners_and_other_towns_cannot_moderate_questions(
    client, forum, process, make_user, other_town
):
    anna = joined(client, process)
    question = EventQuestion.objects.create(
        municipality=forum.municipality,
        conference=forum,
        participant=anna,
        body="Wann?",
        created_at=timezone.now(),
    )
    url = reverse("participation:question_moderate", args=[question.pk])
    client.force_login(make_user(Role.PROCESS_PLANNER, municipality=forum.municipality))
    assert client.post(url, {"action": "answered"}).status_code == 403
    client.force_login(make_user(Role.MODERATOR, municipality=other_town))
    assert client.post(url, {"action": "answered"}).status_code == 404
    question.refresh_from_db()
    assert question.answered_at is None


def test_moderators_see_no_join_button_but_what_they_do_here(client, forum, moderator):
    url = reverse("participation:questions", args=[forum.pk])
    client.force_login(moderator)
    page = client.get(url).content.decode()
    assert "Mitmachen, um zu fragen" not in page
    assert "Sie moderieren diese Fragen" in page
    client.logout()
    assert "Mitmachen, um zu fragen" in client.get(url).content.decode()
