"""Consent texts per municipality: versioned; joining records the versions accepted; a newer
version stops the next contribution until the participant confirms it; other towns' texts
do not count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.core.problems import DomainError
from rathaus.participation.models import ConsentText, Idea
from rathaus.participation.selectors.consent import current_texts, outdated
from rathaus.participation.selectors.posts import personal_export
from rathaus.participation.services import participants, posts

pytestmark = pytest.mark.django_db


def publish(town, kind, version, *, title=None, at=None):
    return ConsentText.objects.create(
        municipality=town,
        kind=kind,
        version=version,
        title=title or f"{kind} {version}",
        body="Wir speichern Ihren Namen.",
        published_at=at or timezone.now() - timedelta(minutes=1),
    )


def test_joining_records_the_versions_in_force(process, town):
    publish(town, "privacy", 1)
    publish(town, "privacy", 2, title="Datenschutzhinweise")
    publish(town, "terms", 1)
    publish(town, "terms", 3, at=timezone.now() + timedelta(days=5))  # not yet in force
    person, _token = participants.participant_join(
        process=process, pseudonym="Nora", consent=True, street="Lindenstraße", house_number="5"
    )
    assert person.consents == {"privacy": 2, "terms": 1}
    assert [t.version for t in current_texts(town.pk)] == [2, 1]
    assert personal_export(person)["bestaetigte_einwilligungstexte"] == {"privacy": 2, "terms": 1}


def test_a_new_version_asks_again_before_the_next_contribution(process, town, resident):
    publish(town, "privacy", 1)
    resident.consents = {"privacy": 1}
    resident.save()
    posts.idea_create(process=process, participant=resident, title="Bänke", body="Mehr.")
    publish(town, "privacy", 2, title="Datenschutzhinweise")
    with pytest.raises(DomainError) as exc:
        posts.idea_create(process=process, participant=resident, title="Bäume", body="Mehr.")
    assert exc.value.code == "consent_outdated" and exc.value.status == 409
    assert "„Datenschutzhinweise“ (Version 2)" in exc.value.message
    assert Idea.objects.count() == 1
    with pytest.raises(DomainError) as missing:
        participants.participant_consent_renew(participant=resident, consent=False)
    assert missing.value.code == "consent_required"
    participants.participant_consent_renew(participant=resident, consent=True)
    resident.refresh_from_db()
    assert resident.consents == {"privacy": 2} and not outdated(resident)
    posts.idea_create(process=process, participant=resident, title="Bäume", body="Mehr.")
    assert Idea.objects.count() == 2


def test_another_towns_texts_ask_nothing(process, resident, other_town):
    publish(other_town, "privacy", 7)
    assert not outdated(resident)
    posts.idea_create(process=process, participant=resident, title="Bänke", body="Mehr.")
