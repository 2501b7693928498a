"""Conference pages: registration with German messages at the field, the personal link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rathaus.core.models import Role
from rathaus.participation.models import Conference, Registration
from rathaus.participation.tests.conftest import altcha_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(town, process):
    start = timezone.now() + timedelta(days=5)
    return Conference.objects.create(
        municipality=town,
        process=process,
        title="Forum <i>Wirtschaft</i>",
        summary="Alle an einen Tisch.",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=1,
    )


def post(client, forum, **data):
    form = {"name": "Anna", "email": "anna@example.org", "consent": "on", **data}
    form["altcha"] = altcha_payload()
    return client.post(reverse("participation:conference", args=[forum.pk]), form)


def test_the_process_page_lists_the_conference_escaped(client, forum):
    page = client.get(reverse("participation:process", args=[forum.process_id])).content.decode()
    assert "Forum &lt;i&gt;Wirtschaft&lt;/i&gt;" in page and "1 Platz frei" in page


def test_registering_leads_to_the_personal_link_with_the_status(
    client, forum, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, forum)
    assert response.status_code == 302 and "/beteiligung/anmeldung/" in response.url
    page = client.get(response.url).content.decode()
    assert "Platz bestätigt" in page and "Anmeldung absagen" in page
    assert "anna@example.org" in mail.outbox[0].to


def test_a_bad_address_is_named_at_the_field_and_nothing_is_stored(client, forum):
    response = post(client, forum, email="anna(at)example.org")
    assert response.status_code == 400
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in response.content.decode()
    assert not Registration.objects.exists()


def test_registration_pages_of_an_unpublished_process_do_not_exist(client, forum):
    forum.process.published = False
    forum.process.save()
    assert client.get(reverse("participation:conference", args=[forum.pk])).status_code == 404


def test_a_forged_personal_link_is_not_found(client):
    url = reverse("participation:registration", args=["erfunden"])
    assert client.get(url).status_code == 404


def test_the_registration_list_is_for_staff_of_the_town_only(
    client, forum, make_user, town, other_town
):
    post(client, forum)
    url = reverse("participation:staff_conference", args=[forum.pk])
    client.force_login(make_user(Role.PROCESS_PLANNER, municipality=other_town))
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.PROCESS_PLANNER, municipality=town))
    assert "anna@example.org" in client.get(url).content.decode()


def test_the_join_link_waits_on_the_personal_page_and_the_gate_refuses_early(
    client, forum, settings
):
    settings.RATHAUS_MEETINGS_VIDEO_URL = "https://video.musterstadt.example"
    forum.video = True
    forum.save()
    response = post(client, forum)
    public = client.get(reverse("participation:conference", args=[forum.pk])).content.decode()
    assert "Auch online möglich" in public and "video.musterstadt" not in public
    page = client.get(response.url).content.decode()
    assert "erscheint hier ab" in page and "Jetzt online teilnehmen" not in page
    gate = client.get(response.url + "online/", follow=True)
    assert "freigeschaltet" in gate.content.decode()


def test_shortly_before_the_start_the_gate_leads_into_the_video_room(client, forum, settings):
    settings.RATHAUS_MEETINGS_VIDEO_URL = "https://video.musterstadt.example"
    forum.video = True
    forum.starts_at = timezone.now() + timedelta(minutes=5)
    forum.save()
    response = post(client, forum)
    page = client.get(response.url).content.decode()
    assert "Jetzt online teilnehmen" in page
    gate = client.get(response.url + "online/")
    assert gate.status_code == 302
    assert gate.url.startswith("https://video.musterstadt.example/beteiligung-")
