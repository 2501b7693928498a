"""The public .ics feed kept in the database: what a fresh process serves with one read is what
a fresh rendering says, and every change shows in the next request (services.feeds)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from rathaus.meetings import caching
from rathaus.meetings.models import StoredFeed
from rathaus.meetings.services import feeds, minutes
from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.tests.factories import crisis_staff, meeting_at


def _feed(client, body) -> bytes:
    response = client.get(reverse("meetings:public_feed", args=[body.pk]))
    assert response.status_code == 200
    return response.content


def _events(data: bytes) -> list[dict]:
    return [
        {key: value.to_ical() for key, value in event.items() if key != "DTSTAMP"}
        for event in Calendar.from_ical(data).walk("VEVENT")
    ]


@pytest.fixture
def council(town):
    body, _ = crisis_staff(town, name="Rat", kind="council", public=True)
    return body


@pytest.mark.django_db
def test_a_fresh_process_serves_the_stored_feed_with_one_read_and_it_matches_a_new_rendering(
    client, council, django_assert_num_queries
):
    meeting = meeting_at(council, timezone.now() + timedelta(days=3))
    minutes.agenda_item_add(
        actor=None, body=council, meeting=meeting, title="Haushalt", public=True
    )
    first = _feed(client, council)
    cache.clear()  # a fresh process on an emptied shared cache: only the database is left
    with django_assert_num_queries(1):
        stored = _feed(client, council)
    fresh = feeds.render_public_feed(council, window=feeds.window_of(timezone.now()))
    assert _events(stored) == _events(fresh) == _events(first)
    assert "1. Haushalt" in stored.decode()


@pytest.mark.django_db
def test_a_cancellation_a_new_item_and_a_retitled_item_show_in_the_next_request(client, council):
    meeting = meeting_at(council, timezone.now() + timedelta(days=3))
    assert b"STATUS:CONFIRMED" in _feed(client, council)
    item = minutes.agenda_item_add(
        actor=None, body=council, meeting=meeting, title="Radwege", public=True
    )
    assert "1. Radwege" in _feed(client, council).decode()
    minutes.agenda_item_update(actor=None, item=item, title="Radwege und Busspur")
    assert "1. Radwege und Busspur" in _feed(client, council).decode()
    meeting_services.meeting_cancel(actor=None, meeting=meeting)
    assert b"STATUS:CANCELLED" in _feed(client, council)


@pytest.mark.django_db
def test_an_item_made_non_public_leaves_the_stored_feed_and_a_non_public_item_never_enters(
    client, council
):
    meeting = meeting_at(council, timezone.now() + timedelta(days=3))
    item = minutes.agenda_item_add(
        actor=None, body=council, meeting=meeting, title="Grundstücksankauf", public=True
    )
    minutes.agenda_item_add(
        actor=None, body=council, meeting=meeting, title="Personalsache", public=False
    )
    shown = _feed(client, council).decode()
    assert "Grundstücksankauf" in shown and "Personalsache" not in shown
    minutes.agenda_item_update(actor=None, item=item, public=False)
    hidden = _feed(client, council).decode()
    assert "Grundstücksankauf" not in hidden and "Personalsache" not in hidden
    stored = StoredFeed.objects.get(body=council)
    assert "Grundstücksankauf" not in bytes(stored.content).decode()


@pytest.mark.django_db
def test_each_town_s_feed_shows_only_its_own_meetings(client, town, other_town, council):
    other, _ = crisis_staff(other_town, name="Rat", kind="council", public=True)
    meeting_at(council, timezone.now() + timedelta(days=2), title="Musterstädter Sitzung")
    meeting_at(other, timezone.now() + timedelta(days=2), title="Nachbarsitzung")
    ours, theirs = _feed(client, council).decode(), _feed(client, other).decode()
    assert "Musterstädter Sitzung" in ours and "Nachbarsitzung" not in ours
    assert "Nachbarsitzung" in theirs and "Musterstädter Sitzung" not in theirs
    assert StoredFeed.objects.get(body=other).municipality_id == other_town.pk
    assert StoredFeed.objects.get(body=council).municipality_id == town.pk


@pytest.mark.django_db
def test_a_body_taken_out_of_public_view_has_no_feed_although_one_is_stored(client, council):
    meeting_at(council, timezone.now() + timedelta(days=2))
    _feed(client, council)
    council.public = False
    council.save(update_fields=["public"])
    assert client.get(reverse("meetings:public_feed", args=[council.pk])).status_code == 404


@pytest.mark.django_db
def test_a_change_made_while_a_request_renders_is_not_hidden_by_that_rendering(
    client, council, monkeypatch
):
    meeting = meeting_at(council, timezone.now() + timedelta(days=3))
    _feed(client, council)
    caching.outdate_stored_feeds(council.pk)
    render = feeds.render_public_feed

    def render_then_cancel(body, *, window):
        content = render(body, window=window)  # read before the cancellation
        meeting_services.meeting_cancel(actor=None, meeting=meeting)
        return content

    monkeypatch.setattr(feeds, "render_public_feed", render_then_cancel)
    assert b"STATUS:CONFIRMED" in _feed(client, council)  # this request's own reading
    monkeypatch.setattr(feeds, "render_public_feed", render)
    assert b"STATUS:CANCELLED" in _feed(client, council)


@pytest.mark.django_db
def test_the_window_of_ninety_days_moves_with_the_day(client, council):
    start = timezone.now() + timedelta(days=1)
    meeting_at(council, start, title="Bald vergangen")
    assert "Bald vergangen" in _feed(client, council).decode()
    with time_machine.travel(start + timedelta(days=92)):
        assert "Bald vergangen" not in _feed(client, council).decode()
