"""The versioned cache never shows stale pages after a write and never shares a CSRF token."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.services import minutes
from rathaus.meetings.tests.factories import crisis_staff, meeting_at, office_user

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.django_db
def test_a_new_item_and_an_attendance_change_show_at_once_on_the_cached_page(client, staff, office):
    body, people = staff
    meeting = meeting_at(body, timezone.now() + timedelta(days=2))
    client.force_login(office)
    url = reverse("meetings:meeting", args=[meeting.pk])
    assert "Haushaltssperre" not in client.get(url).content.decode()
    minutes.agenda_item_add(actor=office, body=body, meeting=meeting, title="Haushaltssperre")
    attendance = meeting.attendances.get(membership=people["member"][1])
    meeting_services.attendance_set(actor=office, attendance=attendance, status="excused")
    html = client.get(url).content.decode()
    assert "Haushaltssperre" in html
    assert re.search(r'<option value="excused" selected>', html)


@pytest.mark.django_db
def test_two_writers_each_get_their_own_csrf_token_in_the_cached_minutes(staff, town):
    body, _ = staff
    meeting = meeting_at(body, timezone.now() - timedelta(minutes=5))
    item = minutes.agenda_item_add(actor=None, body=body, meeting=meeting, title="Lage")
    url = reverse("meetings:minutes", args=[meeting.pk])
    browsers = []
    for user in (office_user(town), office_user(town)):  # the second page comes from the cache
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        html = browser.get(url).content.decode()
        assert "__rathaus_meetings_csrf__" not in html
        browsers.append((browser, TOKEN.search(html).group(1)))
    assert browsers[0][1] != browsers[1][1]
    statuses = [
        browser.post(
            reverse("meetings:item_save", args=[item.pk]),
            {"text": f"Text {n}", "version": 0, "csrfmiddlewaretoken": token},
        ).status_code
        for n, (browser, token) in enumerate(browsers)
    ]
    # the token fits each browser (no 403); the second writer meets the first one's text
    assert statuses[0] in (200, 302) and statuses[1] == 409
    item.refresh_from_db()
    assert item.discussion == "Text 0"


@pytest.mark.django_db
def test_the_oparl_total_follows_a_new_public_meeting(client, town):
    council, _ = crisis_staff(town, name="Rat", kind="council", public=True)
    meeting_at(council, timezone.now() + timedelta(days=10))
    url = reverse("oparl:body_meetings", args=[town.pk])
    assert client.get(url).json()["pagination"]["totalElements"] == 1
    meeting_at(council, timezone.now() + timedelta(days=20))
    assert client.get(url).json()["pagination"]["totalElements"] == 2


@pytest.mark.django_db
def test_the_public_feed_shows_a_cancellation_at_once(client, town):
    council, _ = crisis_staff(town, name="Rat", kind="council", public=True)
    meeting = meeting_at(council, timezone.now() + timedelta(days=10))
    url = reverse("meetings:public_feed", args=[council.pk])
    assert "STATUS:CONFIRMED" in client.get(url).content.decode()
    meeting_services.meeting_cancel(actor=None, meeting=meeting)
    assert "STATUS:CANCELLED" in client.get(url).content.decode()
