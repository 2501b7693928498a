"""Error pages in the KERN look, German and English (point 18)."""

import pytest
from django.test import Client
from django.urls import include, path

from rathaus.core.models import Role
from rathaus.core.views.errors import bad_request, server_error

pytestmark = pytest.mark.django_db


def test_403_is_the_kern_page_in_german(client, town, make_user):
    client.force_login(make_user(Role.TEAM_LEAD, municipality=town))
    response = client.get("/stammdaten/beschaeftigte/")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<h1 class="kern-heading-large">Kein Zugriff</h1>' in html
    assert "403 Forbidden" not in html
    assert 'lang="de"' in html
    assert "Impressum" in html  # the footer of every page


def test_403_is_the_kern_page_in_english(client, town, make_user):
    client.force_login(make_user(Role.TEAM_LEAD, municipality=town))
    response = client.get("/stammdaten/beschaeftigte/", headers={"accept-language": "en"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Access denied" in html
    assert 'lang="en"' in html


def test_404_is_the_kern_page(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
    assert "kern-kopfzeile" in response.content.decode()


def test_a_csrf_failure_is_explained_in_german():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/anmelden/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Sicherheitsprüfung fehlgeschlagen" in html
    assert "CSRF verification failed" not in html


def test_500_is_the_kern_page(rf):
    request = rf.get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Interner Fehler" in response.content.decode()


def _boom(request):
    raise RuntimeError("kaputt")


urlpatterns = [path("kaputt/", _boom), path("", include("config.urls"))]
handler500 = "rathaus.core.views.errors.server_error"


@pytest.mark.urls(__name__)
def test_an_unhandled_error_shows_the_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/kaputt/")
    assert response.status_code == 500
    assert "Interner Fehler" in response.content.decode()


def test_400_is_the_kern_page(rf):
    response = bad_request(rf.get("/"))
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.content.decode()
