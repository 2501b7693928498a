"""The cached process page: each worker keeps its own copy of the renderings it served, keyed
by the process version that every request still reads from the shared cache, so a change made
through any worker shows at once; the page of a participant or of staff is never cached, and
an anonymous visitor never sees theirs."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from rathaus.participation import caching
from rathaus.participation.services import posts
from rathaus.participation.tests.test_views import join_in_browser_session

pytestmark = pytest.mark.django_db


def test_a_change_through_another_worker_shows_at_once(client, process, resident):
    url = reverse("participation:process", args=[process.pk])
    assert "Bänke am Markt" not in client.get(url).content.decode()
    assert "Bänke am Markt" not in client.get(url).content.decode()  # this worker's copy
    posts.idea_create(process=process, participant=resident, title="Bänke am Markt", body="b")
    # another worker: its own copies are empty, the version in the shared cache moved on
    caching.local_copies.clear()
    assert "Bänke am Markt" in client.get(url).content.decode()


def test_this_workers_copy_is_not_served_once_the_shared_version_moved(client, process):
    url = reverse("participation:process", args=[process.pk])
    client.get(url)
    key = f"participation:v:{process.pk}"
    version = cache.get(key)
    caching.local_copies.put(caching._key(process.pk, "process-1--de", version), "alte Fassung", 60)
    assert client.get(url).content.decode() == "alte Fassung"  # proves the copy is used
    cache.incr(key)  # a write through another worker
    assert "alte Fassung" not in client.get(url).content.decode()


def test_a_participants_page_is_their_own_and_never_shown_to_others(client, process):
    url = reverse("participation:process", args=[process.pk])
    anonymous = client.__class__()
    assert "Sie machen mit als" not in anonymous.get(url).content.decode()  # now cached
    join_in_browser_session(client, process, street="Lindenstraße", house_number="3")
    assert "Sie machen mit als <strong>Nachbarin</strong>" in client.get(url).content.decode()
    for _ in range(2):
        page = anonymous.get(url).content.decode()
        assert "Nachbarin" not in page and "Sie machen mit als" not in page


def test_a_logged_in_planner_gets_a_fresh_page_not_the_visitors_copy(client, process, planner):
    url = reverse("participation:process", args=[process.pk])
    visitor_page = client.__class__().get(url).content.decode()
    client.force_login(planner)
    page = client.get(url).content.decode()
    assert "Abmelden" in page and "Abmelden" not in visitor_page
    assert "Abmelden" not in client.__class__().get(url).content.decode()


def test_the_copies_are_bounded_oldest_first():
    copies = caching._LocalCopies(size=2, seconds=30)
    for name in ("a", "b", "c"):
        copies.put(name, name.upper(), 60)
    assert copies.get("a") is None and copies.get("b") == "B" and copies.get("c") == "C"


def test_a_copy_past_its_time_is_dropped():
    copies = caching._LocalCopies(size=2, seconds=-1)  # every copy already past its time
    copies.put("a", "A", 60)
    assert copies.get("a") is None
