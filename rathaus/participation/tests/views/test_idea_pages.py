"""The process page's further pages: only the idea list, with accessible page links that keep
the filter; deep pages come from the cache within a budget and are never stale."""

import pytest
from django.urls import reverse

from rathaus.participation import caching
from rathaus.participation.services import moderation, posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_ideas(settings, process, resident):
    settings.RATHAUS_PARTICIPATION_PAGE_SIZE = 2
    return [
        posts.idea_create(process=process, participant=resident, title=f"Idee Nummer {i}", body="b")
        for i in range(1, 6)
    ]


def test_the_second_page_lists_ideas_only_and_links_the_first(client, process, five_ideas):
    url = reverse("participation:process", args=[process.pk])
    first = client.get(url).content.decode()
    assert "Aktuelle Phase" in first
    assert '<span aria-current="page">Seite 1 von 3</span>' in first
    assert 'rel="next" href="?page=2#ideen"' in first
    second = client.get(url + "?page=2").content.decode()
    assert "Ideen zu „Umgestaltung der Lindenstraße“" in second
    assert "Aktuelle Phase" not in second and "Idee Nummer 3" in second
    assert f'href="{url}">ersten Seite des Verfahrens</a>' in second
    assert '<span aria-current="page">Seite 2 von 3</span>' in second
    assert 'rel="prev" href="?page=1#ideen"' in second and "?page=3#ideen" in second


def test_page_links_keep_the_status_filter(client, process, five_ideas):
    url = reverse("participation:process", args=[process.pk])
    page = client.get(url + "?stand=received&page=2").content.decode()
    assert 'href="?page=1&amp;stand=received#ideen"' in page


def test_a_deep_page_shows_a_change_at_once(settings, client, process, resident, moderator):
    settings.RATHAUS_PARTICIPATION_PAGE_SIZE = 1
    ideas = [
        posts.idea_create(process=process, participant=resident, title=f"Idee {i}", body="b")
        for i in range(1, 54)
    ]
    url = reverse("participation:process", args=[process.pk]) + "?page=52"
    assert "Idee 2<" in client.get(url).content.decode()  # newest first: page 52 is idea 2
    assert "Idee 2<" in client.get(url).content.decode()  # (again, from the cache)
    moderation.post_hide(actor=moderator, post=ideas[-1], reason="Doppelt eingereicht.")
    assert "Idee 1<" in client.get(url).content.decode()


def test_deep_renderings_beyond_the_budget_are_not_stored(settings, process):
    settings.RATHAUS_PARTICIPATION_CACHE_SECONDS = 60
    calls = []

    def render():
        calls.append(1)
        return "html"

    for part in ("a", "b", "a", "b"):
        caching.get_or_render(process.pk, f"deep-{part}", render, budget=1)
    assert len(calls) == 3  # "a" stored (once rendered), "b" rendered each time
