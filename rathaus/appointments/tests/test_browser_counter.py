# ruff: noqa: F401, F811  (pytest fixtures imported from counter_fixtures)
"""A clerk checks a citizen in and calls them; the waiting-room display shows it by itself."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from rathaus.appointments.models import BookingPolicy
from rathaus.appointments.tests.counter_fixtures import clerk, live_office, office_hours


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_check_in_call_and_display(
    page, browser, live_server, login, axe_check, clerk, live_office
):
    location, (_c1, _c2), _ausweis, _kfz, paula = live_office
    token = BookingPolicy.objects.get(location=location).display_token

    # the waiting-room TV: no login, own browser context
    tv_context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    tv = tv_context.new_page()
    tv.set_default_timeout(90_000)
    try:
        tv.goto(f"{live_server.url}{reverse('appointments:display', args=[token])}")
        expect(tv.get_by_text("Noch kein Aufruf.")).to_be_visible()
        axe_check(tv)

        login(page, clerk.username)
        page.goto(f"{live_server.url}{reverse('appointments:staff_day')}?standort={location.pk}")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Bürgerbüro Markt")
        row = page.locator(f"#termin-{paula.pk}")
        expect(row).to_contain_text("Paula Beispiel")
        expect(row).to_contain_text("bestätigt")
        axe_check(page)

        row.get_by_role("button", name="Anmelden").click()
        expect(page.get_by_text("Angemeldet – Wartenummer A001")).to_be_visible()
        expect(page.locator(f"#termin-{paula.pk}")).to_contain_text("angemeldet")

        call_form = page.locator("form[action$='/aufruf/']")
        call_form.get_by_label("Schalter").select_option(label="Schalter 2")
        call_form.get_by_role("button", name="Nächste Person aufrufen").click()
        expect(page.get_by_text("A001 wurde zu „Schalter 2“ aufgerufen.")).to_be_visible()
        axe_check(page)

        # the display polls every 4 s and shows the call without a reload
        expect(tv.get_by_test_id("latest-ticket")).to_have_text("A001", timeout=90_000)
        expect(tv.get_by_test_id("latest-counter")).to_have_text("Schalter 2")
        expect(tv.locator("#display-list")).to_contain_text("A001")
        expect(tv.locator("[aria-live='polite']")).to_contain_text("Schalter 2")
        axe_check(tv)

        page.goto(f"{live_server.url}{reverse('appointments:statistics')}")
        expect(page.get_by_role("heading", name="Terminstatistik")).to_be_visible()
        axe_check(page)
    finally:
        tv_context.close()
