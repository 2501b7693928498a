"""The admin names the fields of guiding-vision chapters in the reader's language, and shows a
town's administrators the rows of their own processes (phases, poll options, paragraphs)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.core.models import Role
from rathaus.core.tests.admin_forms import form_data, form_labels
from rathaus.participation.models import Poll, PollOption, VisionChapter, VisionParagraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter(process):
    return VisionChapter.objects.create(
        municipality=process.municipality, process=process, title="Wohnen", position=2
    )


def test_a_chapters_order_is_named_in_german_and_english(client, make_user, town, chapter):
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    url = reverse("admin:participation_visionchapter_change", args=[chapter.pk])

    # the chapter's own fields come first; the paragraph rows' column heads follow them
    german = form_labels(client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode())
    assert german[:5] == ["Kommune", "Beteiligungsverfahren", "Stadtteil", "Titel", "Reihenfolge"]

    english = form_labels(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert english[:5] == ["Municipality", "Participation process", "District", "Title", "Order"]


def test_the_paragraph_rows_of_a_chapter_have_german_column_heads(client, make_user, town, chapter):
    client.force_login(make_user(municipality=town, is_superuser=True, is_staff=True))
    url = reverse("admin:participation_visionchapter_change", args=[chapter.pk])
    heads = form_labels(client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode())
    assert {"Reihenfolge", "Fassung", "Text", "Aktuelle Fassung", "Angelegt am"} <= set(heads)
    assert not {"Position", "Version", "Current", "Created at"} & set(heads)


@pytest.fixture
def town_admin(make_user, town):
    return make_user(Role.MUNICIPALITY_ADMIN, municipality=town)


def test_a_town_admin_sees_and_edits_the_phases_of_their_towns_process(client, town_admin, process):
    client.force_login(town_admin)
    url = reverse("admin:participation_process_change", args=[process.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ideen sammeln" in page  # the phase rows are shown, not left out
    data = form_data(page)
    first = process.phases.order_by("starts_on").first()
    assert data["phases-0-id"] == [str(first.pk)]
    data["phases-0-ends_on"] = ["2031-01-31"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db()
    assert first.ends_on.isoformat() == "2031-01-31"


def test_a_town_admin_sees_and_edits_the_options_of_their_towns_poll(client, town_admin, process):
    poll = Poll.objects.create(municipality=process.municipality, process=process, question="Wie?")
    option = PollOption.objects.create(municipality=poll.municipality, poll=poll, label="Radweg")
    client.force_login(town_admin)
    url = reverse("admin:participation_poll_change", args=[poll.pk])
    page = client.get(url).content.decode()
    assert "Radweg" in page
    data = form_data(page)
    data["options-0-label"] = ["Breiter Radweg"]
    assert client.post(url, data).status_code == 302
    option.refresh_from_db()
    assert option.label == "Breiter Radweg"


def test_a_town_admin_sees_the_paragraphs_of_their_towns_vision_chapter(
    client, town_admin, chapter
):
    VisionParagraph.objects.create(
        municipality=chapter.municipality,
        chapter=chapter,
        text="Bezahlbarer Wohnraum für alle.",
        created_at=timezone.now(),
    )
    client.force_login(town_admin)
    url = reverse("admin:participation_visionchapter_change", args=[chapter.pk])
    assert "Bezahlbarer Wohnraum für alle." in client.get(url).content.decode()


def test_another_towns_admin_neither_sees_nor_edits_the_process_or_its_phases(
    client, make_user, other_town, process
):
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=other_town))
    url = reverse("admin:participation_process_change", args=[process.pk])
    response = client.get(url)
    assert response.status_code in (302, 403, 404)
    assert "Ideen sammeln" not in response.content.decode()
    phase = process.phases.first()
    data = {
        "phases-TOTAL_FORMS": ["1"],
        "phases-INITIAL_FORMS": ["1"],
        "phases-0-id": [str(phase.pk)],
        "phases-0-process": [str(process.pk)],
        "phases-0-kind": ["result"],
        "phases-0-starts_on": ["2031-01-01"],
        "phases-0-ends_on": ["2031-01-31"],
    }
    assert client.post(url, data).status_code in (302, 403, 404)
    phase.refresh_from_db()
    assert phase.kind != "result"
