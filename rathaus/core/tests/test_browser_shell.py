"""Browser tests of the shell: login, navigation by role, language switch — each page axe-checked."""

import pytest

from rathaus.core.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_navigation_and_logout(page, live_server, axe_check, login, town, make_user):
    make_user(
        Role.PLANNER,
        Role.EMPLOYEE,
        municipality=town,
        username="petra",
        first_name="Petra",
        last_name="Plan",
    )
    page.goto(live_server.url + "/")
    axe_check(page)
    login(page, "petra")
    axe_check(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Willkommen, Petra Plan"
    page.get_by_role("link", name="Beschäftigte", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Beschäftigte"
    axe_check(page)
    page.get_by_role("link", name="Import").first.click()
    axe_check(page)
    page.get_by_role("button", name="Abmelden").click()
    assert page.get_by_role("link", name="Anmelden").is_visible()


def test_wrong_password_shows_german_error(page, live_server, axe_check, town, make_user):
    make_user(Role.EMPLOYEE, municipality=town, username="otto")
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("Benutzername").fill("otto")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").last.click()
    assert "Bitte Benutzername und Passwort eingeben" in page.content()
    axe_check(page)


def test_skip_link_and_language_switch(page, live_server, axe_check):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.evaluate("el => el === document.activeElement")
    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Skip to content").count() == 1
    axe_check(page)
    page.locator("button[name=language][value=de]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de"
