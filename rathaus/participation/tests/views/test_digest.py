"""Following a district: sign-up with double opt-in, confirming and unsubscribing by link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from rathaus.participation.models import DistrictFollower
from rathaus.participation.tests.conftest import altcha_payload

pytestmark = pytest.mark.django_db


def test_follow_confirm_and_unsubscribe_by_the_link_in_the_e_mail(
    client, districts, django_capture_on_commit_callbacks
):
    nord = districts["NORD"]
    url = reverse("participation:follow", args=[nord.pk])
    assert "Neuigkeiten aus Nordviertel" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"email": "anna@example.org", "consent": "on", "altcha": altcha_payload()}
        )
    assert "Bitte E-Mail bestätigen" in response.content.decode()
    link = re.search(r"http\S+/stadtteil-nachrichten/\S+/", mail.outbox[0].body).group(0)
    path = link.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in link else link
    page = client.get(path)  # GET only shows
    assert "noch nicht bestätigt" in page.content.decode()
    assert DistrictFollower.objects.get().confirmed_at is None
    client.post(path, {"action": "confirm"})
    assert DistrictFollower.objects.get().confirmed_at is not None
    client.post(path, {"action": "unsubscribe"})
    assert not DistrictFollower.objects.exists()
    assert client.get(path).status_code == 404


def test_a_bad_address_is_named_at_the_field(client, districts):
    url = reverse("participation:follow", args=[districts["NORD"].pk])
    response = client.post(url, {"email": "anna", "consent": "on", "altcha": altcha_payload()})
    assert response.status_code == 400
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in response.content.decode()
    assert not DistrictFollower.objects.exists()


def test_a_forged_link_is_not_found(client):
    url = reverse("participation:follow_manage", args=["1:erfunden:abc"])
    assert client.get(url).status_code == 404
