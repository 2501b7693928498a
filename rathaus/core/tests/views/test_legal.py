"""Legal pages: per municipality, default texts, edited by its admin, in every footer (point 21)."""

import pytest
from django.template.loader import render_to_string

from rathaus.appointments.tests.counter_fixtures import make_office
from rathaus.core.models import AuditEntry, LegalTexts, Role
from rathaus.core.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_every_legal_page_has_a_sensible_default(client, town):
    for kind, heading in [
        ("impressum", "Impressum"),
        ("datenschutz", "Datenschutzerklärung"),
        ("barrierefreiheit", "Erklärung zur Barrierefreiheit"),
    ]:
        response = client.get(f"/rechtliches/{kind}/{town.slug}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<h1 class="kern-heading-large">{heading}</h1>' in html
        assert town.name in html


def test_the_accessibility_statement_names_the_feedback_contact(client, town):
    LegalTexts.objects.create(
        municipality=town, feedback_email="barrierefrei@musterstadt.example", feedback_phone="0123"
    )
    html = client.get(f"/rechtliches/barrierefreiheit/{town.slug}/").content.decode()
    assert "Feedback und Kontakt" in html
    assert 'href="mailto:barrierefrei@musterstadt.example"' in html
    assert "BITV 2.0" in html


def test_unknown_kinds_and_towns_are_404(client, town):
    assert client.get(f"/rechtliches/agb/{town.slug}/").status_code == 404
    assert client.get("/rechtliches/impressum/nirgendwo/").status_code == 404


def test_the_footer_of_a_public_page_links_all_three(client, town, other_town):
    html = client.get("/termine/").content.decode()
    for kind in ("impressum", "datenschutz", "barrierefreiheit"):
        assert f'href="/rechtliches/{kind}/"' in html
    chooser = client.get("/rechtliches/impressum/").content.decode()
    assert f'href="/rechtliches/impressum/{town.slug}/"' in chooser


def test_a_single_town_deployment_goes_straight_to_its_page(client, db):
    only = MunicipalityFactory()
    response = client.get("/rechtliches/datenschutz/")
    assert response.status_code == 302
    assert response["Location"] == f"/rechtliches/datenschutz/{only.slug}/"


def test_the_footer_of_a_staff_page_links_the_users_town(client, town, make_user):
    client.force_login(make_user(Role.EMPLOYEE, municipality=town))
    html = client.get("/").content.decode()
    assert f'href="/rechtliches/impressum/{town.slug}/"' in html


def test_the_municipality_admin_edits_the_texts_with_a_form_audited(client, town, make_user):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town)
    client.force_login(admin)
    assert client.get("/stammdaten/rechtliches/").status_code == 200
    response = client.post(
        "/stammdaten/rechtliches/",
        {
            "imprint": "Stadt Musterstadt\n\nMarktplatz 1",
            "privacy": "",
            "accessibility": "",
            "feedback_email": "bf@musterstadt.example",
            "feedback_phone": "",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/rechtliches/impressum/{town.slug}/").content.decode()
    assert "<p>Stadt Musterstadt</p>" in page
    # an empty text keeps the default
    assert "DSGVO" in client.get(f"/rechtliches/datenschutz/{town.slug}/").content.decode()
    entry = AuditEntry.objects.get(object_type="core.LegalTexts")
    assert entry.actor == admin and entry.municipality_id == town.pk


def test_the_feedback_contact_is_required(client, town, make_user):
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    response = client.post("/stammdaten/rechtliches/", {"imprint": "x", "feedback_email": ""})
    assert response.status_code == 200
    assert not LegalTexts.objects.exists()


def test_staff_without_admin_rights_cannot_edit(client, town, make_user):
    client.force_login(make_user(Role.LEADERSHIP, municipality=town))
    assert client.get("/stammdaten/rechtliches/").status_code == 403
    assert client.post("/stammdaten/rechtliches/", {"imprint": "x"}).status_code == 403


def test_the_waiting_list_consent_links_the_towns_privacy_notice(client, town):
    make_office(town, counters=1, name="Bürgerbüro Rathaus")
    html = client.get(f"/termine/terminagent/neu/{town.pk}/").content.decode()
    assert f'href="/rechtliches/datenschutz/{town.slug}/">Datenschutzerklärung</a>' in html


def test_the_privacy_link_names_the_town_of_the_booking():
    town = MunicipalityFactory(slug="beispiel")
    html = render_to_string("core/_privacy_link.html", {"town": town})
    assert 'href="/rechtliches/datenschutz/beispiel/"' in html
