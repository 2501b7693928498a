"""The personal link: turning e-mail notifications on and off."""

import pytest
from django.urls import reverse

from rathaus.participation.services import participants

pytestmark = pytest.mark.django_db


def test_notifications_are_turned_on_and_off_on_the_personal_page(client, process):
    person, token = participants.participant_join(
        process=process, pseudonym="Nachbar", consent=True, street="Lindenstraße", house_number="2"
    )
    url = reverse("participation:notify", args=[token])
    bad = client.post(url, {"email": "kein-at"})
    assert bad.status_code == 400
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in bad.content.decode()
    client.post(url, {"email": "nachbar@example.org"})
    person.refresh_from_db()
    assert person.email == "nachbar@example.org"
    page = client.get(reverse("participation:personal", args=[token])).content.decode()
    assert "Wir schreiben an nachbar@example.org" in page
    client.post(url, {"email": ""})
    person.refresh_from_db()
    assert person.email == ""
