"""The demo shows work in every phase whatever day it is loaded, and loads twice unchanged."""

import pytest
from django.utils import timezone

from rathaus.core.demo import load_core
from rathaus.participation import demo
from rathaus.participation.models import Comment, Idea, Process, Visibility
from rathaus.participation.selectors.processes import phase_state

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_shows_every_phase():
    town = load_core()
    demo.load(town)
    counts = (Process.objects.count(), Idea.objects.count(), Comment.objects.count())
    demo.load(town)
    assert (Process.objects.count(), Idea.objects.count(), Comment.objects.count()) == counts
    today = timezone.localdate()
    phases = {p.title: phase_state(p, today).phase.kind for p in Process.objects.all()}
    assert phases[demo.STREET_TITLE] == "contributions"
    assert phases[demo.FORUM_TITLE] == "evaluation"
    assert phases[demo.PLAYGROUND_TITLE] == "result"
    assert Idea.objects.filter(status="adopted").exclude(project="").exists()
    assert Idea.objects.filter(status="rejected").exclude(status_reason="").exists()
    assert Comment.objects.filter(visibility=Visibility.HIDDEN).exclude(author_reply="").exists()
    assert Comment.objects.filter(participant__expert__isnull=False).exists()
    assert (
        Process.objects.get(title=demo.VISION_TITLE).chapters.filter(district__isnull=False).count()
        == 2
    )
