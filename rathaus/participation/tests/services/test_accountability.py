""" "You said, we did": adopted ideas name the project, rejected ones give a reason."""

import pytest

from rathaus.core.problems import DomainError
from rathaus.participation.models import Idea
from rathaus.participation.selectors.posts import accountability
from rathaus.participation.services import accountability as services
from rathaus.participation.services import posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(process, resident):
    return posts.idea_create(process=process, participant=resident, title="Bäume", body="Mehr")


def test_adopted_idea_names_the_project(idea, planner, process):
    with pytest.raises(DomainError) as exc:
        services.idea_set_status(actor=planner, idea=idea, status="adopted", reason="Gut")
    assert exc.value.code == "project_required"
    services.idea_set_status(
        actor=planner, idea=idea, status="adopted", reason="Wir pflanzen 6 Bäume.", project="P-12"
    )
    idea.refresh_from_db()
    assert idea.decided_at is not None and idea.project == "P-12"
    assert accountability(process)["adopted"] == [idea]


def test_rejected_idea_needs_a_reason(idea, planner):
    with pytest.raises(DomainError) as exc:
        services.idea_set_status(actor=planner, idea=idea, status="rejected")
    assert exc.value.code == "reason_required"
    services.idea_set_status(actor=planner, idea=idea, status="rejected", reason="Zu teuer.")
    assert Idea.objects.get().status == "rejected"


def test_unknown_status_is_refused(idea, planner):
    with pytest.raises(DomainError):
        services.idea_set_status(actor=planner, idea=idea, status="vielleicht")
