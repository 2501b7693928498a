"""The demo shows work in every phase whatever day it is loaded, and loads twice unchanged."""

import pytest
from django.utils import timezone

from rathaus.core.demo import load_core
from rathaus.participation import demo
from rathaus.participation.models import Comment, Idea, Participant, Process, Visibility
from rathaus.participation.selectors.audience import rule_for
from rathaus.participation.selectors.consent import current_texts
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


def test_demo_street_polls_ask_the_invited_households_and_the_town_has_consent_texts():
    town = load_core()
    demo.load(town)
    street = Process.objects.get(title=demo.STREET_TITLE)
    rule = rule_for(street, phase_state(street, timezone.localdate()), "poll")
    assert rule.own and rule.group_names == ("Haushalte Lindenstraße 1–99",)
    outsider = Participant.objects.get(process=street, pseudonym="Oma Inge")
    assert rule.refusal_of(outsider) == "not_invited"
    texts = current_texts(town.pk)
    assert [(t.kind, t.version) for t in texts] == [("privacy", 2), ("terms", 1)]
    assert "Marktplatz 1" in texts[0].body
    behind = Participant.objects.exclude(consents=demo.CONSENTS_ACCEPTED)
    assert list(behind.values_list("pseudonym", flat=True)) == ["Oma Inge"]
