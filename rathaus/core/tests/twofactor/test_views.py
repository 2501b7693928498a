"""No side door: a session that needs the second factor reaches no page, no admin, no API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from rathaus.core.admin import site
from rathaus.core.models import AuditEntry, Role
from rathaus.core.testing import code_for_secret, next_code, pass_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.without_second_factor]

# 10:00:15 in Berlin, 15 s into a 30-s code step: two seconds later the same codes still hold.
NOW = datetime(2026, 12, 3, 9, 0, 15, tzinfo=UTC)
PRIVILEGED_PAGES = ("/wahlen/", "/stammdaten/protokoll/", "/admin/", "/admin/core/user/", "/")


@pytest.fixture
def officer(make_user, town):
    return make_user(Role.ELECTION_OFFICER, Role.MUNICIPALITY_ADMIN, municipality=town)


def test_a_privileged_session_without_second_factor_is_led_to_enrolment_everywhere(client, officer):
    client.force_login(officer)
    for path in PRIVILEGED_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/konto/zweiter-faktor/einrichten/?next="), path
    api = client.get("/api/v1/elections/")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    htmx = client.get("/wahlen/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith("/konto/zweiter-faktor/einrichten/")


def test_with_a_device_the_session_is_asked_for_the_code_first(client, officer):
    TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    client.force_login(officer)
    response = client.get("/admin/")
    assert response["Location"] == "/konto/zweiter-faktor/pruefen/?next=%2Fadmin%2F"
    # enrolling a new device is no way round: it asks for the old one's code first
    response = client.get(reverse("second_factor_enrol"))
    assert response["Location"].startswith("/konto/zweiter-faktor/pruefen/")


def test_the_admin_site_itself_refuses_an_unconfirmed_session(officer):
    request = RequestFactory().get("/admin/")
    request.user = officer
    officer.is_verified = lambda: False
    assert not site.has_permission(request)
    officer.is_verified = lambda: True
    assert site.has_permission(request)


def test_enrolment_page_shows_qr_code_and_secret_and_confirms_with_a_code(client, officer):
    client.force_login(officer)
    page = client.get(reverse("second_factor_enrol") + "?next=/admin/")
    html = page.content.decode()
    assert "<svg" in html and "QR-Code für die Authenticator-App" in html
    secret = re.search(r'class="twofactor-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
    wrong = client.post(reverse("second_factor_enrol"), {"code": "12345", "next": "/admin/"})
    assert wrong.status_code == 400 and "Der Code passt nicht" in wrong.content.decode()
    done = client.post(
        reverse("second_factor_enrol"), {"code": code_for_secret(secret), "next": "/admin/"}
    )
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert 'href="/admin/"' in done.content.decode()
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(summary="Zweiter Faktor eingerichtet").exists()


def test_the_code_page_lets_the_right_code_through_and_refuses_a_wrong_one(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    # A stopped clock: the back-off (1 s after the first wrong code) must not run out between
    # two requests however slowly a busy machine serves them; then the clock is moved past it.
    with time_machine.travel(NOW, tick=False):
        client.force_login(officer)
        wrong = client.post(reverse("second_factor_verify"), {"code": "000000", "next": "/admin/"})
        assert wrong.status_code == 400 and "Der Code passt nicht" in wrong.content.decode()
        again = client.post(reverse("second_factor_verify"), {"code": next_code(device)})
        assert "Zu viele falsche Codes nacheinander. Versuchen Sie es ab 10:00:16 Uhr wieder." in (
            again.content.decode()
        )
    with time_machine.travel(NOW + timedelta(seconds=2), tick=False):  # after the back-off
        right = client.post(
            reverse("second_factor_verify"), {"code": next_code(device), "next": "/admin/"}
        )
        assert right["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_foreign_next_address_is_not_followed(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    client.force_login(officer)
    response = client.post(
        reverse("second_factor_verify"),
        {"code": next_code(device), "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == "/"


def test_others_choose_and_once_enrolled_are_asked_too(client, make_user, town):
    clerk = make_user(Role.CLERK, municipality=town)
    client.force_login(clerk)
    assert client.get("/").status_code == 200
    account = client.get(reverse("second_factor")).content.decode()
    assert "freiwillig" in account
    TOTPDevice.objects.create(user=clerk, name="App", confirmed=True)
    assert client.get("/")["Location"].startswith("/konto/zweiter-faktor/pruefen/")


def test_a_reset_ends_the_confirmed_session_at_its_next_request(client, officer, make_user, town):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town)
    pass_second_factor(client, officer)  # not signed in yet: nothing happens
    client.force_login(officer)
    pass_second_factor(client, officer)
    assert client.get("/wahlen/").status_code == 200
    admin_client = client_class_for(admin)
    response = admin_client.post(
        "/admin/core/user/",
        {"action": "reset_second_factor", "_selected_action": [str(officer.pk)]},
        follow=True,
    )
    assert "Nicht zurückgesetzt" in response.content.decode()  # an officer outranks this admin
    officer.roles = [Role.EMPLOYEE, Role.MUNICIPALITY_ADMIN]
    officer.save()
    response = admin_client.post(
        "/admin/core/user/",
        {"action": "reset_second_factor", "_selected_action": [str(officer.pk)]},
        follow=True,
    )
    assert "Zweiter Faktor zurückgesetzt: 1" in response.content.decode()
    assert client.get("/")["Location"].startswith("/konto/zweiter-faktor/einrichten/")


def client_class_for(user):
    other = Client()
    other.force_login(user)
    pass_second_factor(other, user)
    return other


def test_the_pages_speak_english_too(client, officer):
    client.force_login(officer)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    enrol = client.get(reverse("second_factor_enrol"), **english).content.decode()
    assert "Set up a second factor" in enrol and "Key to enter by hand" in enrol
    assert "QR code for the authenticator app" in enrol
    TOTPDevice.objects.filter(user=officer).delete()
    TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    verify = client.get(reverse("second_factor_verify"), **english).content.decode()
    assert "Confirm sign-in" in verify and "Cancel and sign out" in verify
