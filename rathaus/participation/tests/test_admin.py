"""The admin names the fields of guiding-vision chapters in the reader's language."""

import pytest
from django.urls import reverse

from rathaus.core.models import Role
from rathaus.core.tests.admin_forms import form_labels
from rathaus.participation.models import VisionChapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter(process):
    return VisionChapter.objects.create(
        municipality=process.municipality, process=process, title="Wohnen", position=2
    )


def test_a_chapters_order_is_named_in_german_and_english(client, make_user, town, chapter):
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    url = reverse("admin:participation_visionchapter_change", args=[chapter.pk])

    german = form_labels(client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode())
    assert german == ["Kommune", "Beteiligungsverfahren", "Stadtteil", "Titel", "Reihenfolge"]

    english = form_labels(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert english == ["Municipality", "Participation process", "District", "Title", "Order"]


def test_the_paragraph_rows_of_a_chapter_have_german_column_heads(client, make_user, town, chapter):
    client.force_login(make_user(municipality=town, is_superuser=True, is_staff=True))
    url = reverse("admin:participation_visionchapter_change", args=[chapter.pk])
    heads = form_labels(client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode())
    assert {"Reihenfolge", "Fassung", "Text", "Aktuelle Fassung", "Angelegt am"} <= set(heads)
    assert not {"Position", "Version", "Current", "Created at"} & set(heads)
