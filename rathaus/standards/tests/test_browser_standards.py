"""The region administrator defines a promise in the browser; every page passes axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from rathaus.core.models import Role
from rathaus.standards.models import DailyFigure, Promise
from rathaus.standards.services.measure import figures_compute
from rathaus.standards.services.publication import publication_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_region_admin_defines_a_promise_and_reads_the_comparison(
    page, live_server, login, axe_check, world, region, town, today, make_user
):
    figures_compute(region=region, date_from=today - timedelta(days=60), date_to=today)
    publication_build(region=region)
    admin = make_user(Role.REGION_ADMIN, region=region)
    login(page, admin.username)

    page.goto(f"{live_server.url}/standards/versprechen/")
    axe_check(page)
    page.get_by_role("link", name="Neues Leistungsversprechen").click()
    axe_check(page)
    page.get_by_label("Kennung").fill("no-show-10")
    page.get_by_label("Bezeichnung").fill("Höchstens 10 % nicht wahrgenommene Termine")
    page.get_by_label("Kennzahl").select_option("no_show_rate")
    page.get_by_label("Zielwert (Prozent)").fill("10")
    page.get_by_label("Definition (Messvorschrift)").fill(
        "Nicht erschienen / (erledigt + nicht erschienen)."
    )
    page.get_by_label("Vereinbart durch").fill("Regionsversammlung")
    page.get_by_label("Vereinbart am").fill("2026-02-01")
    page.get_by_label("LeiKa-Schlüssel").fill("12")
    page.get_by_role("button", name="Anlegen").click()
    expect(page.get_by_text("Der LeiKa-Schlüssel hat genau 14 Ziffern.")).to_be_visible()
    axe_check(page)
    page.get_by_label("LeiKa-Schlüssel").fill("")
    page.get_by_role("button", name="Anlegen").click()
    expect(page.get_by_text("Das Leistungsversprechen ist angelegt.")).to_be_visible()
    assert Promise.objects.filter(region=region, code="no-show-10").exists()

    page.goto(f"{live_server.url}/standards/?monat={today - timedelta(days=12):%Y-%m}")
    expect(
        page.get_by_role("heading", name="Wartezeit vor Ort höchstens 15 Minuten").or_(
            page.get_by_role("heading", name="Warten höchstens 15 Minuten")
        )
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=town.name).first.click()
    expect(page.get_by_role("heading", name=f"Servicestandards {town.name}")).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/standards/oeffentlich/{region.slug}/")
    expect(page.get_by_role("link", name="JSON", exact=True)).to_be_visible()
    axe_check(page)


def test_four_eyes_in_the_browser(
    page, live_server, login, axe_check, world, calls115, town, second, today
):
    """The administration enters the 115 figure; it waits until the leadership confirms."""
    login(page, world["admin"].username)
    page.goto(f"{live_server.url}/standards/werte/")
    axe_check(page)
    page.get_by_label("Leistungsversprechen").select_option(label=calls115.title)
    page.get_by_label("Tag").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("Fälle").fill("10")
    page.get_by_label("Treffer").fill("12")
    page.get_by_role("button", name="Zur Bestätigung vorlegen").click()
    expect(page.get_by_text("Es kann nicht mehr Treffer als Fälle geben.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Treffer").fill("8")
    page.get_by_role("button", name="Zur Bestätigung vorlegen").click()
    expect(page.get_by_text("wartet auf die Bestätigung durch eine zweite Person")).to_be_visible()
    expect(page.get_by_role("button", name="Bestätigen")).to_have_count(0)
    axe_check(page)
    assert not DailyFigure.objects.filter(promise=calls115).exists()

    page.context.clear_cookies()
    login(page, second.username)
    page.goto(f"{live_server.url}/standards/werte/")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_text("Der Wert ist bestätigt und zählt.")).to_be_visible()
    axe_check(page)
    assert DailyFigure.objects.get(promise=calls115).cases == 10


def test_the_report_page_offers_the_pdf(page, live_server, login, axe_check, world, today):
    login(page, world["coordinator"].username)
    page.goto(f"{live_server.url}/standards/bericht/")
    axe_check(page)
    page.get_by_label("Monat").fill("2999-01")
    page.get_by_role("button", name="PDF erstellen").click()
    expect(page.get_by_text("Dieser Monat hat noch nicht begonnen.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Monat").fill(f"{today:%Y-%m}")
    with page.expect_download() as download:
        page.get_by_role("button", name="PDF erstellen").click()
    path = download.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
