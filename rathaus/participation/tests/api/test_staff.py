"""Staff API: moderation and "you said, we did" need their role and stay in the tenant."""

import pytest

from rathaus.core.models import Role
from rathaus.participation.services import posts

pytestmark = pytest.mark.django_db
API = "/api/v1/participation"


@pytest.fixture
def comment(process, resident):
    idea = posts.idea_create(process=process, participant=resident, title="A", body="b")
    return posts.comment_create(idea=idea, participant=resident, body="böse")


def test_moderator_hides_a_comment_and_the_public_sees_a_placeholder(client, moderator, comment):
    client.force_login(moderator)
    response = client.post(
        f"{API}/staff/comments/{comment.pk}/hide",
        {"reason": "Bitte sachlich."},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["hidden"]
    client.logout()
    detail = client.get(f"{API}/ideas/{comment.idea_id}").json()
    assert detail["comment_list"][0] == {**detail["comment_list"][0], "body": None, "hidden": True}


def test_planner_may_not_moderate_and_moderator_may_not_decide(client, planner, moderator, comment):
    client.force_login(planner)
    hide = client.post(
        f"{API}/staff/comments/{comment.pk}/hide", {"reason": "x"}, content_type="application/json"
    )
    assert hide.status_code == 403
    client.force_login(moderator)
    status = client.post(
        f"{API}/staff/ideas/{comment.idea_id}/status",
        {"status": "under_review"},
        content_type="application/json",
    )
    assert status.status_code == 403


def test_planner_sets_status_and_reads_the_report(client, planner, comment):
    client.force_login(planner)
    response = client.post(
        f"{API}/staff/ideas/{comment.idea_id}/status",
        {"status": "adopted", "reason": "Kommt.", "project": "P-1"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status_label"] == "Übernommen"
    report = client.get(f"{API}/staff/processes/{comment.idea.process_id}/report").json()
    assert report["participants"] == 1


def test_staff_of_another_town_gets_404(client, make_user, other_town, comment):
    client.force_login(make_user(Role.MODERATOR, Role.PROCESS_PLANNER, municipality=other_town))
    response = client.post(
        f"{API}/staff/comments/{comment.pk}/hide", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get(f"{API}/staff/processes/{comment.idea.process_id}/report").status_code == 404


def test_anonymous_staff_call_is_401(client, comment):
    response = client.post(f"{API}/staff/comments/{comment.pk}/publish")
    assert response.status_code == 401
