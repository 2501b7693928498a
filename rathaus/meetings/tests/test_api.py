"""JSON API: scoped reads, the join URL rule, minutes with 409 as problem+json."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.meetings.services import minutes as services
from rathaus.meetings.tests.factories import crisis_staff, meeting_at


@pytest.mark.django_db
def test_bodies_meeting_and_register(client, staff, office, other_town):
    body, people = staff
    crisis_staff(other_town, name="Fremder Stab")
    m = meeting_at(body, timezone.now() + timedelta(minutes=5))
    item = services.agenda_item_add(actor=None, body=body, meeting=m, title="Lage")
    client.force_login(office)
    names = [b["name"] for b in client.get("/api/v1/meetings/bodies").json()]
    assert names == ["Krisenstab"]
    data = client.get(f"/api/v1/meetings/meetings/{m.pk}").json()
    assert data["items"][0]["title"] == "Lage" and data["join_url"] is None  # not invited
    client.force_login(people["member"][0])
    data = client.get(f"/api/v1/meetings/meetings/{m.pk}").json()
    assert data["join_url"].endswith(f"/gremien/sitzung/{m.pk}/beitreten/")

    client.force_login(office)
    url = f"/api/v1/meetings/items/{item.pk}/minutes"
    ok = client.put(url, {"text": "A", "version": 0}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 1
    clash = client.put(url, {"text": "B", "version": 0}, content_type="application/json")
    assert clash.status_code == 409
    assert clash["Content-Type"] == "application/problem+json"
    assert clash.json()["code"] == "minutes_conflict"
    assert client.get("/api/v1/meetings/assignments?state=overdue").json() == []


@pytest.mark.django_db
def test_anonymous_and_foreign_requests_are_refused(client, staff, make_user, other_town):
    body, _ = staff
    m = meeting_at(body, timezone.now())
    assert client.get("/api/v1/meetings/bodies").status_code == 401
    client.force_login(make_user("meetings_office", municipality=other_town))
    response = client.get(f"/api/v1/meetings/meetings/{m.pk}")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
