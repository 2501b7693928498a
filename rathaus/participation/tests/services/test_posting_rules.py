"""The rules a post is checked against (phases, module audiences, consent texts) are kept per
worker and version, and every change — also one made in the admin — applies to the very next
post; a repeated comment reads none of them from the database."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rathaus.core.problems import DomainError
from rathaus.participation.models import Audience, ConsentText, Module, Phase
from rathaus.participation.services import posts
from rathaus.participation.tests.module_audience import narrow

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(process, resident):
    return posts.idea_create(process=process, participant=resident, title="Bänke", body="b")


def _comment(idea, resident, body="Gute Idee"):
    return posts.comment_create(idea=idea, participant=resident, body=body)


def _refusal(idea, resident) -> str:
    with pytest.raises(DomainError) as exc:
        _comment(idea, resident, "Noch einer")
    return exc.value.code


def test_a_phase_closed_in_the_admin_refuses_the_next_comment(process, resident, idea):
    _comment(idea, resident)  # the rules are now kept by this worker
    phase = Phase.objects.get(process=process, kind="contributions")
    phase.allows_comments = False
    phase.save()
    assert _refusal(idea, resident) == "phase_closed"


def test_a_deleted_phase_refuses_the_next_comment(process, resident, idea):
    _comment(idea, resident)
    Phase.objects.filter(process=process, kind="contributions").delete()
    assert _refusal(idea, resident) == "phase_closed"


def test_a_new_consent_text_asks_before_the_next_comment(process, resident, idea):
    _comment(idea, resident)
    ConsentText.objects.create(
        municipality=process.municipality,
        kind="terms",
        version=7,
        title="Nutzungsbedingungen",
        body="Neu.",
        published_at=timezone.now() - timedelta(minutes=1),
    )
    assert _refusal(idea, resident) == "consent_outdated"


def test_a_consent_text_for_later_does_not_ask_yet(process, resident, idea):
    ConsentText.objects.create(
        municipality=process.municipality,
        kind="terms",
        version=8,
        title="Nutzungsbedingungen",
        body="Ab nächster Woche.",
        published_at=timezone.now() + timedelta(days=7),
    )
    assert _comment(idea, resident).pk


def test_a_module_audience_set_later_refuses_an_outsider_at_once(
    process, resident, idea, districts
):
    _comment(idea, resident)  # resident lives in Nordviertel
    row = narrow(process, Module.COMMENTS, Audience.DISTRICTS, districts=[districts["NORD"]])
    assert _comment(idea, resident, "Noch erlaubt").pk
    row.districts.set([districts["SUED"]])
    assert _refusal(idea, resident) == "outside_module_audience"
    row.delete()
    assert _comment(idea, resident, "Wieder erlaubt").pk


def test_a_repeated_comment_reads_no_rules_from_the_database(process, resident, idea):
    _comment(idea, resident)
    with CaptureQueriesContext(connection) as queries:
        _comment(idea, resident, "Zweiter Kommentar")
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "participation_phase" not in tables
    assert "participation_consenttext" not in tables
    assert "participation_moduleaudience" not in tables


def test_a_phase_edited_in_the_admin_shows_on_the_cached_page_at_once(client, process):
    url = reverse("participation:process", args=[process.pk])
    assert "31.12.2099" not in client.get(url).content.decode()
    phase = Phase.objects.get(process=process, kind="contributions")
    phase.ends_on = date(2099, 12, 31)
    phase.save()
    assert "31.12.2099" in client.get(url).content.decode()
