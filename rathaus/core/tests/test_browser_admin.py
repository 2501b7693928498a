"""Browser walks of issue 11 points 18–22 with the demo logins, each page axe-checked.

The demo's master data (``load_core``: Musterstadt, its neighbours and the demo logins) is
enough for these pages; screenshots of every new or changed page go to $RATHAUS_SCREENSHOTS
"""

import pytest
from playwright.sync_api import expect

from rathaus.core.demo import load_core
from rathaus.core.models import AuditEntry, User
from rathaus.core.testing import browser_sign_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    return load_core()


def _cards_open(page):
    """Every card on the page opens (no 403) for the logged-in user."""
    hrefs = page.locator(".card-grid a").evaluate_all("els => els.map(e => e.href)")
    assert hrefs
    for href in hrefs:
        status = page.request.get(href).status
        assert status != 403, f"{href} -> 403"


def test_the_municipality_admin_reads_the_log_and_edits_the_legal_pages(
    page, live_server, axe_check, demo
):
    admin = User.objects.get(username="admin")
    AuditEntry.objects.create(
        municipality=demo,
        actor=admin,
        action="update",
        object_type="core.Room",
        object_id=str(demo.pk),
        changes={"capacity_normal": [2, 3]},
    )
    browser_sign_in(page, live_server.url, "admin")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Willkommen, {admin.display_name}")
    expect(page.get_by_text("Ihre Rollen: Administration Kommune")).to_be_visible()
    axe_check(page)
    shot(page, "start-admin")
    _cards_open(page)

    page.get_by_role("link", name="Änderungsprotokoll", exact=True).click()
    page.get_by_label("Objektart").select_option(label="Raum")
    page.get_by_role("button", name="Filtern").click()
    expect(page.get_by_text("Plätze (normal): 2 → 3")).to_be_visible()
    axe_check(page)
    shot(page, "audit")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Rechtliche Angaben").click()
    expect(page.get_by_label("Impressum")).to_be_visible()
    axe_check(page)
    page.get_by_label("Impressum").fill("Stadt Musterstadt\n\nMarktplatz 1, 59999 Musterstadt")
    page.get_by_label("E-Mail für Rückmeldungen zur Barrierefreiheit").fill(
        "barrierefrei@musterstadt.example"
    )
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die rechtlichen Angaben sind gespeichert.")).to_be_visible()
    shot(page, "legal-edit")
    page.get_by_role("navigation", name="Rechtliches").get_by_role("link", name="Impressum").click()
    expect(page.get_by_text("Marktplatz 1, 59999 Musterstadt")).to_be_visible()
    axe_check(page)


def test_the_region_admin_switches_and_creates_a_municipality(page, live_server, axe_check, demo):
    browser_sign_in(page, live_server.url, "regionadmin")
    brand = page.locator(".site-brand")
    expect(brand).to_have_text("Rathaus · Kreis Musterland (alle Kommunen)")
    axe_check(page)
    shot(page, "start-regionadmin")
    _cards_open(page)
    page.get_by_role("link", name="Beschäftigte", exact=True).click()
    expect(page.get_by_role("columnheader", name="Kommune")).to_be_visible()
    axe_check(page)

    page.get_by_label("Daten anzeigen für").select_option(label="Beispielhausen")
    page.get_by_role("button", name="Wechseln").click()
    expect(brand).to_have_text("Rathaus · Beispielhausen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Beschäftigte")
    expect(page.get_by_role("columnheader", name="Kommune")).to_have_count(0)
    assert "Beispielhausen" in page.title()
    axe_check(page)
    shot(page, "employees-switched")

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Kommune anlegen").click()
    page.get_by_label("Name", exact=True).fill("Neustadt")
    page.get_by_label("Kurzname in Adressen").fill("neustadt")
    page.get_by_label("Amtlicher Gemeindeschlüssel").fill("05999004")
    page.get_by_label("Bundesland").select_option("NW")
    axe_check(page)
    shot(page, "municipality-create")
    page.get_by_role("button", name="Kommune anlegen").click()
    expect(brand).to_have_text("Rathaus · Neustadt")
    assert AuditEntry.objects.filter(object_type="core.Municipality", action="create").exists()


@pytest.mark.parametrize("username", ["teamleitung", "buergermeisterin"])
def test_no_card_leads_to_a_403_and_the_403_page_is_kern(
    page, live_server, axe_check, demo, username
):
    browser_sign_in(page, live_server.url, username)
    axe_check(page)
    user = User.objects.get(username=username)
    if page.url.rstrip("/") == live_server.url:  # the start page (leadership lands on its cockpit)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Willkommen, {user.display_name}"
        )
        shot(page, "start-teamleitung")
    _cards_open(page)
    page.goto(f"{live_server.url}/stammdaten/beschaeftigte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kein Zugriff")
    axe_check(page)
    shot(page, f"403-{username}")
    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/stammdaten/beschaeftigte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Access denied")
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page)


def test_a_public_page_links_the_legal_pages_in_its_footer(page, live_server, axe_check, demo):
    page.goto(f"{live_server.url}/termine/")
    legal = page.get_by_role("navigation", name="Rechtliches")
    legal.get_by_role("link", name="Barrierefreiheit").click()
    axe_check(page)
    page.get_by_role("link", name="Musterstadt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erklärung zur Barrierefreiheit")
    expect(page.get_by_role("heading", name="Feedback und Kontakt")).to_be_visible()
    axe_check(page)
    shot(page, "accessibility-statement")
    page.get_by_role("navigation", name="Rechtliches").get_by_role(
        "link", name="Datenschutz"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Datenschutzerklärung")
    axe_check(page)
