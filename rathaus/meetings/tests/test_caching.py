"""The versioned cache never shows stale pages after a write and never shares a CSRF token."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rathaus.core.models import Role
from rathaus.core.testing import authenticator_for_test, pass_second_factor
from rathaus.core.tests.factories import UserFactory
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


@pytest.mark.django_db
def test_the_cached_meeting_page_follows_the_clock_the_person_and_the_language(staff, town):
    body, people = staff
    start = timezone.now() + timedelta(minutes=40)
    meeting = meeting_at(body, start)
    url = reverse("meetings:meeting", args=[meeting.pk])
    member = Client(enforce_csrf_checks=True)
    member.force_login(people["member"][0])
    html = member.get(url).content.decode()
    assert "erscheint hier ab" in html and "__rathaus_meetings_csrf__" not in html
    assert TOKEN.search(html)  # the answer form carries this browser's token
    with time_machine.travel(start - timedelta(minutes=10)):  # inside the join window
        assert "Jetzt der Videokonferenz beitreten" in member.get(url).content.decode()
    office = Client()
    office.force_login(office_user(town))  # the office is not invited: no join box
    assert "Videokonferenz" not in office.get(url).content.decode()
    english = member.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "erscheint hier ab" not in english
    # an answer shows at once, with its message (a page with messages is never cached)
    answered = member.post(
        reverse("meetings:respond", args=[meeting.pk]),
        {"answer": "no", "csrfmiddlewaretoken": TOKEN.search(html).group(1)},
        follow=True,
    ).content.decode()
    assert "Ihre Antwort ist gespeichert" in answered and "abgesagt" in answered


@pytest.mark.django_db
def test_the_cached_minutes_page_follows_saves_and_the_lifecycle(client, staff, office):
    body, _ = staff
    meeting = meeting_at(body, timezone.now() - timedelta(hours=2))
    meeting_at(body, timezone.now() - timedelta(minutes=30))  # where it may be approved
    item = minutes.agenda_item_add(actor=None, body=body, meeting=meeting, title="Lage")
    client.force_login(office)
    url = reverse("meetings:minutes", args=[meeting.pk])
    first = client.get(url).content.decode()
    assert "Zur Korrektur versenden" in first
    minutes.minutes_save(actor=None, item=item, text="Pegel fällt.", base_version=0)
    assert "Pegel fällt." in client.get(url).content.decode()
    minutes.minutes_circulate(actor=None, meeting=meeting)
    circulated = client.get(url).content.decode()
    assert "Protokoll genehmigen" in circulated and 'id="id_at_meeting"' in circulated
    # the page's own token arrives in every form, not the cached placeholder
    assert "__rathaus_meetings_csrf__" not in first + circulated


@pytest.mark.django_db
def test_a_cached_page_reads_no_meeting_row_and_still_shows_a_cancellation_at_once(staff, office):
    body, people = staff
    meeting = meeting_at(body, timezone.now() + timedelta(days=2))
    member = Client()
    member.force_login(people["member"][0])
    url = reverse("meetings:meeting", args=[meeting.pk])
    assert "abgesagt</span>" not in member.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        member.get(url)
    assert not [q for q in queries.captured_queries if "meetings_meeting" in q["sql"]]
    meeting_services.meeting_cancel(actor=office, meeting=meeting)
    assert "abgesagt</span>" in member.get(url).content.decode()
    # a person who may not see the body never gets the remembered row of someone who may
    outsider = Client()
    outsider.force_login(UserFactory(municipality=body.municipality, roles=[Role.EMPLOYEE.value]))
    assert outsider.get(url).status_code == 404


@pytest.mark.django_db
def test_a_warm_meeting_page_of_a_verified_session_makes_no_query(
    client, staff, office, settings, django_assert_num_queries
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as with Redis
    body, _ = staff
    meeting = meeting_at(body, timezone.now() + timedelta(days=2))
    authenticator_for_test(office)  # the office has an authenticator: the session must pass it
    client.force_login(office)
    pass_second_factor(client, office)
    url = reverse("meetings:meeting", args=[meeting.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # the cache is warm: user, device, page
    with django_assert_num_queries(0):
        page = client.get(url)
    assert page.status_code == 200 and meeting.title in page.content.decode()
