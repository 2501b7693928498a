"""In Chromium: an election officer is forced through enrolment, keeps the recovery codes,
signs in again with a code from the app, and once more with a recovery code (used up).
axe-core on every page; screenshots at 1280 and 390 px into $RATHAUS_SCREENSHOTS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rathaus.core.models import Role
from rathaus.core.testing import code_for_secret, next_code, shot
from rathaus.core.twofactor.selectors import authenticator_of, recovery_codes_left

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-passwort-123"


def _password(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/wahlen/")
    expect(page).to_have_url(re.compile(r"/konto/anmelden/"))
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").last.click()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state()


def test_an_officer_enrols_and_signs_in_with_the_app_and_with_a_recovery_code(
    page, live_server, axe_check, make_user, town
):
    officer = make_user(Role.EMPLOYEE, Role.ELECTION_OFFICER, municipality=town, username="wahl")
    _password(page, live_server.url, "wahl")

    # no side door: the election pages lead to enrolment first
    expect(page).to_have_url(re.compile(r"/konto/zweiter-faktor/einrichten/\?next=%2Fwahlen%2F"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zweiten Faktor einrichten")
    expect(page.get_by_role("img", name="QR-Code für die Authenticator-App")).to_be_visible()
    axe_check(page)
    shot(page, "twofactor-enrol")
    page.get_by_label("Code aus der App").fill("123")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_text("Der Code passt nicht.").first).to_be_visible()
    axe_check(page)
    secret = page.locator(".twofactor-secret").inner_text()
    page.get_by_label("Code aus der App").fill(code_for_secret(secret))
    page.get_by_role("button", name="Bestätigen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Wiederherstellungscodes")
    codes = page.locator(".twofactor-codes code").all_inner_texts()
    assert len(codes) == 10
    axe_check(page)
    shot(page, "twofactor-codes")
    page.get_by_role("link", name=re.compile("Ich habe die Codes gesichert")).click()
    expect(page).to_have_url(re.compile(r"/wahlen/$"))
    axe_check(page)
    _sign_out(page)

    # next time: the code from the app
    _password(page, live_server.url, "wahl")
    expect(page).to_have_url(re.compile(r"/konto/zweiter-faktor/pruefen/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    axe_check(page)
    shot(page, "twofactor-verify")
    page.get_by_label("Code", exact=True).fill(next_code(authenticator_of(officer)))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page).to_have_url(re.compile(r"/wahlen/$"))
    _sign_out(page)

    # phone left at home: a recovery code, used up
    _password(page, live_server.url, "wahl")
    page.get_by_label("Code", exact=True).fill(codes[0].upper())
    page.get_by_role("button", name="Bestätigen").click()
    expect(page).to_have_url(re.compile(r"/wahlen/$"))
    expect(page.get_by_role("status").filter(has_text="noch 9 sind übrig")).to_be_visible()
    axe_check(page)
    assert recovery_codes_left(officer) == 9
    _sign_out(page)
    _password(page, live_server.url, "wahl")
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_text("Der Code passt nicht.").first).to_be_visible()
    axe_check(page)
    shot(page, "twofactor-verify-refused")


def test_the_account_page_offers_enrolment_to_others(page, login, axe_check, make_user, town):
    make_user(Role.CLERK, municipality=town, username="clerk", password=PASSWORD)
    login(page, "clerk", PASSWORD)
    page.get_by_role("link", name="Zweiter Faktor").click()
    expect(page.get_by_text("Der zweite Faktor ist für Ihre Rolle freiwillig.")).to_be_visible()
    axe_check(page)
    shot(page, "twofactor-account")
    page.get_by_role("link", name="Zweiten Faktor einrichten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zweiten Faktor einrichten")
    axe_check(page)
